// Hyper-parameters of MAR's KL-16 autoencoder (the FlowAR tokenizer, flowar.md §2), inferred
// from a checkpoint's tensor shapes. The official kl16.ckpt gives ch 128, ch_mult
// (1,1,2,2,4), 2 res blocks per encoder level (3 per decoder level), z 16, embed_dim 16,
// encoder attention at the last level only, 66,456,019 parameters.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/io/checkpoint.h"

namespace vs::flowar {

// MAR's latent scale: tokens = latent * 0.2325 after encoding, latent = tokens / 0.2325
// before decoding (§2, §1).
constexpr float kKlVaeScaleFactor = 0.2325f;

// Defaults are the official kl16 layout.
struct KlVaeConfig {
  int in_channels = 3;             // image channels (encoder.conv_in in, decoder.conv_out out)
  int ch = 128;                    // base width
  std::vector<int> ch_mult = {1, 1, 2, 2, 4};  // per level; width of level l = ch * ch_mult[l]
  int num_res_blocks = 2;          // encoder blocks per level (the decoder has one more)
  int z_channels = 16;             // decoder.conv_in input; the encoder emits 2 * z (double_z)
  int embed_dim = 16;              // latent channels: post_quant_conv in, quant_conv out / 2
  std::vector<bool> encoder_attn = {false, false, false, false, true};  // per level: AttnBlock after each ResnetBlock
  float scale_factor = kKlVaeScaleFactor;  // safetensors metadata "scale_factor" overrides it

  int num_levels() const { return static_cast<int>(ch_mult.size()); }
  int downsample_factor() const { return 1 << (num_levels() - 1); }
  int width(int level) const { return ch * ch_mult.at(level); }

  // Parameter counts of the LDM layout this config describes (§2 table: 28,265,760 +
  // 38,188,931 + 1,056 + 272 = 66,456,019 for kl16).
  int64_t encoder_parameter_count() const;
  int64_t decoder_parameter_count() const;
  int64_t parameter_count() const;  // encoder + decoder + quant_conv + post_quant_conv

  // Throws vs::Error naming the file and the missing / inconsistent tensor, with a hint
  // when the file is a VAR VQ-VAE or a transformer checkpoint instead.
  static KlVaeConfig infer(const io::Checkpoint& ckpt);
};

}  // namespace vs::flowar
