// The official VQ-VAE layout (vae_ch160v4096z32.pth, var.md §1 and §5.2) written out key
// by key from the spec's listing, with shape-only tensors: the loader must infer the
// official config from it and use every key, and the parameter counts must be the
// spec's. A disabled test times a full 256 px decode with random weights.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

#include "core/var/vqvae.h"

namespace {

struct LayoutBuilder {
  vs::io::Checkpoint ckpt;
  bool with_data = false;
  std::mt19937 rng{1};

  void add(const std::string& key, vs::Shape shape, float scale) {
    vs::Tensor t;
    t.shape = shape;
    if (with_data) {
      t = vs::Tensor(shape);
      std::normal_distribution<float> n(0.0f, scale);
      for (float& v : t.data) v = n(rng);
    }
    ckpt.tensors[key] = std::move(t);
  }
  void conv(const std::string& p, int64_t cout, int64_t cin, int64_t k) {
    add(p + ".weight", {cout, cin, k, k}, 1.0f / std::sqrt(float(cin * k * k)));
    add(p + ".bias", {cout}, 0.01f);
  }
  void norm(const std::string& p, int64_t c) {
    add(p + ".weight", {c}, 0.1f);
    add(p + ".bias", {c}, 0.1f);
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

  // §5.2, in the order listed there.
  void official() {
    conv("encoder.conv_in", 160, 3, 3);
    for (int l : {0, 1})
      for (int i : {0, 1}) resnet("encoder.down." + std::to_string(l) + ".block." + std::to_string(i), 160, 160);
    resnet("encoder.down.2.block.0", 160, 320);
    resnet("encoder.down.2.block.1", 320, 320);
    for (int i : {0, 1}) resnet("encoder.down.3.block." + std::to_string(i), 320, 320);
    resnet("encoder.down.4.block.0", 320, 640);
    resnet("encoder.down.4.block.1", 640, 640);
    for (int i : {0, 1}) attn("encoder.down.4.attn." + std::to_string(i), 640);
    const int64_t down_c[4] = {160, 160, 320, 320};
    for (int l = 0; l < 4; ++l) conv("encoder.down." + std::to_string(l) + ".downsample.conv", down_c[l], down_c[l], 3);
    resnet("encoder.mid.block_1", 640, 640);
    attn("encoder.mid.attn_1", 640);
    resnet("encoder.mid.block_2", 640, 640);
    norm("encoder.norm_out", 640);
    conv("encoder.conv_out", 32, 640, 3);

    conv("decoder.conv_in", 640, 32, 3);
    resnet("decoder.mid.block_1", 640, 640);
    attn("decoder.mid.attn_1", 640);
    resnet("decoder.mid.block_2", 640, 640);
    for (int i : {0, 1, 2}) resnet("decoder.up.4.block." + std::to_string(i), 640, 640);
    for (int i : {0, 1, 2}) attn("decoder.up.4.attn." + std::to_string(i), 640);
    conv("decoder.up.4.upsample.conv", 640, 640, 3);
    resnet("decoder.up.3.block.0", 640, 320);
    for (int i : {1, 2}) resnet("decoder.up.3.block." + std::to_string(i), 320, 320);
    conv("decoder.up.3.upsample.conv", 320, 320, 3);
    for (int i : {0, 1, 2}) resnet("decoder.up.2.block." + std::to_string(i), 320, 320);
    conv("decoder.up.2.upsample.conv", 320, 320, 3);
    resnet("decoder.up.1.block.0", 320, 160);
    for (int i : {1, 2}) resnet("decoder.up.1.block." + std::to_string(i), 160, 160);
    conv("decoder.up.1.upsample.conv", 160, 160, 3);
    for (int i : {0, 1, 2}) resnet("decoder.up.0.block." + std::to_string(i), 160, 160);
    norm("decoder.norm_out", 160);
    conv("decoder.conv_out", 3, 160, 3);

    add("quantize.ema_vocab_hit_SV", {10, 4096}, 0.0f);
    for (int j = 0; j < 4; ++j) conv("quantize.quant_resi.qresi_ls." + std::to_string(j), 32, 32, 3);
    add("quantize.embedding.weight", {4096, 32}, 1.0f);
    conv("quant_conv", 32, 32, 3);
    conv("post_quant_conv", 32, 32, 3);
  }
};

int64_t count_prefix(const vs::io::Checkpoint& c, const std::string& prefix) {
  int64_t n = 0;
  for (const auto& [k, t] : c.tensors)
    if (k.rfind(prefix, 0) == 0) n += vs::shape_numel(t.shape);
  return n;
}

const std::vector<int> kOfficialPatchNums = {1, 2, 3, 4, 5, 6, 8, 10, 13, 16};

TEST(VqvaeLayout, OfficialKeysAndParameterCountsMatchTheSpec) {
  LayoutBuilder b;
  b.official();
  EXPECT_EQ(b.ckpt.tensors.size(), 324u);
  EXPECT_EQ(count_prefix(b.ckpt, "encoder."), 44107872);
  EXPECT_EQ(count_prefix(b.ckpt, "decoder."), 64653923);
  EXPECT_EQ(count_prefix(b.ckpt, "quantize.") - 40960, 168064);
  EXPECT_EQ(count_prefix(b.ckpt, "quant_conv."), 9248);
  EXPECT_EQ(count_prefix(b.ckpt, ""), 108948355 + 40960);
}

TEST(VqvaeLayout, OfficialConfigIsInferredAndEveryKeyIsUsed) {
  LayoutBuilder b;
  b.official();
  const auto vae = vs::var::Vqvae::load(b.ckpt, kOfficialPatchNums);  // throws on a missing/unused key
  const auto& c = vae.config;
  EXPECT_EQ(c.ch, 160);
  EXPECT_EQ(c.ch_mult, (std::vector<int>{1, 1, 2, 2, 4}));
  EXPECT_EQ(c.num_res_blocks, 2);
  EXPECT_EQ(c.z_channels, 32);
  EXPECT_EQ(c.vocab, 4096);
  EXPECT_EQ(c.quant_conv_ks, 3);
  EXPECT_EQ(c.num_phi, 4);
  EXPECT_EQ(c.encoder_attn, (std::vector<bool>{false, false, false, false, true}));
  EXPECT_EQ(c.decoder_attn, (std::vector<bool>{false, false, false, false, true}));
  EXPECT_EQ(vae.image_side(), 256);
  EXPECT_EQ(vae.quantize.phi_index, (std::vector<int>{0, 0, 1, 1, 1, 2, 2, 3, 3, 3}));
  EXPECT_EQ(vae.decoder.up[4].attn.size(), 3u);
  EXPECT_TRUE(vae.decoder.up[3].block[0].has_shortcut);
  EXPECT_FALSE(vae.decoder.up[0].has_upsample);
}

// Run with --gtest_also_run_disabled_tests: 256 px decode (~394 GFLOP) and encode.
TEST(VqvaeLayout, DISABLED_OfficialSizeTiming) {
  LayoutBuilder b;
  b.with_data = true;
  b.official();
  const auto vae = vs::var::Vqvae::load(b.ckpt, kOfficialPatchNums);
  vs::Tensor f_hat({1, 32, 16, 16});
  std::mt19937 rng(3);
  std::normal_distribution<float> n(0.0f, 1.0f);
  for (float& v : f_hat.data) v = n(rng);
  auto t0 = std::chrono::steady_clock::now();
  const vs::Tensor img = vae.decode_fhat(f_hat);
  auto t1 = std::chrono::steady_clock::now();
  const vs::Tensor f = vae.encode_features(img);
  auto t2 = std::chrono::steady_clock::now();
  std::printf("official VQ-VAE: decode 256 px %.2f s (394 GFLOP), encode %.2f s\n",
              std::chrono::duration<double>(t1 - t0).count(), std::chrono::duration<double>(t2 - t1).count());
  EXPECT_EQ(img.shape, (vs::Shape{1, 3, 256, 256}));
  EXPECT_EQ(f.shape, (vs::Shape{1, 32, 16, 16}));
}

}  // namespace
