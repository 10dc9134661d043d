// What a checkpoint file holds, told from its tensor names (and, for our own files, the
// safetensors metadata "kind"), so one `--model` flag can open any supported file.
#pragma once
#include <map>
#include <set>
#include <string>

#include "core/io/checkpoint.h"

namespace vs::io {

enum class ModelKind {
  kUnknown,
  kVarTransformer,  // VAR's transformer (var_d16.pth …): word_embed + class_emb
  kVarVqVae,        // VAR's multi-scale VQ-VAE (vae_ch160v4096z32.pth): quantize.embedding
  kFlowAr,          // FlowAR's AR transformer + flownet (FlowAR-S.pth …): z_proj
  kKlVae,           // MAR's KL-16 autoencoder (kl16.ckpt): decoder + quant_conv, no codebook
  kClassifier,      // VARScope's Fashion-MNIST classifier (metadata kind = "classifier")
};

const char* model_kind_name(ModelKind kind);  // "VAR transformer", ...

ModelKind detect_model_kind(const std::set<std::string>& keys,
                            const std::map<std::string, std::string>& metadata);
ModelKind detect_model_kind(const Checkpoint& checkpoint);
// Cheap for safetensors (header only); a PyTorch zip is loaded. Throws vs::Error when the
// file cannot be read.
ModelKind detect_model_kind(const std::string& path);

}  // namespace vs::io
