// Parity of the C++ VAR core with the PyTorch training modules (tools/train) on the shipped
// Fashion-MNIST models: tools/train/export.py wrote tests/data/fmnist_parity/
// expected.safetensors from the same weights as assets/models/fmnist-var*.safetensors
// (a fixed id pyramid of two test images, labels {class, null}, the teacher-forcing
// input, teacher-forced logits, f_hat, the decoded image, the encoder features). The C++
// side must compute the same numbers with no special case for these files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/io/safetensors.h"
#include "core/var/var_transformer.h"
#include "core/var/vqvae.h"

namespace {

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";
const std::string kExpected = std::string(VARSCOPE_SOURCE_DIR) + "/tests/data/fmnist_parity/expected.safetensors";
const std::vector<int> kPatchNums{1, 2, 3, 4, 5, 6, 8};

double max_abs_diff(const vs::Tensor& a, const vs::Tensor& b) {
  EXPECT_EQ(a.shape, b.shape);
  if (a.shape != b.shape) return 1e30;
  double m = 0;
  for (size_t i = 0; i < a.data.size(); ++i) m = std::max(m, std::abs(double(a.data[i]) - b.data[i]));
  return m;
}

double max_abs(const vs::Tensor& a) {
  double m = 0;
  for (float v : a.data) m = std::max(m, std::abs(double(v)));
  return m;
}

// (B, L) ids -> per scale B*pn^2 ids, batch-major.
std::vector<std::vector<int64_t>> split_ids(const std::vector<int64_t>& all, int batch) {
  int64_t L = 0;
  for (int pn : kPatchNums) L += int64_t(pn) * pn;
  std::vector<std::vector<int64_t>> ids(kPatchNums.size());
  int64_t begin = 0;
  for (size_t k = 0; k < kPatchNums.size(); ++k) {
    const int64_t n = int64_t(kPatchNums[k]) * kPatchNums[k];
    for (int b = 0; b < batch; ++b)
      ids[k].insert(ids[k].end(), all.begin() + b * L + begin, all.begin() + b * L + begin + n);
    begin += n;
  }
  return ids;
}

class FmnistParity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    expected_ = new vs::io::SafetensorsFile(vs::io::SafetensorsFile::open(kExpected));
    // patch_nums come from the files' __metadata__ (no override): that is part of the test.
    model_ = new vs::var::VarTransformer(
        vs::var::VarTransformer::from_checkpoint(vs::io::load_checkpoint(kModels + "fmnist-var.safetensors")));
    vae_ = new vs::var::Vqvae(vs::var::Vqvae::load(vs::io::load_checkpoint(kModels + "fmnist-var-vae.safetensors"),
                                                   model_->config().patch_nums));
  }
  static void TearDownTestSuite() {
    delete vae_;
    delete model_;
    delete expected_;
  }
  static int batch() { return static_cast<int>(expected_->info("ids_all").shape.at(0)); }
  static std::vector<std::vector<int64_t>> ids() { return split_ids(expected_->read_int64("ids_all"), batch()); }

  static vs::io::SafetensorsFile* expected_;
  static vs::var::VarTransformer* model_;
  static vs::var::Vqvae* vae_;
};

vs::io::SafetensorsFile* FmnistParity::expected_ = nullptr;
vs::var::VarTransformer* FmnistParity::model_ = nullptr;
vs::var::Vqvae* FmnistParity::vae_ = nullptr;

TEST_F(FmnistParity, ConfigsInferredFromShapesAndMetadata) {
  const auto& c = model_->config();
  EXPECT_EQ(c.patch_nums, kPatchNums);
  EXPECT_EQ(c.num_classes, 10);
  EXPECT_EQ(c.vocab, 512);
  EXPECT_EQ(c.cvae, 32);
  EXPECT_EQ(c.width / c.heads, 64);
  EXPECT_TRUE(c.attn_l2_norm);
  EXPECT_FALSE(c.shared_aln);
  const auto& v = vae_->config;
  EXPECT_EQ(v.ch, 32);
  EXPECT_EQ(v.ch_mult, (std::vector<int>{1, 1, 2}));
  EXPECT_EQ(v.num_res_blocks, 1);
  EXPECT_EQ(v.vocab, 512);
  EXPECT_EQ(v.num_phi, 4);
  EXPECT_EQ(vae_->image_side(), 32);
  // The reference's phi table for K = 7 with 4 convs (si = 3 is a tie broken to 2).
  EXPECT_EQ(vae_->quantize.phi_index, (std::vector<int>{0, 0, 1, 2, 2, 3, 3}));
}

TEST_F(FmnistParity, TeacherForcedLogitsMatchPyTorch) {
  const auto all = ids();
  const vs::Tensor var_input = vae_->quantize.ids_to_var_input(all, batch());
  const double in_err = max_abs_diff(var_input, expected_->read_float("var_input"));
  const vs::Tensor ref = expected_->read_float("logits");
  const double err = max_abs_diff(model_->forward_teacher(expected_->read_int64("labels"), var_input), ref);
  std::printf("var_input max abs err %.3g; logits max abs err %.3g (max |logit| %.3g)\n", in_err, err, max_abs(ref));
  EXPECT_LT(in_err, 1e-4);
  EXPECT_LT(err, 2e-4 * std::max(1.0, max_abs(ref)));
}

TEST_F(FmnistParity, FhatAndDecodedImageMatchPyTorch) {
  const auto fhats = vae_->quantize.ids_to_fhats(ids(), batch());
  const double fhat_err = max_abs_diff(fhats.back(), expected_->read_float("fhat"));
  const double img_err = max_abs_diff(vae_->decode_fhat(fhats.back()), expected_->read_float("img"));
  std::printf("f_hat max abs err %.3g; image max abs err %.3g\n", fhat_err, img_err);
  EXPECT_LT(fhat_err, 1e-4);
  EXPECT_LT(img_err, 2e-4);
}

TEST_F(FmnistParity, EncoderFeaturesAndIdsMatchPyTorch) {
  const vs::Tensor img = expected_->read_float("input_img");
  const double f_err = max_abs_diff(vae_->encode_features(img), expected_->read_float("enc_f"));
  std::printf("encoder features max abs err %.3g\n", f_err);
  EXPECT_LT(f_err, 2e-4);
  // Re-encoded ids: nearest-code ties may flip under float rounding; allow one flip.
  const auto got = vae_->encode_ids(img);
  const auto want = ids();
  int mismatches = 0;
  for (size_t k = 0; k < want.size(); ++k)
    for (size_t i = 0; i < want[k].size(); ++i) mismatches += got.at(k).at(i) != want[k][i];
  EXPECT_LE(mismatches, 1);
}

}  // namespace
