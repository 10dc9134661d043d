// Config inference from tensor shapes (var.md §1, §10.1): depth, width, heads, vocab,
// Cvae, shared_aln, attn_l2_norm, and where patch_nums come from.
#include <gtest/gtest.h>

#include <string>

#include "core/error.h"
#include "core/var/var_weights.h"

namespace {

using vs::var::VarConfig;

// A checkpoint with zero tensors of every shape `cfg` expects.
vs::io::Checkpoint synthetic(const VarConfig& cfg) {
  vs::io::Checkpoint ckpt;
  ckpt.path = "synthetic.safetensors";
  for (const auto& [key, shape] : vs::var::var_parameter_shapes(cfg)) ckpt.tensors[key] = vs::Tensor(shape);
  return ckpt;
}

VarConfig small(bool l2, bool shared, std::vector<int> patch_nums) {
  VarConfig cfg;
  cfg.depth = 3;
  cfg.width = 128;
  cfg.heads = 2;
  cfg.vocab = 40;
  cfg.cvae = 8;
  cfg.num_classes = 10;
  cfg.mlp_hidden = 512;
  cfg.attn_l2_norm = l2;
  cfg.shared_aln = shared;
  cfg.patch_nums = std::move(patch_nums);
  return cfg;
}

TEST(VarConfig, OfficialScheduleAndShapes) {
  const VarConfig truth = small(true, false, {1, 2, 3, 4, 5, 6, 8, 10, 13, 16});
  const VarConfig cfg = vs::var::infer_var_config(synthetic(truth));
  EXPECT_EQ(cfg.depth, 3);
  EXPECT_EQ(cfg.width, 128);
  EXPECT_EQ(cfg.heads, 2);
  EXPECT_EQ(cfg.vocab, 40);
  EXPECT_EQ(cfg.cvae, 8);
  EXPECT_EQ(cfg.num_classes, 10);
  EXPECT_EQ(cfg.mlp_hidden, 512);
  EXPECT_TRUE(cfg.attn_l2_norm);
  EXPECT_FALSE(cfg.shared_aln);
  EXPECT_EQ(cfg.patch_nums, truth.patch_nums);
  EXPECT_EQ(cfg.tokens(), 680);
  EXPECT_EQ(cfg.scale_begin(9), 424);
}

TEST(VarConfig, HeadsWithoutScaleMulFollowDepthRuleOrMetadata) {
  const VarConfig truth = small(false, true, {1, 2, 4});
  vs::io::Checkpoint ckpt = synthetic(truth);
  ckpt.metadata["patch_nums"] = "1,2,4";
  VarConfig cfg = vs::var::infer_var_config(ckpt);
  EXPECT_EQ(cfg.heads, 2);  // 128 / 64
  EXPECT_TRUE(cfg.shared_aln);
  EXPECT_FALSE(cfg.attn_l2_norm);
  EXPECT_EQ(cfg.patch_nums, (std::vector<int>{1, 2, 4}));
  ckpt.metadata.clear();
  ckpt.metadata["config"] = R"({"depth": 3, "heads": 4, "patch_nums": [1, 2, 4]})";
  cfg = vs::var::infer_var_config(ckpt);
  EXPECT_EQ(cfg.heads, 4);
  EXPECT_EQ(cfg.patch_nums, (std::vector<int>{1, 2, 4}));
}

TEST(VarConfig, UnknownScheduleAsksForPatchNums) {
  const VarConfig truth = small(true, false, {1, 2, 4});
  const vs::io::Checkpoint ckpt = synthetic(truth);
  try {
    vs::var::infer_var_config(ckpt);
    FAIL() << "patch_nums were guessed";
  } catch (const vs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("--patch-nums"), std::string::npos) << e.what();
  }
  EXPECT_EQ(vs::var::infer_var_config(ckpt, {1, 2, 4}).tokens(), 21);
  EXPECT_THROW(vs::var::infer_var_config(ckpt, {1, 2, 3}), vs::Error);  // 14 tokens, not 21
}

TEST(VarConfig, NotAVarCheckpoint) {
  vs::io::Checkpoint ckpt;
  ckpt.path = "vae.pth";
  ckpt.tensors["encoder.conv_in.weight"] = vs::Tensor({4, 3, 3, 3});
  EXPECT_THROW(vs::var::infer_var_config(ckpt), vs::Error);
}

}  // namespace
