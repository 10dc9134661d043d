// VQ-VAE and quantizer parity against the reference fixtures (../shared/fixtures/var,
// README there): f_hat per scale and next-scale inputs from token ids (teacher and
// sampling paths), the decoded image, the encoder's features and the re-encoded ids.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "core/error.h"
#include "core/io/checkpoint.h"
#include "core/io/json.h"
#include "core/io/safetensors.h"
#include "core/var/quantizer.h"
#include "core/var/vqvae.h"

namespace {

struct Fixture {
  const char* folder;
  const char* vae_file;
};

void PrintTo(const Fixture& f, std::ostream* os) { *os << f.folder; }

std::string fixture_dir(const Fixture& f) { return std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/" + f.folder; }

std::vector<int> json_ints(const vs::io::json::Value* v) {
  std::vector<int> out;
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->array) {
    int64_t x = 0;
    if (e.to_int64(&x)) out.push_back(static_cast<int>(x));
  }
  return out;
}

double max_abs_diff(const vs::Tensor& a, const vs::Tensor& b) {
  EXPECT_EQ(a.shape, b.shape);
  if (a.shape != b.shape) return 1e30;
  double m = 0;
  for (size_t i = 0; i < a.data.size(); ++i) m = std::max(m, std::abs(double(a.data[i]) - b.data[i]));
  return m;
}

// One fixture loaded once per test suite: the model, the expectations and the config.
struct Loaded {
  std::vector<int> patch_nums, phi_index;
  vs::var::Vqvae vae;
  vs::io::SafetensorsFile expected;
  int batch = 0;

  // ids of each scale from a (B, L) tensor of all ids.
  std::vector<std::vector<int64_t>> split_ids(const std::vector<int64_t>& all) const {
    std::vector<std::vector<int64_t>> ids(patch_nums.size());
    int64_t L = 0;
    for (int pn : patch_nums) L += int64_t(pn) * pn;
    int64_t begin = 0;
    for (size_t k = 0; k < patch_nums.size(); ++k) {
      const int64_t n = int64_t(patch_nums[k]) * patch_nums[k];
      for (int b = 0; b < batch; ++b)
        ids[k].insert(ids[k].end(), all.begin() + b * L + begin, all.begin() + b * L + begin + n);
      begin += n;
    }
    return ids;
  }
};

Loaded load(const Fixture& f) {
  const std::string dir = fixture_dir(f);
  std::ifstream in(dir + "/config.json");
  std::stringstream text;
  text << in.rdbuf();
  const auto config = vs::io::json::parse(text.str());
  const auto* model = config.find("config");
  std::vector<int> patch_nums = json_ints(model ? model->find("patch_nums") : nullptr);
  std::vector<int> phi_index = json_ints(config.find("phi_index_per_scale"));
  const auto ckpt = vs::io::load_checkpoint(dir + "/" + f.vae_file);
  Loaded l{patch_nums, phi_index, vs::var::Vqvae::load(ckpt, patch_nums),
           vs::io::SafetensorsFile::open(dir + "/expected.safetensors")};
  l.batch = static_cast<int>(l.expected.info("teacher/ids_all").shape.at(0));
  return l;
}

class VqvaeParity : public ::testing::TestWithParam<Fixture> {
 protected:
  void report(const std::string& what, double err) {
    std::printf("[%s] %-28s max abs err %.3g\n", GetParam().folder, what.c_str(), err);
  }
};

TEST_P(VqvaeParity, ConfigAndPhiTable) {
  const Loaded l = load(GetParam());
  const auto& c = l.vae.config;
  EXPECT_EQ(c.ch, 32);
  EXPECT_EQ(c.ch_mult, (std::vector<int>{1, 1, 2, 2, 4}));
  EXPECT_EQ(c.num_res_blocks, 2);
  EXPECT_EQ(c.z_channels, 32);
  EXPECT_EQ(c.vocab, 512);
  EXPECT_EQ(c.encoder_attn, (std::vector<bool>{false, false, false, false, true}));
  EXPECT_EQ(c.decoder_attn, (std::vector<bool>{false, false, false, false, true}));
  EXPECT_TRUE(c.encoder_mid_attn && c.decoder_mid_attn);
  EXPECT_EQ(c.num_phi, 4);
  EXPECT_EQ(l.vae.quantize.phi_index, l.phi_index);
}

TEST_P(VqvaeParity, TeacherFhatNextInputsAndVarInput) {
  const Loaded l = load(GetParam());
  const auto& q = l.vae.quantize;
  const auto ids = l.split_ids(l.expected.read_int64("teacher/ids_all"));
  const auto fhats = q.ids_to_fhats(ids, l.batch);
  double worst_fhat = 0, worst_next = 0;
  for (int k = 0; k < q.num_scales(); ++k) {
    worst_fhat = std::max(worst_fhat, max_abs_diff(fhats[k], l.expected.read_float("teacher/fhat_s" + std::to_string(k))));
    if (k + 1 < q.num_scales())
      worst_next = std::max(worst_next, max_abs_diff(q.next_input(fhats[k], k + 1),
                                                     l.expected.read_float("teacher/next_in_s" + std::to_string(k))));
  }
  const double var_in = max_abs_diff(q.ids_to_var_input(ids, l.batch), l.expected.read_float("teacher/var_input"));
  report("teacher fhat_s*", worst_fhat);
  report("teacher next_in_s*", worst_next);
  report("teacher var_input", var_in);
  EXPECT_LT(worst_fhat, 1e-4);
  EXPECT_LT(worst_next, 1e-4);
  EXPECT_LT(var_in, 1e-4);
}

TEST_P(VqvaeParity, TeacherDecodedImage) {
  const Loaded l = load(GetParam());
  const auto ids = l.split_ids(l.expected.read_int64("teacher/ids_all"));
  const double err = max_abs_diff(l.vae.decode_ids(ids, l.batch), l.expected.read_float("teacher/img"));
  report("teacher img", err);
  EXPECT_LT(err, 1e-4);
}

TEST_P(VqvaeParity, EncoderFeaturesAndReencodedIds) {
  const Loaded l = load(GetParam());
  const vs::Tensor img = l.expected.read_float("teacher/img");
  const vs::Tensor f = l.vae.encode_features(img);
  const double err = max_abs_diff(f, l.expected.read_float("teacher/enc_f"));
  report("teacher enc_f", err);
  EXPECT_LT(err, 1e-4);
  // Re-encode the reference's features so that id agreement tests the quantizer alone.
  std::vector<vs::Tensor> fhats;
  const auto ids = l.vae.quantize.encode_ids(l.expected.read_float("teacher/enc_f"), &fhats);
  const auto want = l.split_ids(l.expected.read_int64("teacher/reenc_ids_all"));
  int64_t mismatches = 0, total = 0;
  for (size_t k = 0; k < ids.size(); ++k)
    for (size_t i = 0; i < ids[k].size(); ++i, ++total) mismatches += ids[k][i] != want[k][i];
  std::printf("[%s] re-encoded ids: %lld of %lld differ\n", GetParam().folder, (long long)mismatches, (long long)total);
  EXPECT_EQ(mismatches, 0);
  const double fhat_err = max_abs_diff(fhats.back(), l.expected.read_float("teacher/reenc_fhat_last"));
  report("teacher reenc_fhat_last", fhat_err);
  EXPECT_LT(fhat_err, 1e-4);
  // And end to end from the image through our encoder.
  const auto ids_from_img = l.vae.encode_ids(img);
  mismatches = 0;
  for (size_t k = 0; k < ids.size(); ++k)
    for (size_t i = 0; i < ids[k].size(); ++i) mismatches += ids_from_img[k][i] != want[k][i];
  std::printf("[%s] ids from image through our encoder: %lld of %lld differ\n", GetParam().folder,
              (long long)mismatches, (long long)total);
  EXPECT_EQ(mismatches, 0);
}

TEST_P(VqvaeParity, SamplingPathFromInjectedIds) {
  const Loaded l = load(GetParam());
  const auto& q = l.vae.quantize;
  vs::Tensor f_hat = q.zero_fhat(l.batch);
  double worst_fhat = 0, worst_next = 0;
  for (int k = 0; k < q.num_scales(); ++k) {
    const auto ids = l.expected.read_int64("sample/ids_s" + std::to_string(k));
    q.add_scale(f_hat, k, q.embed(ids, l.batch, q.patch_nums[k]));
    worst_fhat = std::max(worst_fhat, max_abs_diff(f_hat, l.expected.read_float("sample/fhat_s" + std::to_string(k))));
    if (k + 1 < q.num_scales())
      worst_next = std::max(worst_next, max_abs_diff(q.next_input(f_hat, k + 1),
                                                     l.expected.read_float("sample/next_in_s" + std::to_string(k))));
  }
  const double img_err = max_abs_diff(l.vae.decode_fhat_01(f_hat), l.expected.read_float("sample/img01"));
  report("sample fhat_s*", worst_fhat);
  report("sample next_in_s*", worst_next);
  report("sample img01", img_err);
  EXPECT_LT(worst_fhat, 1e-4);
  EXPECT_LT(worst_next, 1e-4);
  EXPECT_LT(img_err, 1e-4);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, VqvaeParity,
                         ::testing::Values(Fixture{"d2_l2", "vae.pth"}, Fixture{"d3_saln_nol2", "vae.safetensors"}),
                         [](const auto& info) { return std::string(info.param.folder); });

}  // namespace

