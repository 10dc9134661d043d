// Parity of the C++ FlowAR core with the PyTorch training modules (tools/train) on the
// shipped Fashion-MNIST FlowAR: tools/train/export_flowar.py wrote
// tests/data/fmnist_flowar_parity/expected.safetensors from the same weights as
// assets/models/fmnist-flowar*.safetensors (two test images, labels {class, null}). The
// C++ side must compute the same numbers with no special case for these files: the config
// (scales 1,2,4 from the metadata, full side 4, head dims from rope.freqs) and the VAE's
// scale factor (metadata) are inferred like for any checkpoint.
// Tolerance: 1e-4 relative to the tensor's magnitude (max |reference|).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/flowar/flowar_model.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/kl_vae.h"
#include "core/io/checkpoint.h"
#include "tests/support/parity_helpers.h"

namespace vs::flowar {
namespace {

using vs::test::relative_error;
using vs::test::int_values;
using vs::test::token_slice;

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";
const std::string kExpected =
    std::string(VARSCOPE_SOURCE_DIR) + "/tests/data/fmnist_flowar_parity/expected.safetensors";
constexpr double kTolerance = 1e-4;

std::string key(const char* name, int k) { return std::string(name) + "_" + std::to_string(k); }

class FmnistFlowArParity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = new FlowArModel(FlowArModel::load(kModels + "fmnist-flowar.safetensors"));
    vae_ = new KlVae(KlVae::load(kModels + "fmnist-flowar-vae.safetensors"));
    expected_ = new io::Checkpoint(io::load_checkpoint(kExpected));
  }
  static void TearDownTestSuite() {
    delete expected_;
    delete vae_;
    delete model_;
  }
  static const Tensor& expect(const std::string& name) { return expected_->get(name); }

  static FlowArModel* model_;
  static KlVae* vae_;
  static io::Checkpoint* expected_;
};

FlowArModel* FmnistFlowArParity::model_ = nullptr;
KlVae* FmnistFlowArParity::vae_ = nullptr;
io::Checkpoint* FmnistFlowArParity::expected_ = nullptr;

TEST_F(FmnistFlowArParity, ConfigComesFromShapesAndMetadata) {
  const FlowArConfig& c = model_->config;
  std::printf("%s\n", c.describe().c_str());
  EXPECT_EQ(c.num_classes, 10);
  EXPECT_EQ(c.latent_channels, 16);
  EXPECT_EQ(c.ar_head_dim(), 64);
  EXPECT_EQ(c.flow_head_dim(), 64);
  EXPECT_EQ(c.flow_block, FlownetBlock::kV1);
  const auto& meta = expected_->metadata;
  ASSERT_TRUE(meta.count("scales"));
  std::string scales;
  for (size_t i = 0; i < c.scales.size(); ++i) scales += (i ? "," : "") + std::to_string(c.scales[i]);
  EXPECT_EQ(scales, meta.at("scales"));
  EXPECT_EQ(vae_->image_side(c.full_side()), 32);
  EXPECT_EQ(vae_->config.embed_dim, c.latent_channels);
  EXPECT_NE(vae_->config.scale_factor, kKlVaeScaleFactor) << "the file's scale_factor metadata was not read";
}

TEST_F(FmnistFlowArParity, VaeEncodesAndDecodes) {
  const KlPosterior post = vae_->encode(expect("input_img"));
  const double enc = relative_error(post.mean, expect("posterior_mean"));
  const double tok = relative_error(vae_->encode_tokens(expect("input_img")), expect("tokens"));
  const double dec = relative_error(vae_->decode_tokens(expect("tokens")), expect("decoded"));
  std::printf("VAE posterior mean %.3g, tokens %.3g, decode %.3g (max rel err)\n", enc, tok, dec);
  EXPECT_LT(enc, kTolerance);
  EXPECT_LT(tok, kTolerance);
  EXPECT_LT(dec, kTolerance);
}

// Teacher forcing: each scale's AR input is the ground truth of the previous scale
// resampled (§3); the C++ resampling must give the reference's input, and the AR the
// reference's condition z.
TEST_F(FmnistFlowArParity, TeacherForcedArConditions) {
  const FlowArConfig& c = model_->config;
  const ArConditioning cd = model_->ar.condition(int_values(expect("labels")));
  ArCache cache = model_->ar.make_cache(cd.rows());
  for (int k = 0; k < c.num_scales(); ++k) {
    Tensor x;
    if (k == 0) {
      x = model_->ar.first_scale_input(cd);
    } else {
      const Tensor input = next_scale_tokens(expect(key("gt", k - 1)), c.full_side(), c.scales[k]);
      const double in_err = relative_error(input, expect(key("ar_input", k)));
      EXPECT_LT(in_err, 1e-5) << "next-scale input of scale " << k;
      x = model_->ar.scale_input(expect(key("ar_input", k)), 1);
    }
    const Tensor z = model_->ar.forward_scale(x, cd, cache, k);
    const double err = relative_error(z, token_slice(expect("ar_z"), c.scale_begin(k), c.scale_tokens(k)));
    std::printf("AR z scale %d max rel err %.3g\n", k, err);
    EXPECT_LT(err, kTolerance) << "scale " << k;
  }
}

TEST_F(FmnistFlowArParity, FlownetVelocityPerScale) {
  const FlowArConfig& c = model_->config;
  for (int k = 0; k < c.num_scales(); ++k) {
    const Tensor z = token_slice(expect("ar_z"), c.scale_begin(k), c.scale_tokens(k));
    const FlownetCondition cond = model_->flownet.prepare(z, k, 0, -1);
    const int64_t t_int = int_values(expect(key("flow_t", k))).at(0);
    const Tensor v = model_->flownet.velocity(expect(key("flow_x", k)), t_int, cond);
    const double err = relative_error(v, expect(key("flow_v", k)));
    std::printf("flownet scale %d (t %lld) max rel err %.3g\n", k, static_cast<long long>(t_int), err);
    EXPECT_LT(err, kTolerance) << "scale " << k;
  }
}

// The whole sampler with the reference's noise injected, CFG on (linear ramp, guidance
// window), free running: each scale starts from our own previous sample.
TEST_F(FmnistFlowArParity, SamplerWithInjectedNoise) {
  const FlowArConfig& c = model_->config;
  FlowArSamplingOptions options;
  options.num_steps = std::stoi(expected_->metadata.at("num_steps"));
  options.cfg = std::stod(expected_->metadata.at("cfg"));
  options.guidance = std::stod(expected_->metadata.at("guidance"));
  ASSERT_GT(options.cfg, 1.0);
  FlowArSamplerHooks hooks;
  hooks.inject_noise = [&](int k, Tensor& noise) { noise = expect(key("sample_noise", k)); };
  const FlowArSampleResult result = sample_flowar(*model_, int_values(expect("sample_labels")), options, hooks, vae_);
  ASSERT_EQ(result.scales_done, c.num_scales());
  for (int k = 0; k < c.num_scales(); ++k) {
    const double ez = relative_error(result.conditions[k], expect(key("sample_cond", k)));
    const double es = relative_error(result.samples[k], expect(key("sample", k)));
    std::printf("sampler scale %d: condition %.3g, sample %.3g (max rel err)\n", k, ez, es);
    EXPECT_LT(ez, kTolerance) << "scale " << k;
    EXPECT_LT(es, kTolerance) << "scale " << k;
  }
  const double ei = relative_error(result.image, expect("sample_image"));
  std::printf("sampler decoded image max rel err %.3g\n", ei);
  EXPECT_LT(ei, kTolerance);
}

}  // namespace
}  // namespace vs::flowar
