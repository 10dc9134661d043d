// The official kl16 layout (flowar.md §2) as shape-only tensors: config inference, the
// parameter counts the spec gives, and the loader's refusals (VAR VQ-VAE, transformer
// checkpoints, missing / misshapen / unexpected tensors), each with a message that names
// the file and the key.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/flowar/kl_vae.h"
#include "core/io/checkpoint.h"

namespace {

using vs::Shape;

// Adds tensors that carry a shape but no data: enough for inference and loading.
struct ShapeTable {
  vs::io::Checkpoint ckpt;
  explicit ShapeTable(std::string path) { ckpt.path = std::move(path); }

  void add(const std::string& key, Shape shape) {
    vs::Tensor t;
    t.shape = std::move(shape);
    ckpt.tensors[key] = std::move(t);
  }
  void conv(const std::string& p, int64_t cin, int64_t cout, int64_t k) {
    add(p + ".weight", {cout, cin, k, k});
    add(p + ".bias", {cout});
  }
  void norm(const std::string& p, int64_t c) {
    add(p + ".weight", {c});
    add(p + ".bias", {c});
  }
  void resnet(const std::string& p, int64_t cin, int64_t cout) {
    norm(p + ".norm1", cin);
    conv(p + ".conv1", cin, cout, 3);
    norm(p + ".norm2", cout);
    conv(p + ".conv2", cout, cout, 3);
    if (cin != cout) conv(p + ".nin_shortcut", cin, cout, 1);
  }
  void attn(const std::string& p, int64_t c) {
    norm(p + ".norm", c);
    for (const char* m : {".q", ".k", ".v", ".proj_out"}) conv(p + m, c, c, 1);
  }
  int64_t numel_with_prefix(const std::string& prefix) const {
    int64_t n = 0;
    for (const auto& [key, t] : ckpt.tensors)
      if (key.rfind(prefix, 0) == 0) n += vs::shape_numel(t.shape);
    return n;
  }
};

// Written out from the spec's §2 prose, level by level (not from the loader's loops).
ShapeTable official_kl16() {
  ShapeTable t("kl16.ckpt");
  const int64_t w[5] = {128, 128, 256, 256, 512};
  t.conv("encoder.conv_in", 3, 128, 3);
  int64_t in = 128;
  for (int l = 0; l < 5; ++l) {
    const std::string p = "encoder.down." + std::to_string(l);
    for (int j = 0; j < 2; ++j) {
      t.resnet(p + ".block." + std::to_string(j), in, w[l]);
      in = w[l];
      if (l == 4) t.attn(p + ".attn." + std::to_string(j), 512);  // 16x16 in the last down level
    }
    if (l < 4) t.conv(p + ".downsample.conv", in, in, 3);
  }
  t.resnet("encoder.mid.block_1", 512, 512);
  t.attn("encoder.mid.attn_1", 512);
  t.resnet("encoder.mid.block_2", 512, 512);
  t.norm("encoder.norm_out", 512);
  t.conv("encoder.conv_out", 512, 32, 3);

  t.conv("decoder.conv_in", 16, 512, 3);
  t.resnet("decoder.mid.block_1", 512, 512);
  t.attn("decoder.mid.attn_1", 512);
  t.resnet("decoder.mid.block_2", 512, 512);
  in = 512;
  for (int l = 4; l >= 0; --l) {
    const std::string p = "decoder.up." + std::to_string(l);
    for (int j = 0; j < 3; ++j) {
      t.resnet(p + ".block." + std::to_string(j), in, w[l]);
      in = w[l];
    }
    if (l > 0) t.conv(p + ".upsample.conv", in, in, 3);
  }
  t.norm("decoder.norm_out", 128);
  t.conv("decoder.conv_out", 128, 3, 3);
  t.conv("quant_conv", 32, 32, 1);
  t.conv("post_quant_conv", 16, 16, 1);
  return t;
}

// Runs `f`, expects a vs::Error, and returns its message.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const vs::Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no vs::Error thrown";
  return "";
}

TEST(KlVaeLayout, SpecParameterCountsOfTheKeyTable) {
  const ShapeTable t = official_kl16();
  EXPECT_EQ(t.numel_with_prefix(""), 66456019);
  EXPECT_EQ(t.numel_with_prefix("encoder."), 28265760);
  EXPECT_EQ(t.numel_with_prefix("decoder."), 38188931);
  EXPECT_EQ(t.numel_with_prefix("quant_conv."), 1056);
  EXPECT_EQ(t.numel_with_prefix("post_quant_conv."), 272);
}

TEST(KlVaeLayout, InfersTheOfficialConfig) {
  const ShapeTable t = official_kl16();
  const vs::flowar::KlVaeConfig c = vs::flowar::KlVaeConfig::infer(t.ckpt);
  EXPECT_EQ(c.in_channels, 3);
  EXPECT_EQ(c.ch, 128);
  EXPECT_EQ(c.ch_mult, (std::vector<int>{1, 1, 2, 2, 4}));
  EXPECT_EQ(c.num_res_blocks, 2);
  EXPECT_EQ(c.z_channels, 16);
  EXPECT_EQ(c.embed_dim, 16);
  EXPECT_EQ(c.encoder_attn, (std::vector<bool>{false, false, false, false, true}));
  EXPECT_EQ(c.downsample_factor(), 16);
  EXPECT_FLOAT_EQ(c.scale_factor, 0.2325f);
  EXPECT_EQ(c.encoder_parameter_count(), 28265760);
  EXPECT_EQ(c.decoder_parameter_count(), 38188931);
  EXPECT_EQ(c.parameter_count(), 66456019);
}