namespace {

TEST(VqvaeLoad, RefusesMissingExtraAndMisshapenTensors) {
  const std::string path = fixture_dir(Fixture{"d3_saln_nol2", "vae.safetensors"}) + "/vae.safetensors";
  const std::vector<int> pns = {1, 2, 4, 6, 8};
  auto expect_error = [&](vs::io::Checkpoint ckpt, const std::string& needle) {
    try {
      vs::var::Vqvae::load(ckpt, pns);
      ADD_FAILURE() << "no error; expected one mentioning " << needle;
    } catch (const vs::Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      std::printf("refused as expected: %s\n", e.what());
    }
  };
  const auto ckpt = vs::io::load_checkpoint(path);
  auto missing = ckpt;
  missing.tensors.erase("decoder.up.3.block.1.conv2.bias");
  expect_error(missing, "decoder.up.3.block.1.conv2.bias");
  auto extra = ckpt;
  extra.tensors["decoder.up.0.attn.0.norm.weight"] = vs::Tensor({32});
  expect_error(extra, "decoder.up.0.attn.0");  // a level-0 attn makes the config expect more
  auto stray = ckpt;
  stray.tensors["encoder.something_else"] = vs::Tensor({1});
  expect_error(stray, "encoder.something_else");
  auto misshapen = ckpt;
  misshapen.tensors["post_quant_conv.weight"] = vs::Tensor({32, 32, 1, 1});
  expect_error(misshapen, "post_quant_conv.weight");
  auto flowar = ckpt;
  flowar.tensors.erase("quantize.embedding.weight");
  expect_error(flowar, "quantize.embedding.weight");
}

}  // namespace
