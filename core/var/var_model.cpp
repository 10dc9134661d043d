#include "core/var/var_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include "core/attention/pyramid.h"
#include "core/error.h"
#include "core/random/random_normal.h"
#include "core/var/var_weights.h"

namespace vs::var {
namespace {

constexpr int kOfficialVocab = 4096, kOfficialCvae = 32, kOfficialClasses = 1000;

// Official VQ-VAE keys (var.md §5.2) for a config, with random weights.
struct RandomVaeBuilder {
  io::Checkpoint ckpt;
  uint64_t seed;
  uint64_t stream = 1;

  void conv(const std::string& p, int64_t cout, int64_t cin, int64_t k) {
    ckpt.tensors[p + ".weight"] =
        random::random_normal({cout, cin, k, k}, 1.0f / std::sqrt(float(cin * k * k)), seed, stream++);
    ckpt.tensors[p + ".bias"] = Tensor({cout}, 0.0f);
  }
  void norm(const std::string& p, int64_t c) {
    ckpt.tensors[p + ".weight"] = Tensor({c}, 1.0f);
    ckpt.tensors[p + ".bias"] = Tensor({c}, 0.0f);
  }
  void resnet(const std::string& p, int64_t in, int64_t out) {
    norm(p + ".norm1", in);
    conv(p + ".conv1", out, in, 3);
    norm(p + ".norm2", out);
    conv(p + ".conv2", out, out, 3);
    if (in != out) conv(p + ".nin_shortcut", out, in, 1);
  }
  void attn(const std::string& p, int64_t c) {
    norm(p + ".norm", c);
    conv(p + ".qkv", 3 * c, c, 1);
    conv(p + ".proj_out", c, c, 1);
  }

