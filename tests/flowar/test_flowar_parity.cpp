// FlowAR AR transformer, flownet and Euler sampler against the reference implementation's
// outputs on the tiny random-weight fixtures (shared/fixtures/flowar, README there):
// per-scale AR conditions cond_s{k} and samples sample_s{k}, with the reference's noise
// injected. Tolerance: 1e-4 relative to the tensor's magnitude (max |reference|) for
// every scale when each scale starts from the reference's previous sample. Free-running
// (each scale from our own previous sample), the stress weights amplify float32 rounding
// from scale to scale: on v1_tiny a 1.2e-7 relative perturbation of z moves the last
// scale's sample by ~1e-5 relative, and the scale-3 error (7.5e-5) becomes 7.8e-4 at
// scale 4; so the free-running tolerance is per fixture.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <string>

#include "core/error.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/kl_vae.h"
#include "core/flowar/rope.h"
#include "core/observe/observer.h"
#include "core/io/checkpoint.h"
#include "tests/support/parity_helpers.h"

namespace vs::flowar {
namespace {

using vs::test::relative_error;

const std::string kFixtures = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/flowar/";

struct Fixture {
  std::string name, model_file, vae_file;
  int num_steps;
  double cfg, guidance;
  FlownetBlock block;
  double free_running_tolerance;  // last scales, see the file comment
};

const Fixture kV1{"v1_tiny", "flowar.pth", "vae.ckpt", 10, 3.0, 0.9, FlownetBlock::kV1, 2e-3};
const Fixture kV2{"v2_tiny", "flowar.safetensors", "vae.safetensors", 25, 2.4, 0.7, FlownetBlock::kV2, 1e-4};

std::vector<int64_t> labels_of(const io::Checkpoint& expected) {
  std::vector<int64_t> labels;
  for (float v : expected.get("labels").data) labels.push_back(static_cast<int64_t>(v));
  return labels;
}

class FlowArParity : public ::testing::TestWithParam<Fixture> {
 protected:
  void SetUp() override {
    const Fixture& f = GetParam();
    model_ = std::make_unique<FlowArModel>(FlowArModel::load(kFixtures + f.name + "/" + f.model_file));
    expected_ = io::load_checkpoint(kFixtures + f.name + "/expected.safetensors");
  }
  std::unique_ptr<FlowArModel> model_;
  io::Checkpoint expected_;
};

TEST_P(FlowArParity, ConfigInferredFromShapes) {
  const FlowArConfig& c = model_->config;
  EXPECT_EQ(c.flow_block, GetParam().block);
  EXPECT_EQ(c.scales, (std::vector<int>{1, 2, 4, 8, 16}));
  EXPECT_EQ(c.encoder_depth, 2);
  EXPECT_EQ(c.decoder_depth, 2);
  EXPECT_EQ(c.ar_head_dim(), 64);
  EXPECT_EQ(c.flow_width, 128);
  EXPECT_EQ(c.flow_heads, 2);
  EXPECT_EQ(c.flow_depth, 2);
  EXPECT_EQ(c.num_classes, 1000);
  EXPECT_EQ(c.latent_channels, 16);
  EXPECT_EQ(c.tokens(), 341);
}

// The AR alone: each scale's input built from the reference's previous sample, so AR
// errors are measured without the sampler's.
TEST_P(FlowArParity, ArConditionsWithReferenceInputs) {
  const FlowArConfig& c = model_->config;
  const std::vector<int64_t> labels = labels_of(expected_);
  const int64_t B = labels.size();
  std::vector<int64_t> ar_labels = labels;
  ar_labels.insert(ar_labels.end(), B, -1);  // CFG rows, as sampling runs them
  const ArConditioning cd = model_->ar.condition(ar_labels);
  ArCache cache = model_->ar.make_cache(2 * B);
  for (int k = 0; k < c.num_scales(); ++k) {
    const Tensor x = k == 0 ? model_->ar.first_scale_input(cd)
                            : model_->ar.scale_input(
                                  next_scale_tokens(expected_.get("sample_s" + std::to_string(k - 1)),
                                                    c.full_side(), c.scales[k]),
                                  2);
    const Tensor z = model_->ar.forward_scale(x, cd, cache, k);
    Tensor z_cond({B, z.dim(1), z.dim(2)});
    std::copy(z.data.begin(), z.data.begin() + z_cond.numel(), z_cond.data.begin());
    const double err = relative_error(z_cond, expected_.get("cond_s" + std::to_string(k)));
    std::printf("[%s] AR cond_s%d max rel err %.3g\n", GetParam().name.c_str(), k, err);
    EXPECT_LT(err, 1e-4) << "cond_s" << k;
  }
}

struct SamplerErrors {
  std::vector<double> cond, sample;
  double tokens = 0;
  double image = INFINITY;
};

SamplerErrors run_sampler(const FlowArModel& model, const io::Checkpoint& expected, const Fixture& f,
                          bool reference_inputs, const KlVae* vae = nullptr) {
  FlowArSamplingOptions options;
  options.num_steps = f.num_steps;
  options.cfg = f.cfg;
  options.guidance = f.guidance;
  FlowArSamplerHooks hooks;
  hooks.inject_noise = [&](int k, Tensor& noise) { noise = expected.get("noise_s" + std::to_string(k)); };
  if (reference_inputs)
    hooks.inject_sample = [&](int k, Tensor& s) { s = expected.get("sample_s" + std::to_string(k)); };
  int reports = 0;
  hooks.on_scale = [&](const FlowArScaleReport& r) {
    EXPECT_EQ(r.scale, reports++);
    EXPECT_EQ(r.tokens.dim(1), int64_t(r.side) * r.side);
    return true;
  };
  const FlowArSampleResult result = sample_flowar(model, labels_of(expected), options, hooks, vae);
  EXPECT_EQ(result.scales_done, 5);
  EXPECT_EQ(reports, 5);
  SamplerErrors errors;
  for (int k = 0; k < result.scales_done; ++k) {
    errors.cond.push_back(relative_error(result.conditions[k], expected.get("cond_s" + std::to_string(k))));
    errors.sample.push_back(relative_error(result.samples[k], expected.get("sample_s" + std::to_string(k))));
    std::printf("[%s] sampler (%s inputs) scale %d: cond max rel err %.3g, sample max rel err %.3g\n",
                f.name.c_str(), reference_inputs ? "reference" : "own", k, errors.cond[k],
                errors.sample[k]);
  }
  errors.tokens = relative_error(result.latent, expected.get("tokens"));
  std::printf("[%s] final tokens max rel err %.3g\n", f.name.c_str(), errors.tokens);
  if (vae) {
    errors.image = relative_error(result.image, expected.get("img"));
    std::printf("[%s] decoded image max rel err %.3g\n", f.name.c_str(), errors.image);
  }
  return errors;
}

// Each scale's AR input from the reference's previous sample: AR + flownet + Euler of
// every scale on its own.
TEST_P(FlowArParity, SamplerPerScaleWithReferenceInputs) {
  const KlVae vae = KlVae::load(kFixtures + GetParam().name + "/" + GetParam().vae_file);
  const SamplerErrors e = run_sampler(*model_, expected_, GetParam(), true, &vae);
  EXPECT_LT(e.image, 1e-3);
  for (size_t k = 0; k < e.sample.size(); ++k) {
    EXPECT_LT(e.cond[k], 1e-4) << "cond_s" << k;
    EXPECT_LT(e.sample[k], 1e-4) << "sample_s" << k;
  }
}

// Free-running generation with the reference's noise.
TEST_P(FlowArParity, SamplerFreeRunning) {
  const Fixture& f = GetParam();
  const SamplerErrors e = run_sampler(*model_, expected_, f, false);
  for (size_t k = 0; k < e.sample.size(); ++k) {
    const double tolerance = k + 2 < e.sample.size() ? 1e-4 : f.free_running_tolerance;
    EXPECT_LT(e.cond[k], tolerance) << "cond_s" << k;
    EXPECT_LT(e.sample[k], tolerance) << "sample_s" << k;
  }
  EXPECT_LT(e.tokens, f.free_running_tolerance);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FlowArParity, ::testing::Values(kV1, kV2),
                         [](const ::testing::TestParamInfo<Fixture>& info) { return info.param.name; });

TEST(FlowArSampler, CfgOneAndSeededNoiseAreDeterministic) {
  const FlowArModel model = FlowArModel::load(kFixtures + "v1_tiny/flowar.pth");
  FlowArSamplingOptions options;
  options.num_steps = 4;
  options.cfg = 1.0;  // the reference crashes here (flowar.md §7); we keep the whole batch
  options.seed = 42;
  const FlowArSampleResult a = sample_flowar(model, {3, -1}, options);
  const FlowArSampleResult b = sample_flowar(model, {3, -1}, options);
  ASSERT_EQ(a.scales_done, 5);
  EXPECT_EQ(a.latent.shape, (Shape{2, 16, 16, 16}));
  EXPECT_EQ(a.latent.data, b.latent.data);
  for (float v : a.latent.data) ASSERT_TRUE(std::isfinite(v));
  options.seed = 43;
  EXPECT_NE(sample_flowar(model, {3, -1}, options).latent.data, a.latent.data);
}

TEST(FlowArSampler, CancelStopsBeforeTheNextScale) {
  const FlowArModel model = FlowArModel::load(kFixtures + "v1_tiny/flowar.pth");
  std::atomic<bool> cancel{false};
  FlowArSamplerHooks hooks;
  hooks.cancel = &cancel;
  hooks.on_scale = [&](const FlowArScaleReport& r) {
    if (r.scale == 1) cancel = true;
    return true;
  };
  FlowArSamplingOptions options;
  options.num_steps = 4;
  const FlowArSampleResult r = sample_flowar(model, {3}, options, hooks);
  EXPECT_TRUE(r.cancelled);
  EXPECT_EQ(r.scales_done, 2);
}

// Observers see every attention call with q, k after RoPE; the AR's keys are the whole
// cache (block-causal through the cache: scale k sees all tokens of scales ≤ k).
class CountingObserver : public observe::Observer {
 public:
  observe::ProbabilityRequest wants_probabilities(const observe::Site& site) override {
    return {site.scale == 2, 0, -1};
  }
  void on_attention(const observe::AttentionCall& call, const attention::Result& result) override {
    ++calls;
    if (call.site.scale == 2) {
      keys_at_scale2 = call.k.dim(1);
      double sum = 0;
      for (int64_t j = 0; j < result.probs.dim(2); ++j) sum += result.probs.data[j];
      first_row_prob_sum = sum;
    }
    EXPECT_NEAR(call.softmax_scale, 1.0 / std::sqrt(double(call.q.dim(2))), 1e-7);
  }
  bool wants_timings() const override { return true; }
  void on_timing(observe::Part part, const observe::Site&, double elapsed_ms) override {
    timed_parts.insert(part);
    EXPECT_GE(elapsed_ms, 0.0);
  }
  std::set<observe::Part> timed_parts;
  int calls = 0;
  int64_t keys_at_scale2 = 0;
  double first_row_prob_sum = 0;
};

TEST(FlowArSampler, ObserversSeeArAndFlownetAttention) {
  const FlowArModel model = FlowArModel::load(kFixtures + "v2_tiny/flowar.safetensors");
  CountingObserver ar_observer, flow_observer;
  FlowArSamplerHooks hooks;
  hooks.ar_context.observer = &ar_observer;
  hooks.flow_context.observer = &flow_observer;
  FlowArSamplingOptions options;
  options.num_steps = 4;  // grid 1, 0.3, 0.25, 0.125, 0: 4 evaluations per scale
  options.cfg = 2.0;
  options.guidance = 0.5;  // t = 0.3, 0.25 and 0.125 guided on scales 1..4 (w_0 = 1)
  sample_flowar(model, {5}, options, hooks);
  // AR: 5 scales x 2 rows (CFG) x 4 blocks.
  EXPECT_EQ(ar_observer.calls, 5 * 2 * 4);
  EXPECT_EQ(ar_observer.keys_at_scale2, 1 + 4 + 16);
  EXPECT_NEAR(ar_observer.first_row_prob_sum, 1.0, 1e-5);
  // Flownet: (self + cross) x 2 blocks per evaluation; scale 0: 4 evaluations, scales
  // 1..4: 4 conditional + 3 unconditional.
  EXPECT_EQ(flow_observer.calls, 4 * (4 + 4 * 7));
  EXPECT_EQ(flow_observer.keys_at_scale2, 16);
  const std::set<observe::Part> all_parts{observe::Part::kEmbedding, observe::Part::kAttention,
                                          observe::Part::kMlp, observe::Part::kHead};
  EXPECT_EQ(ar_observer.timed_parts, all_parts);
  EXPECT_EQ(flow_observer.timed_parts, all_parts);
}

TEST(FlowArSampler, WholeGenerationWithApproximateAttention) {
  const FlowArModel model = FlowArModel::load(kFixtures + "v2_tiny/flowar.safetensors");
  FlowArSamplingOptions options;
  options.num_steps = 4;
  options.cfg = 2.0;
  const FlowArSampleResult exact = sample_flowar(model, {5}, options);
  for (const std::string spec : {"nystrom:landmarks=8", "performer:features=32"}) {
    const auto variant = attention::make_variant(spec);
    FlowArSamplerHooks hooks;
    hooks.ar_context.attention = variant.get();
    hooks.flow_context.attention = variant.get();
    const FlowArSampleResult approx = sample_flowar(model, {5}, options, hooks);
    ASSERT_EQ(approx.scales_done, 5) << spec;
    for (float v : approx.latent.data) ASSERT_TRUE(std::isfinite(v)) << spec;
    EXPECT_NE(approx.latent.data, exact.latent.data) << spec;
  }
}

TEST(FlowArSampler, DecodesEachScaleWhenAsked) {
  const FlowArModel model = FlowArModel::load(kFixtures + "v2_tiny/flowar.safetensors");
  const KlVae vae = KlVae::load(kFixtures + "v2_tiny/vae.safetensors");
  FlowArSamplerHooks hooks;
  hooks.decode_each_scale = true;
  int images = 0;
  Tensor last_preview;
  hooks.on_scale = [&](const FlowArScaleReport& r) {
    EXPECT_NE(r.image, nullptr);
    if (r.image) {
      EXPECT_EQ(r.image->shape, (Shape{1, 3, 256, 256}));
      last_preview = *r.image;
      ++images;
    }
    return true;
  };
  FlowArSamplingOptions options;
  options.num_steps = 2;
  const FlowArSampleResult result = sample_flowar(model, {5}, options, hooks, &vae);
  EXPECT_EQ(images, 5);
  // At the last scale the preview is the final image (bicubic 16 -> 16 is the identity).
  EXPECT_LT(relative_error(last_preview, result.image), 1e-6);
}

// The recomputed RoPE frequencies equal the reference's `rope.freqs` buffers, and the
// rotation acts on interleaved pairs with angles p·f on the 16-grid (flowar.md §4).
TEST(FlowArRope, FrequenciesMatchBuffersAndPairsRotate) {
  const io::Checkpoint ckpt = io::load_checkpoint(kFixtures + "v2_tiny/flowar.safetensors");
  for (const char* key : {"encoder_blocks.0.attn.rope.freqs", "flownet.res_blocks.1.crossattn.rope.freqs"}) {
    const std::vector<float> f = rope_frequencies(64);
    const Tensor& buffer = ckpt.get(key);
    ASSERT_EQ(int64_t(f.size()), buffer.numel()) << key;
    for (size_t j = 0; j < f.size(); ++j) EXPECT_FLOAT_EQ(f[j], buffer.data[j]) << key << " " << j;
  }
  const std::vector<float> f = rope_frequencies(8);  // hd 8: D = 4, f = {1, 0.01}
  const RopeTable table = rope_table(f, 2, 16);     // coordinates 0 and 8
  Tensor x({1, 4, 8}, 0.0f);
  for (int t = 0; t < 4; ++t) {
    x.data[t * 8 + 2] = 1.0f;  // pair (2, 3): row axis, frequency f1
    x.data[t * 8 + 4] = 1.0f;  // pair (4, 5): column axis, frequency f0
  }
  apply_rope(x, table);
  // token 3 = (h 1, w 1): rows rotate by 8·0.01, columns by 8·1.
  EXPECT_NEAR(x.data[3 * 8 + 2], std::cos(0.08), 1e-6);
  EXPECT_NEAR(x.data[3 * 8 + 3], std::sin(0.08), 1e-6);
  EXPECT_NEAR(x.data[3 * 8 + 4], std::cos(8.0), 1e-6);
  EXPECT_NEAR(x.data[3 * 8 + 5], std::sin(8.0), 1e-6);
  // token 0 (the origin) is not rotated.
  EXPECT_EQ(x.data[2], 1.0f);
  EXPECT_EQ(x.data[3], 0.0f);
}

TEST(FlowArModel, RejectsMisShapedAndUnexpectedKeys) {
  io::Checkpoint ckpt = io::load_checkpoint(kFixtures + "v1_tiny/flowar.pth");
  ckpt.tensors["flownet.res_blocks.1.mlp.fc2.bias"] = Tensor({7});
  ckpt.tensors["stray.weight"] = Tensor({2});
  try {
    FlowArModel::from_checkpoint(std::move(ckpt));
    FAIL() << "loaded a corrupted checkpoint";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("flownet.res_blocks.1.mlp.fc2.bias"), std::string::npos) << message;
    EXPECT_NE(message.find("unexpected 'stray.weight'"), std::string::npos) << message;
  }
}

TEST(FlowArModel, RejectsAVarCheckpoint) {
  EXPECT_THROW(FlowArModel::load(std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2/var.pth"), Error);
}

}  // namespace
}  // namespace vs::flowar
