#include "core/io/model_kind.h"

#include <cstdio>
#include <cstring>

#include "core/error.h"
#include "core/io/input_file.h"
#include "core/io/safetensors.h"

namespace vs::io {

const char* model_kind_name(ModelKind kind) {
  switch (kind) {
    case ModelKind::kVarTransformer: return "VAR transformer";
    case ModelKind::kVarVqVae: return "VAR VQ-VAE";
    case ModelKind::kFlowAr: return "FlowAR transformer";
    case ModelKind::kKlVae: return "KL-16 VAE";
    case ModelKind::kClassifier: return "classifier";
    case ModelKind::kUnknown: break;
  }
  return "unknown";
}

ModelKind detect_model_kind(const std::set<std::string>& keys,
                            const std::map<std::string, std::string>& metadata) {
  const auto kind = metadata.find("kind");
  if (kind != metadata.end() && kind->second == "classifier") return ModelKind::kClassifier;
  auto has = [&](const char* key) { return keys.count(key) != 0; };
  if (has("z_proj.weight")) return ModelKind::kFlowAr;
  if (has("word_embed.weight") && has("class_emb.weight")) return ModelKind::kVarTransformer;
  if (has("quantize.embedding.weight")) return ModelKind::kVarVqVae;
  if (has("quant_conv.weight") && has("decoder.conv_in.weight")) return ModelKind::kKlVae;
  return ModelKind::kUnknown;
}

ModelKind detect_model_kind(const Checkpoint& checkpoint) {
  std::set<std::string> keys;
  for (const auto& entry : checkpoint.tensors) keys.insert(entry.first);
  return detect_model_kind(keys, checkpoint.metadata);
}

ModelKind detect_model_kind(const std::string& path) {
  char magic[4] = {0, 0, 0, 0};
  check_regular_file(path, "model");
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw Error(path + ": cannot open (" + std::strerror(errno) + ")");
  const size_t got = std::fread(magic, 1, 4, f);
  std::fclose(f);
  if (got == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0) return detect_model_kind(load_checkpoint(path));
  const SafetensorsFile file = SafetensorsFile::open(path);
  std::set<std::string> keys;
  for (const TensorInfo& info : file.tensors()) keys.insert(info.name);
  return detect_model_kind(keys, file.metadata());
}

}  // namespace vs::io
