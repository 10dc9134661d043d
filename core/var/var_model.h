// A whole VAR model — transformer, VQ-VAE and their shared config — loaded in one call so
// that the CLI and the GUI open a (VAR, VAE) pair the same way, with the cross-file checks
// (the transformer's latent width and vocabulary must be the VAE's) done once.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/var/var_config.h"
#include "core/var/var_transformer.h"
#include "core/var/vqvae.h"

namespace vs::var {

struct VarModel {
  std::string var_path, vae_path;
  VarTransformer transformer;
  Vqvae vae;

  const VarConfig& config() const { return transformer.config(); }
  int image_side() const { return vae.image_side(); }

  // Loads both checkpoints (safetensors or .pth). patch_nums as in infer_var_config; the
  // VAE is built for the transformer's patch_nums; the transformer's Linear weights are
  // stored in `precision`. A VAR whose Cvae / vocabulary differs from the VAE's is one
  // vs::Error naming both files and both numbers.
  static VarModel load(const std::string& var_path, const std::string& vae_path,
                       const std::vector<int>& patch_nums = {}, WeightPrecision precision = WeightPrecision::kFp32);

  // A model with random weights in the official shapes (bench generate): VAR of `depth`
  // (C = 64·depth, H = depth, V 4096, Cvae 32, 1000 classes, l2-normalised attention,
  // official 256 px patch_nums) and the official VQ-VAE (ch 160, ch_mult 1,1,2,2,4,
  // z 32). Weights are N(0, 0.02²) for the transformer and N(0, 1/fan_in) for the VAE's
  // convs, so activations stay finite; norms start at weight 1, bias 0.
  static VarModel random(int depth, uint64_t seed, const std::vector<int>& patch_nums = {},
                         WeightPrecision precision = WeightPrecision::kFp32);
};

// patch_nums from a checkpoint's safetensors metadata ("patch_nums": "1,2,3" or a
// "config" JSON object holding "patch_nums": [...]); empty when absent.
std::vector<int> metadata_patch_nums(const io::Checkpoint& checkpoint);

// The patch_nums to use for a VAE alone (encode): the flag's value when given, else the
// checkpoint's metadata, else the official 256 px schedule 1,2,3,4,5,6,8,10,13,16.
std::vector<int> vae_patch_nums(const io::Checkpoint& vae_checkpoint, const std::vector<int>& flag);

// Parameter bytes of a d`depth` official-shape model (VAR + VQ-VAE) in float32, and the
// KV cache of a CFG generation (2 rows) — what bench generate needs in RAM.
int64_t official_model_bytes(int depth);

}  // namespace vs::var