  // ch 160, ch_mult (1,1,2,2,4), 2 res blocks, attention at the last level and in mid.
  void official() {
    const int64_t ch = 160, z = kOfficialCvae;
    const std::vector<int64_t> mult = {1, 1, 2, 2, 4};
    const int levels = static_cast<int>(mult.size()), blocks = 2;
    auto lv = [](const char* part, int l, const std::string& rest) {
      return std::string(part) + "." + std::to_string(l) + "." + rest;
    };
    conv("encoder.conv_in", ch, 3, 3);
    int64_t in = ch;
    for (int l = 0; l < levels; ++l) {
      const int64_t out = ch * mult[l];
      for (int i = 0; i < blocks; ++i) {
        resnet(lv("encoder.down", l, "block." + std::to_string(i)), in, out);
        in = out;
        if (l == levels - 1) attn(lv("encoder.down", l, "attn." + std::to_string(i)), out);
      }
      if (l != levels - 1) conv(lv("encoder.down", l, "downsample.conv"), out, out, 3);
    }
    resnet("encoder.mid.block_1", in, in);
    attn("encoder.mid.attn_1", in);
    resnet("encoder.mid.block_2", in, in);
    norm("encoder.norm_out", in);
    conv("encoder.conv_out", z, in, 3);

    conv("decoder.conv_in", in, z, 3);
    resnet("decoder.mid.block_1", in, in);
    attn("decoder.mid.attn_1", in);
    resnet("decoder.mid.block_2", in, in);
    for (int l = levels - 1; l >= 0; --l) {
      const int64_t out = ch * mult[l];
      for (int i = 0; i <= blocks; ++i) {
        resnet(lv("decoder.up", l, "block." + std::to_string(i)), in, out);
        in = out;
        if (l == levels - 1) attn(lv("decoder.up", l, "attn." + std::to_string(i)), out);
      }
      if (l != 0) conv(lv("decoder.up", l, "upsample.conv"), out, out, 3);
    }
    norm("decoder.norm_out", in);
    conv("decoder.conv_out", 3, in, 3);

    for (int j = 0; j < 4; ++j) conv("quantize.quant_resi.qresi_ls." + std::to_string(j), z, z, 3);
    ckpt.tensors["quantize.embedding.weight"] = random::random_normal({kOfficialVocab, z}, 1.0f, seed, stream++);
    conv("quant_conv", z, z, 3);
    conv("post_quant_conv", z, z, 3);
  }
};

VarConfig official_var_config(int depth, const std::vector<int>& patch_nums) {
  VarConfig c;
  c.depth = depth;
  c.width = 64 * depth;
  c.heads = depth;
  c.vocab = kOfficialVocab;
  c.cvae = kOfficialCvae;
  c.num_classes = kOfficialClasses;
  c.mlp_hidden = 4 * c.width;
  c.shared_aln = false;
  c.attn_l2_norm = true;
  c.patch_nums = patch_nums.empty() ? attention::var_pyramid(16) : patch_nums;
  return c;
}

}  // namespace

std::vector<int> metadata_patch_nums(const io::Checkpoint& checkpoint) {
  auto it = checkpoint.metadata.find("patch_nums");
  if (it != checkpoint.metadata.end()) return attention::parse_pyramid(it->second);
  it = checkpoint.metadata.find("config");
  if (it == checkpoint.metadata.end()) return {};
  const std::string& json = it->second;
  size_t pos = json.find("\"patch_nums\"");
  if (pos == std::string::npos) return {};
  pos = json.find('[', pos);
  const size_t end = pos == std::string::npos ? pos : json.find(']', pos);
  if (end == std::string::npos) return {};
  std::string list;
  for (size_t i = pos + 1; i < end; ++i)
    if (!std::isspace(static_cast<unsigned char>(json[i]))) list += json[i];
  return attention::parse_pyramid(list);
}

std::vector<int> vae_patch_nums(const io::Checkpoint& vae_checkpoint, const std::vector<int>& flag) {
  if (!flag.empty()) return flag;
  std::vector<int> from_metadata = metadata_patch_nums(vae_checkpoint);
  return from_metadata.empty() ? attention::var_pyramid(16) : from_metadata;
}

VarModel VarModel::load(const std::string& var_path, const std::string& vae_path,
                        const std::vector<int>& patch_nums, WeightPrecision precision) {
  io::Checkpoint var_ckpt = io::load_checkpoint(var_path);
  const VarConfig config = infer_var_config(var_ckpt, patch_nums);
  io::Checkpoint vae_ckpt = io::load_checkpoint(vae_path);
  const VqvaeConfig vae_config = VqvaeConfig::infer(vae_ckpt);
  if (config.cvae != vae_config.z_channels || config.vocab != vae_config.vocab)
    throw Error("models do not match: " + var_path + " expects Cvae " + std::to_string(config.cvae) +
                ", vocabulary " + std::to_string(config.vocab) + " but " + vae_path + " has Cvae " +
                std::to_string(vae_config.z_channels) + ", vocabulary " + std::to_string(vae_config.vocab));
  // The transformer first: packing its weights frees its checkpoint tensor by tensor, and
  // the VQ-VAE then takes its tensors instead of copying them (peak memory, not speed).
  VarTransformer transformer(config, std::move(var_ckpt), precision);
  Vqvae vae = Vqvae::load(std::move(vae_ckpt), config.patch_nums);
  return VarModel{var_path, vae_path, std::move(transformer), std::move(vae)};
}

VarModel VarModel::random(int depth, uint64_t seed, const std::vector<int>& patch_nums, WeightPrecision precision) {
  if (depth < 1 || depth > 64) throw Error("random VAR: depth must be in [1, 64], got " + std::to_string(depth));
  const VarConfig config = official_var_config(depth, patch_nums);
  const std::string var_name = "random d" + std::to_string(depth) + " VAR";
  const std::string vae_name = "random official VQ-VAE";
  io::Checkpoint var_ckpt;
  var_ckpt.path = var_name;
  uint64_t stream = 1u << 16;
  for (const auto& [key, shape] : var_parameter_shapes(config))
    var_ckpt.tensors[key] = random::random_normal(shape, 0.02f, seed, stream++);
  RandomVaeBuilder vae_builder{io::Checkpoint{}, seed ^ 0x5bd1e995u};
  vae_builder.ckpt.path = vae_name;
  vae_builder.official();
  Vqvae vae = Vqvae::load(vae_builder.ckpt, config.patch_nums);
  vae_builder.ckpt.tensors.clear();
  VarTransformer transformer(config, std::move(var_ckpt), precision);
  return VarModel{var_name, vae_name, std::move(transformer), std::move(vae)};
}

int64_t official_model_bytes(int depth) {
  int64_t params = 108948355 + 40960;  // the official VQ-VAE (var.md §5.2)
  for (const auto& [key, shape] : var_parameter_shapes(official_var_config(depth, {})))
    params += shape_numel(shape);
  return params * 4;
}

}  // namespace vs::var