TEST(KlVaeLayout, DefaultConfigIsTheOfficialOne) {
  EXPECT_EQ(vs::flowar::KlVaeConfig().parameter_count(), 66456019);
}

TEST(KlVaeLayout, LoadsEveryKeyOfTheOfficialLayout) {
  const ShapeTable t = official_kl16();
  const vs::flowar::KlVae vae = vs::flowar::KlVae::load(t.ckpt);
  EXPECT_EQ(vae.encoder.down.size(), 5u);
  EXPECT_EQ(vae.decoder.up.size(), 5u);
  EXPECT_EQ(vae.decoder.up[0].block.size(), 3u);
  EXPECT_FALSE(vae.decoder.up[0].has_upsample);
  EXPECT_TRUE(vae.decoder.up[1].has_upsample);
  EXPECT_TRUE(vae.decoder.up[1].block[0].has_shortcut);   // 256 -> 128
  EXPECT_TRUE(vae.decoder.up[3].block[0].has_shortcut);   // 512 -> 256
  EXPECT_FALSE(vae.decoder.up[4].block[0].has_shortcut);  // 512 -> 512
  EXPECT_EQ(vae.encoder.down[4].attn.size(), 2u);
  EXPECT_TRUE(vae.encoder.down[3].attn.empty());
  EXPECT_EQ(vae.image_side(16), 256);
}

TEST(KlVaeLayout, ScaleFactorFromSafetensorsMetadata) {
  ShapeTable t = official_kl16();
  t.ckpt.metadata["scale_factor"] = "0.5";
  EXPECT_FLOAT_EQ(vs::flowar::KlVaeConfig::infer(t.ckpt).scale_factor, 0.5f);
  t.ckpt.metadata["scale_factor"] = "abc";
  EXPECT_NE(error_of([&] { vs::flowar::KlVaeConfig::infer(t.ckpt); }).find("scale_factor"), std::string::npos);
}

TEST(KlVaeLayout, RefusesAVarVqvaeWithAHint) {
  ShapeTable t("vae_ch160v4096z32.pth");
  t.conv("encoder.conv_in", 3, 160, 3);
  t.add("quantize.embedding.weight", {4096, 32});
  t.conv("decoder.mid.attn_1.qkv", 640, 1920, 1);
  const std::string msg = error_of([&] { vs::flowar::KlVae::load(t.ckpt); });
  EXPECT_NE(msg.find("vae_ch160v4096z32.pth"), std::string::npos) << msg;
  EXPECT_NE(msg.find("VAR VQ-VAE"), std::string::npos) << msg;
  EXPECT_NE(msg.find("kl16"), std::string::npos) << msg;
}

TEST(KlVaeLayout, RefusesTheRealVarFixtureVqvae) {
  const std::string path = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2/vae.pth";
  const std::string msg = error_of([&] { vs::flowar::KlVae::load(path); });
  EXPECT_NE(msg.find("VAR VQ-VAE"), std::string::npos) << msg;
}

TEST(KlVaeLayout, RefusesATransformerCheckpoint) {
  ShapeTable t("FlowAR-S.pth");
  t.add("class_emb.weight", {1001, 768});
  const std::string msg = error_of([&] { vs::flowar::KlVae::load(t.ckpt); });
  EXPECT_NE(msg.find("transformer"), std::string::npos) << msg;
}

TEST(KlVaeLayout, NamesAMissingTensor) {
  ShapeTable t = official_kl16();
  t.ckpt.tensors.erase("decoder.mid.attn_1.k.weight");
  const std::string msg = error_of([&] { vs::flowar::KlVae::load(t.ckpt); });
  EXPECT_NE(msg.find("kl16.ckpt"), std::string::npos) << msg;
  EXPECT_NE(msg.find("decoder.mid.attn_1.k.weight"), std::string::npos) << msg;
}

TEST(KlVaeLayout, NamesAMisshapenTensorExpectedVsFound) {
  ShapeTable t = official_kl16();
  t.add("decoder.up.2.block.1.conv2.weight", {256, 256, 1, 1});
  const std::string msg = error_of([&] { vs::flowar::KlVae::load(t.ckpt); });
  EXPECT_NE(msg.find("decoder.up.2.block.1.conv2.weight"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[256, 256, 1, 1]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[256, 256, 3, 3]"), std::string::npos) << msg;
}

TEST(KlVaeLayout, NamesUnexpectedTensors) {
  ShapeTable t = official_kl16();
  t.add("loss.logvar", {});
  std::string msg = error_of([&] { vs::flowar::KlVae::load(t.ckpt); });
  EXPECT_NE(msg.find("'loss.logvar'"), std::string::npos) << msg;

  ShapeTable u = official_kl16();
  u.attn("decoder.up.4.attn.0", 512);  // an LDM decoder with attn_resolutions = (16,)
  msg = error_of([&] { vs::flowar::KlVae::load(u.ckpt); });
  EXPECT_NE(msg.find("decoder.up.4.attn.0"), std::string::npos) << msg;
  EXPECT_NE(msg.find("mid block"), std::string::npos) << msg;
}

}  // namespace
