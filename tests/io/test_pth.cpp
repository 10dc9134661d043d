// load_checkpoint on PyTorch zip checkpoints: the shared fixtures (flat OrderedDict state
// dicts and a MAR-style {"model": {...}} .ckpt), crafted files covering every storage dtype,
// views, parameters, protocol-4 opcodes and ZIP64, and Checkpoint::get's messages.
//
// Pinned numbers (sums, first values) come from an independent reader: Python's own
// pickle module with stub classes and struct-decoded storages.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "core/io/checkpoint.h"
#include "core/io/safetensors.h"
#include "core/io/zip_reader.h"

namespace vs::io {
namespace {

const std::string kShared = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/";
const std::string kCrafted = std::string(VARSCOPE_SOURCE_DIR) + "/tests/data/pth_crafted/";

double sum(const Tensor& t) {
  double s = 0;
  for (float v : t.data) s += v;
  return s;
}

// The message of the vs::Error `fn` throws ("" when it does not throw).
template <typename Fn>
std::string error_of(Fn fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Pth, VarFixtureKeysShapesDtypes) {
  const std::string path = kShared + "var/d2_l2/var.pth";
  const Checkpoint ck = load_checkpoint(path);
  EXPECT_EQ(ck.path, path);
  EXPECT_EQ(ck.tensors.size(), 38u);  // depth 2: 8 top-level + 2 x 13 block + 4 head keys
  EXPECT_TRUE(ck.metadata.empty());
  EXPECT_EQ(ck.dtypes.at("lvl_1L"), "I64");
  for (const auto& [key, dtype] : ck.dtypes) {
    if (key != "lvl_1L") {
      EXPECT_EQ(dtype, "F32") << key;
    }
  }
  EXPECT_EQ(ck.get("class_emb.weight").shape, (Shape{1001, 128}));
  EXPECT_EQ(ck.get("pos_1LC").shape, (Shape{1, 155, 128}));
  EXPECT_EQ(ck.get("blocks.1.attn.scale_mul_1H11").shape, (Shape{1, 2, 1, 1}));
  EXPECT_EQ(ck.get("attn_bias_for_masking").shape, (Shape{1, 1, 155, 155}));
}

TEST(Pth, VarFixtureValuesMatchIndependentReader) {
  const Checkpoint ck = load_checkpoint(kShared + "var/d2_l2/var.pth");
  const Tensor& pos_start = ck.get("pos_start", {1, 1, 128});
  EXPECT_FLOAT_EQ(pos_start.data[0], -0.1021595150232315f);
  EXPECT_FLOAT_EQ(pos_start.data[1], 0.20565436780452728f);
  EXPECT_NEAR(sum(pos_start), -0.39253204, 1e-5);
  EXPECT_NEAR(sum(ck.get("class_emb.weight")), -458.072754, 1e-3);
  EXPECT_FLOAT_EQ(ck.get("class_emb.weight").data[2], 1.2424397468566895f);
  EXPECT_NEAR(sum(ck.get("blocks.1.ffn.fc1.weight")), -16.9040384, 1e-4);
  EXPECT_FLOAT_EQ(ck.get("blocks.0.attn.scale_mul_1H11").data[0], 5.0106353759765625f);
  EXPECT_FLOAT_EQ(ck.get("head.bias").data[2], -0.004288672003895044f);
}

// The buffers have a structure we know without any reference: zeros, the level of each
// token (var.md §3.2), and the block-causal 0 / -inf mask built from those levels.
TEST(Pth, VarFixtureBuffersHaveTheirStructure) {
  const Checkpoint ck = load_checkpoint(kShared + "var/d2_l2/var.pth");
  for (const char* key : {"blocks.0.attn.zero_k_bias", "blocks.1.attn.zero_k_bias"})
    for (float v : ck.get(key, {128}).data) EXPECT_EQ(v, 0.0f) << key;

  const int patch_nums[] = {1, 2, 3, 4, 5, 6, 8};
  std::vector<float> level;
  for (int k = 0; k < 7; ++k)
    for (int i = 0; i < patch_nums[k] * patch_nums[k]; ++i) level.push_back(float(k));
  ASSERT_EQ(level.size(), 155u);
  EXPECT_EQ(ck.get("lvl_1L", {1, 155}).data, level);

  const Tensor& mask = ck.get("attn_bias_for_masking", {1, 1, 155, 155});
  const float inf = std::numeric_limits<float>::infinity();
  for (int i = 0; i < 155; ++i)
    for (int j = 0; j < 155; ++j)
      ASSERT_EQ(mask.data[i * 155 + j], level[j] <= level[i] ? 0.0f : -inf) << i << "," << j;
}

TEST(Pth, VarVaeFixture) {
  const Checkpoint ck = load_checkpoint(kShared + "var/d2_l2/vae.pth");
  EXPECT_EQ(ck.tensors.size(), 324u);  // var.md §5.2
  EXPECT_NEAR(sum(ck.get("quantize.embedding.weight", {512, 32})), -162.40591, 1e-3);
  EXPECT_FLOAT_EQ(ck.get("encoder.conv_in.weight", {32, 3, 3, 3}).data[0], -0.20577144622802734f);
  EXPECT_FLOAT_EQ(ck.get("decoder.conv_out.bias", {3}).data[1], -0.055458374321460724f);
}

TEST(Pth, FlowarFixture) {
  const Checkpoint ck = load_checkpoint(kShared + "flowar/v1_tiny/flowar.pth");
  EXPECT_EQ(ck.tensors.size(), 100u);
  EXPECT_NEAR(sum(ck.get("encoder_pos_embed_learned", {1, 341, 128})), -171.545555, 1e-3);
  EXPECT_FLOAT_EQ(ck.get("z_proj.weight", {128, 16}).data[1], 0.08407437056303024f);
  const Tensor& mask = ck.get("mask", {1, 1, 341, 341});
  EXPECT_EQ(mask.data[0], 0.0f);
  EXPECT_EQ(mask.data[1], -std::numeric_limits<float>::infinity());
}

// MAR's kl16.ckpt layout: {"model": state_dict}; found automatically or by name.
TEST(Pth, NestedModelKey) {
  const std::string path = kShared + "flowar/v1_tiny/vae.ckpt";
  const Checkpoint automatic = load_checkpoint(path);
  EXPECT_EQ(automatic.tensors.size(), 312u);
  EXPECT_NEAR(sum(automatic.get("encoder.conv_in.weight", {32, 3, 3, 3})), -3.26457677, 1e-5);
  EXPECT_EQ(automatic.get("encoder.down.0.block.0.norm1.weight", {32}).data,
            std::vector<float>(32, 1.0f));
  const Checkpoint named = load_checkpoint(path, "model");
  EXPECT_EQ(named.tensors.size(), 312u);
  EXPECT_EQ(named.get("decoder.conv_out.bias").data, automatic.get("decoder.conv_out.bias").data);

  const std::string msg = error_of([&] { load_checkpoint(path, "ema"); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("'ema'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("['model']"), std::string::npos) << msg;
}

TEST(Pth, GetErrorsNameFileKeyAndShapes) {
  const std::string path = kShared + "var/d2_l2/var.pth";
  const Checkpoint ck = load_checkpoint(path);
  std::string msg = error_of([&] { ck.get("blocks.2.attn.q_bias"); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("'blocks.2.attn.q_bias' is missing"), std::string::npos) << msg;
  EXPECT_NE(msg.find("nearest key 'blocks."), std::string::npos) << msg;

  msg = error_of([&] { ck.get("class_emb.weight", {1000, 128}); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("'class_emb.weight'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[1001, 128]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected [1000, 128]"), std::string::npos) << msg;
  EXPECT_EQ(error_of([&] { ck.get("class_emb.weight", {1001, 128}); }), "");
}

TEST(Pth, SafetensorsGoThroughTheSameEntryPoint) {
  const std::string path = kShared + "var/d3_saln_nol2/var.safetensors";
  const Checkpoint ck = load_checkpoint(path);
  const SafetensorsFile file = SafetensorsFile::open(path);
  EXPECT_EQ(ck.tensors.size(), file.tensors().size());
  EXPECT_EQ(ck.metadata, file.metadata());
  EXPECT_FALSE(ck.metadata.empty());
  for (const TensorInfo& info : file.tensors()) {
    EXPECT_EQ(ck.dtypes.at(info.name), dtype_name(info.dtype));
    EXPECT_EQ(ck.get(info.name, info.shape).data, file.read_float(info.name).data) << info.name;
  }
}

TEST(Pth, UnreadablePathsNameTheFile) {
  const std::string missing = kCrafted + "no_such_file.pth";
  std::string msg = error_of([&] { load_checkpoint(missing); });
  EXPECT_EQ(msg.rfind(missing + ": cannot open", 0), 0u) << msg;
  msg = error_of([&] { load_checkpoint(kCrafted); });
  EXPECT_NE(msg.find("not a regular file"), std::string::npos) << msg;
}

// Every storage dtype, views into a shared storage (offset, transpose, broadcast stride 0),
// a Parameter, a 0-dim and an empty tensor; values written by tools/make_hostile_pickle.py.
TEST(Pth, CraftedDtypesAndViews) {
  const Checkpoint ck = load_checkpoint(kCrafted + "dtypes_and_views.pth");
  EXPECT_EQ(ck.get("f64", {2, 2}).data, (std::vector<float>{1.5f, -2.25f, 3.0f, 1e-3f}));
  EXPECT_EQ(ck.get("f16", {3}).data, (std::vector<float>{1.0f, -0.5f, 65504.0f}));
  EXPECT_EQ(ck.get("bf16", {2}).data, (std::vector<float>{1.5f, -2.0f}));
  EXPECT_EQ(ck.get("i32", {3}).data, (std::vector<float>{-7.0f, 0.0f, 123456.0f}));
  EXPECT_EQ(ck.get("i16", {2}).data, (std::vector<float>{-300.0f, 300.0f}));
  EXPECT_EQ(ck.get("i8", {2}).data, (std::vector<float>{-128.0f, 127.0f}));
  EXPECT_EQ(ck.get("u8", {4}).data, (std::vector<float>{0.0f, 1.0f, 200.0f, 255.0f}));
  EXPECT_EQ(ck.get("flag", {3}).data, (std::vector<float>{1.0f, 0.0f, 1.0f}));
  EXPECT_EQ(ck.get("i64", {2}).data, (std::vector<float>{-1099511627776.0f, 5.0f}));
  const std::pair<const char*, const char*> dtypes[] = {
      {"f64", "F64"}, {"f16", "F16"}, {"bf16", "BF16"}, {"i32", "I32"}, {"i16", "I16"},
      {"i8", "I8"},   {"u8", "U8"},   {"flag", "BOOL"}, {"i64", "I64"}, {"base", "F32"}};
  for (const auto& [key, dtype] : dtypes) EXPECT_EQ(ck.dtypes.at(key), dtype) << key;

  EXPECT_EQ(ck.get("base", {3, 4}).data,
            (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(ck.get("transposed", {4, 3}).data,
            (std::vector<float>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
  EXPECT_EQ(ck.get("tail", {4}).data, (std::vector<float>{8, 9, 10, 11}));
  EXPECT_EQ(ck.get("broadcast", {2, 3}).data, (std::vector<float>{4, 5, 6, 4, 5, 6}));
  EXPECT_EQ(ck.get("param", {2}).data, (std::vector<float>{0.25f, -0.75f}));
  const Tensor& scalar = ck.get("scalar");
  EXPECT_TRUE(scalar.shape.empty());
  EXPECT_EQ(scalar.data, std::vector<float>{7.0f});
  EXPECT_EQ(ck.get("empty", {0, 3}).numel(), 0);
}

// Protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL), a byteorder record, and a
// training checkpoint {"epoch": 3, "state_dict": {...}} found by the automatic search.
TEST(Pth, CraftedProtocol4AndStateDictKey) {
  const Checkpoint ck = load_checkpoint(kCrafted + "protocol4_state_dict.ckpt");
  ASSERT_EQ(ck.tensors.size(), 2u);
  EXPECT_EQ(ck.get("layer.weight", {2, 2}).data, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(ck.get("layer.bias", {2}).data, (std::vector<float>{-1, -2}));
}

// ZIP64: sizes and offsets in the extra field and the ZIP64 end-of-directory record.
// The extra field holds exactly the fields whose 32-bit slot is 0xFFFFFFFF: all three, or
// (as miniz writes past 4 GB) only the local-header offset.
TEST(Pth, CraftedZip64) {
  for (const char* name : {"zip64.pth", "zip64_offset_only.pth"}) {
    const std::string path = kCrafted + name;
    const ZipArchive zip = ZipArchive::open(path);
    ASSERT_NE(zip.find("zip64/data.pkl"), nullptr) << name;
    EXPECT_EQ(zip.entries().size(), 3u) << name;
    const Checkpoint ck = load_checkpoint(path);
    EXPECT_EQ(ck.get("w", {2, 3}).data, (std::vector<float>{1, 2, 3, 4, 5, 6})) << name;
  }
}

}  // namespace
}  // namespace vs::io
