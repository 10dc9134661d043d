// Parity of VAR's zero-shot editing with a reference run of the official rule (the edit
// demo's replace_embedding after every scale's draw): tools/train/make_edit_fixture.py ran
// the project's PyTorch modules on the shipped fmnist-var weights with a box in-painting
// mask and wrote, per scale, the drawn ids, the guided logits and the resized mask. Here the
// C++ sampler gets the same drawn ids injected and must reproduce the masks, every scale's
// logits (which see the image's tokens through f_hat), f_hat and the decoded image.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/edit/edit_mask.h"
#include "core/io/checkpoint.h"
#include "core/io/safetensors.h"
#include "core/var/sampler.h"
#include "core/var/var_transformer.h"
#include "core/var/vqvae.h"

namespace {

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";
const std::string kExpected = std::string(VARSCOPE_SOURCE_DIR) + "/tests/data/fmnist_edit_parity/expected.safetensors";

double max_abs_diff(const float* a, const float* b, size_t n) {
  double m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::abs(double(a[i]) - double(b[i])));
  return m;
}

TEST(VarEditParity, ReproducesTheReferenceEditRun) {
  const vs::io::SafetensorsFile expected = vs::io::SafetensorsFile::open(kExpected);
  const vs::var::VarTransformer model =
      vs::var::VarTransformer::from_checkpoint(vs::io::load_checkpoint(kModels + "fmnist-var.safetensors"));
  const vs::var::Vqvae vae =
      vs::var::Vqvae::load(vs::io::load_checkpoint(kModels + "fmnist-var-vae.safetensors"), model.config().patch_nums);
  const std::vector<int>& pn = model.config().patch_nums;
  const int K = int(pn.size()), last = pn.back();

  const std::vector<int64_t> labels_file = expected.read_int64("labels");
  std::vector<int64_t> labels;
  for (int64_t label : labels_file) labels.push_back(label >= model.config().num_classes ? -1 : label);
  const int64_t B = int64_t(labels.size());
  const vs::Tensor mask_tensor = expected.read_float("keep_mask");
  const std::vector<float> keep(mask_tensor.data.begin(), mask_tensor.data.end());
  ASSERT_EQ(int64_t(keep.size()), int64_t(last) * last);
  const std::vector<int64_t> image_ids = expected.read_int64("image_ids");

  vs::var::SamplingOptions options;
  options.cfg = std::stod(expected.metadata().at("cfg"));
  options.top_k = 900;
  options.top_p = 0.95;
  options.seed = 3;
  int64_t begin = 0;
  for (int k = 0; k < K; ++k) {
    const int64_t n = int64_t(pn[k]) * pn[k];
    const std::vector<uint8_t> mine = vs::gen::keep_at_side(keep, last, pn[k]);
    const std::vector<int64_t> theirs = expected.read_int64("keep_s" + std::to_string(k));
    ASSERT_EQ(int64_t(theirs.size()), n);
    for (int64_t t = 0; t < n; ++t) EXPECT_EQ(int64_t(mine[t]), theirs[t]) << "scale " << k << " token " << t;
    options.edit_keep.push_back(mine);
    std::vector<int64_t> ids;
    for (int64_t b = 0; b < B; ++b) ids.insert(ids.end(), image_ids.begin() + begin, image_ids.begin() + begin + n);
    options.edit_ids.push_back(ids);
    begin += n;
  }

  vs::var::SamplerHooks hooks;
  hooks.inject_ids = [&](int scale, std::vector<int64_t>& ids) { ids = expected.read_int64("sampled_s" + std::to_string(scale)); };
  std::vector<double> logit_errors(K, 1e30);
  hooks.on_logits = [&](int scale, const vs::Tensor&, const vs::Tensor& guided) {
    const vs::Tensor ref = expected.read_float("guided_s" + std::to_string(scale));
    ASSERT_EQ(ref.shape, guided.shape);
    logit_errors[scale] = max_abs_diff(guided.ptr(), ref.ptr(), ref.data.size());
  };
  const vs::var::SampleResult result = vs::var::autoregressive_infer_cfg(model, vae, labels, options, hooks);
  for (int k = 0; k < K; ++k) EXPECT_LT(logit_errors[k], 2e-3) << "guided logits of scale " << k;

  // Kept positions carry the image's ids, the others what was drawn.
  begin = 0;
  for (int k = 0; k < K; ++k) {
    const int64_t n = int64_t(pn[k]) * pn[k];
    const std::vector<int64_t> drawn = expected.read_int64("sampled_s" + std::to_string(k));
    for (int64_t b = 0; b < B; ++b)
      for (int64_t t = 0; t < n; ++t)
        EXPECT_EQ(result.ids[k][b * n + t], options.edit_keep[k][t] ? image_ids[begin + t] : drawn[b * n + t]);
    begin += n;
  }
  const vs::Tensor fhat = expected.read_float("fhat");
  ASSERT_EQ(result.f_hat.shape, fhat.shape);
  EXPECT_LT(max_abs_diff(result.f_hat.ptr(), fhat.ptr(), fhat.data.size()), 1e-4);
  const vs::Tensor img = expected.read_float("img");  // [-1, 1]
  ASSERT_EQ(result.image01.shape, img.shape);
  std::vector<float> img01(img.data.size());
  for (size_t i = 0; i < img01.size(); ++i) img01[i] = (img.data[i] + 1.0f) * 0.5f;
  EXPECT_LT(max_abs_diff(result.image01.ptr(), img01.data(), img01.size()), 2e-4);
}

}  // namespace
