// Hyper-parameters of VAR's VQ-VAE, inferred from a checkpoint's tensor shapes (var.md §1,
// §5.2). The official vae_ch160v4096z32.pth gives ch 160, ch_mult (1,1,2,2,4),
// num_res_blocks 2, z 32, V 4096, attention at the lowest level and in both mid blocks,
// four phi convs.
#pragma once
#include <string>
#include <vector>

#include "core/io/checkpoint.h"

namespace vs::var {

struct VqvaeConfig {
  int in_channels = 3;               // image channels (encoder.conv_in in, decoder.conv_out out)
  int ch = 160;                      // base width
  std::vector<int> ch_mult;          // per level; width of level l = ch * ch_mult[l]
  int num_res_blocks = 2;            // encoder blocks per level (decoder has one more)
  int z_channels = 32;               // = Cvae
  int vocab = 4096;                  // V
  int quant_conv_ks = 3;             // quant_conv / post_quant_conv kernel
  std::vector<bool> encoder_attn;    // per level: AttnBlock after each ResnetBlock
  std::vector<bool> decoder_attn;    // per level
  bool encoder_mid_attn = true;
  bool decoder_mid_attn = true;
  int num_phi = 4;                   // phi convs (0 = quant_resi off)

  int num_levels() const { return static_cast<int>(ch_mult.size()); }
  int downsample_factor() const { return 1 << (num_levels() - 1); }
  int width(int level) const { return ch * ch_mult.at(level); }

  // Throws vs::Error naming the file and the missing / inconsistent tensor.
  static VqvaeConfig infer(const io::Checkpoint& ckpt);
};

}  // namespace vs::var
