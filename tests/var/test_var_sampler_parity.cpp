// Replay of the reference's autoregressive sampling (shared/fixtures/README.md,
// `sample/`): the reference's drawn ids are injected instead of our draws, and per scale
// the raw logits (cond and uncond rows), the CFG mix, f_hat and the final [0, 1] image
// are compared. Our own draws (before injection) must lie inside the reference's top-k.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <thread>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "core/attention/attention.h"
#include "core/io/checkpoint.h"
#include "core/io/safetensors.h"
#include "core/nn/denormals.h"
#include "core/var/sampler.h"

namespace {

using vs::Tensor;

const std::string kFixtures = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/";

double max_abs_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape, b.shape) << a.shape_str() << " vs " << b.shape_str();
  double m = 0;
  for (int64_t i = 0; i < std::min(a.numel(), b.numel()); ++i)
    m = std::max(m, double(std::fabs(a.data[i] - b.data[i])));
  return m;
}

struct Fixture {
  std::string name, var_file, vae_file;
  std::vector<int> patch_nums;
  double cfg;
  int top_k;
  double top_p;
};

class SamplerReplay : public ::testing::TestWithParam<Fixture> {
 protected:
  void SetUp() override {
    const Fixture& f = GetParam();
    model_ = std::make_unique<vs::var::VarTransformer>(vs::var::VarTransformer::from_checkpoint(
        vs::io::load_checkpoint(kFixtures + f.name + "/" + f.var_file), f.patch_nums));
    vae_ = std::make_unique<vs::var::Vqvae>(vs::var::Vqvae::load(
        vs::io::load_checkpoint(kFixtures + f.name + "/" + f.vae_file), f.patch_nums));
    expected_ = std::make_unique<vs::io::SafetensorsFile>(
        vs::io::SafetensorsFile::open(kFixtures + f.name + "/expected.safetensors"));
  }
  vs::var::SamplingOptions options() const {
    vs::var::SamplingOptions o;
    o.cfg = GetParam().cfg;
    o.top_k = GetParam().top_k;
    o.top_p = GetParam().top_p;
    o.seed = 1234;
    return o;
  }
  std::unique_ptr<vs::var::VarTransformer> model_;
  std::unique_ptr<vs::var::Vqvae> vae_;
  std::unique_ptr<vs::io::SafetensorsFile> expected_;
};

TEST_P(SamplerReplay, InjectedIdsReproduceReference) {
  const auto& cfg = model_->config();
  const std::vector<int64_t> labels = expected_->read_int64("sample/labels");
  const int64_t B = static_cast<int64_t>(labels.size()), V = cfg.vocab;
  const int K = cfg.num_scales();
  double e_raw = 0, e_cfg = 0, e_fhat = 0;
  int outside_top_k = 0, logit_calls = 0, scale_calls = 0;

  vs::var::SamplerHooks hooks;
  hooks.on_logits = [&](int s, const Tensor& raw, const Tensor& guided) {
    ++logit_calls;
    e_raw = std::max(e_raw, max_abs_diff(raw, expected_->read_float("sample/raw_logits_s" + std::to_string(s))));
    e_cfg = std::max(e_cfg, max_abs_diff(guided, expected_->read_float("sample/cfg_logits_s" + std::to_string(s))));
  };
  hooks.inject_ids = [&](int s, std::vector<int64_t>& ids) {
    const Tensor ref_cfg = expected_->read_float("sample/cfg_logits_s" + std::to_string(s));
    for (size_t row = 0; row < ids.size(); ++row) {  // our draw must survive the reference's top-k
      const float* logits = ref_cfg.ptr() + row * V;
      const int64_t above = std::count_if(logits, logits + V, [&](float x) { return x > logits[ids[row]]; });
      if (above >= GetParam().top_k) ++outside_top_k;
    }
    ids = expected_->read_int64("sample/ids_s" + std::to_string(s));
  };
  hooks.on_scale = [&](const vs::var::ScaleReport& report) {
    ++scale_calls;
    EXPECT_EQ(report.side, cfg.patch_nums[report.scale]);
    EXPECT_EQ(report.image01, nullptr);
    e_fhat = std::max(e_fhat, max_abs_diff(report.f_hat, expected_->read_float("sample/fhat_s" + std::to_string(report.scale))));
    return true;
  };
  const vs::var::SampleResult result = vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, options(), hooks);
  EXPECT_EQ(logit_calls, K);
  EXPECT_EQ(scale_calls, K);
  EXPECT_FALSE(result.cancelled);
  EXPECT_EQ(outside_top_k, 0);
  const double e_img = max_abs_diff(result.image01, expected_->read_float("sample/img01"));
  EXPECT_LT(e_raw, 1e-4);
  EXPECT_LT(e_cfg, 1e-4);
  EXPECT_LT(e_fhat, 1e-4);
  EXPECT_LT(e_img, 1e-4);
  std::printf("[ %s ] B %lld: raw logits %.3g, cfg logits %.3g, f_hat %.3g, img01 %.3g\n",
              GetParam().name.c_str(), (long long)B, e_raw, e_cfg, e_fhat, e_img);
}

TEST_P(SamplerReplay, SameSeedSameTokensAndPrefixKept) {
  const std::vector<int64_t> labels = expected_->read_int64("sample/labels");
  vs::var::SamplingOptions o = options();
  o.decode_final = false;
  const auto a = vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, o);
  const auto b = vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, o);
  EXPECT_EQ(a.ids, b.ids);
  o.seed += 1;
  const auto c = vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, o);
  EXPECT_NE(a.ids, c.ids);
  // Keep the first two token maps of `c`, sample the rest with a's seed.
  o.seed -= 1;
  const std::vector<std::vector<int64_t>> prefix(c.ids.begin(), c.ids.begin() + 2);
  const auto d = vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, o, {}, prefix);
  EXPECT_EQ(d.ids[0], c.ids[0]);
  EXPECT_EQ(d.ids[1], c.ids[1]);
  EXPECT_EQ(d.ids.size(), c.ids.size());
}

#if defined(__x86_64__)
// Every caller (the explorer's workers too) samples with FTZ/DAZ: a thread whose MXCSR
// has them off finds them on after sampling.
TEST_P(SamplerReplay, SamplingFlushesDenormalsOnTheCallingThread) {
  const std::vector<int64_t> labels = expected_->read_int64("sample/labels");
  bool before = true, after = false;
  std::thread worker([&] {
    _mm_setcsr(_mm_getcsr() & ~0x8040u);  // FTZ (bit 15) and DAZ (bit 6) off
    before = vs::nn::denormals_flushed_on_this_thread();
    vs::var::SamplingOptions o = options();
    o.decode_final = false;
    vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, o);
    after = vs::nn::denormals_flushed_on_this_thread();
  });
  worker.join();
  EXPECT_FALSE(before);
  EXPECT_TRUE(after);
}
#endif

TEST_P(SamplerReplay, CancellationStopsBetweenScales) {
  const std::vector<int64_t> labels = expected_->read_int64("sample/labels");
  vs::var::SamplerHooks hooks;
  hooks.decode_each_scale = true;
  int decoded = 0;
  hooks.on_scale = [&](const vs::var::ScaleReport& r) {
    if (r.image01) ++decoded;
    return r.scale < 1;  // stop after scale 1
  };
  const auto result = vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, options(), hooks);
  EXPECT_TRUE(result.cancelled);
  EXPECT_EQ(result.scales_done, 2);
  EXPECT_EQ(decoded, 2);
  EXPECT_EQ(result.image01.numel(), 0);

  std::atomic<bool> cancel{true};
  vs::var::SamplerHooks flag;
  flag.cancel = &cancel;
  const auto none = vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, options(), flag);
  EXPECT_TRUE(none.cancelled);
  EXPECT_EQ(none.scales_done, 0);
}

TEST_P(SamplerReplay, MoreSmoothRunsAndIsDeterministic) {
  const std::vector<int64_t> labels = expected_->read_int64("sample/labels");
  vs::var::SamplingOptions o = options();
  o.more_smooth = true;
  o.decode_final = false;
  const auto a = vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, o);
  const auto b = vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, o);
  EXPECT_EQ(max_abs_diff(a.f_hat, b.f_hat), 0.0);
  o.more_smooth = false;  // the smoothed f_hat is not the hard-token f_hat
  const auto c = vs::var::autoregressive_infer_cfg(*model_, *vae_, labels, o);
  EXPECT_GT(max_abs_diff(a.f_hat, c.f_hat), 0.0);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, SamplerReplay,
    ::testing::Values(Fixture{"d2_l2", "var.pth", "vae.pth", {1, 2, 3, 4, 5, 6, 8}, 1.5, 100, 0.95},
                      Fixture{"d3_saln_nol2", "var.safetensors", "vae.safetensors", {1, 2, 4, 6, 8}, 2.0, 50, 0.9}),
    [](const auto& info) { return info.param.name; });

}  // namespace

namespace {

// Every attention variant runs a whole generation through the model (FastVAR); its raw
// logits at the last scale are compared with exact attention's (printed, not bounded:
// the approximations' errors are the subject of the theory tests).
TEST(SamplerVariants, EveryVariantRunsAWholeGeneration) {
  const std::vector<int> pn = {1, 2, 3, 4, 5, 6, 8};
  const auto model = vs::var::VarTransformer::from_checkpoint(
      vs::io::load_checkpoint(kFixtures + "d2_l2/var.pth"), pn);
  const auto vae = vs::var::Vqvae::load(vs::io::load_checkpoint(kFixtures + "d2_l2/vae.pth"), pn);
  const auto expected = vs::io::SafetensorsFile::open(kFixtures + "d2_l2/expected.safetensors");
  const std::vector<int64_t> labels = expected.read_int64("sample/labels");
  const int K = model.config().num_scales();
  vs::var::SamplingOptions options;
  options.cfg = 1.5;
  options.top_k = 100;
  options.top_p = 0.95;
  options.decode_final = false;
  for (const std::string spec : {"exact", "poly:degree=2", "performer:features=64",
                                 "nystrom:landmarks=8", "svd:rank=8"}) {
    const auto variant = vs::attention::make_variant(spec);
    vs::var::SamplerHooks hooks;
    hooks.context.attention = variant.get();
    double err = 0;
    hooks.on_logits = [&](int s, const Tensor& raw, const Tensor&) {
      if (s == K - 1) err = max_abs_diff(raw, expected.read_float("sample/raw_logits_s" + std::to_string(s)));
    };
    hooks.inject_ids = [&](int s, std::vector<int64_t>& ids) {
      ids = expected.read_int64("sample/ids_s" + std::to_string(s));
    };
    vs::var::SampleResult result;
    ASSERT_NO_THROW(result = vs::var::autoregressive_infer_cfg(model, vae, labels, options, hooks))
        << spec;
    EXPECT_EQ(result.scales_done, K) << spec;
    for (float x : result.f_hat.data) ASSERT_TRUE(std::isfinite(x)) << spec;
    if (spec == "exact") {
      EXPECT_LT(err, 1e-4);
    }
    std::printf("[ %s ] last-scale raw logits vs reference: max abs err %.3g\n", spec.c_str(), err);
  }
}

}  // namespace
