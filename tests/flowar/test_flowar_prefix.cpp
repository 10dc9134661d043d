// FlowAR prefix generation (FlowArSamplingOptions::prefix / keep_scales) and an image's
// latent pyramid (latent_pyramid.h), on the shipped Fashion-MNIST FlowAR (scales 1, 2, 4).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/kl_vae.h"
#include "core/flowar/latent_pyramid.h"
#include "core/nn/resample.h"

namespace vs::flowar {
namespace {

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";

struct Shipped {
  FlowArModel model = FlowArModel::load(kModels + "fmnist-flowar.safetensors");
  KlVae vae = KlVae::load(kModels + "fmnist-flowar-vae.safetensors");
};

const Shipped& shipped() {
  static const Shipped s;
  return s;
}

FlowArSamplingOptions options(uint64_t seed) {
  FlowArSamplingOptions o;
  o.num_steps = 6;
  o.cfg = 3.0;
  o.seed = seed;
  return o;
}

// A smooth test pattern in [-1, 1] (B, 3, S, S): no file needed, not constant.
Tensor pattern(int64_t batch, int side) {
  Tensor img({batch, 3, side, side});
  for (int64_t b = 0; b < batch; ++b)
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
          img.data[((b * 3 + c) * side + y) * side + x] =
              std::sin(0.3f * float(x + 2 * b) + 0.2f * float(c)) * std::cos(0.25f * float(y));
  return img;
}

TEST(FlowArPrefix, KeepingEveryScaleReturnsTheGivenSamplesExactly) {
  const Shipped& m = shipped();
  const std::vector<int64_t> labels{2, 7};
  const FlowArSampleResult run = sample_flowar(m.model, labels, options(5));
  FlowArSamplingOptions o = options(99);  // another seed: nothing may be sampled
  o.prefix = run.samples;
  o.keep_scales = m.model.config.num_scales();
  const FlowArSampleResult kept = sample_flowar(m.model, labels, o, {}, &m.vae);
  ASSERT_EQ(kept.samples.size(), run.samples.size());
  for (size_t k = 0; k < run.samples.size(); ++k) EXPECT_EQ(kept.samples[k].data, run.samples[k].data) << k;
  EXPECT_EQ(kept.latent.data, run.latent.data);
  EXPECT_EQ(kept.image.shape, (Shape{2, 3, 32, 32}));
}

TEST(FlowArPrefix, KeepingNothingIsOrdinarySampling) {
  const Shipped& m = shipped();
  const FlowArSampleResult plain = sample_flowar(m.model, {4}, options(3));
  FlowArSamplingOptions o = options(3);
  o.prefix = sample_flowar(m.model, {1}, options(8)).samples;  // present but unused
  o.keep_scales = 0;
  const FlowArSampleResult none = sample_flowar(m.model, {4}, o);
  for (size_t k = 0; k < plain.samples.size(); ++k) EXPECT_EQ(none.samples[k].data, plain.samples[k].data) << k;
}

// A prefix of a run's own samples continues that very run (the kept scales still draw
// their noise); another image's prefix keeps its scales and changes the rest.
TEST(FlowArPrefix, KeptScalesAreThePrefixAndTheRestIsSampled) {
  const Shipped& m = shipped();
  const int K = m.model.config.num_scales();
  const FlowArSampleResult own = sample_flowar(m.model, {6}, options(11));
  const std::vector<Tensor> image = encode_pyramid(m.vae, pattern(1, 32), m.model.config.scales);
  for (int keep = 1; keep < K; ++keep) {
    FlowArSamplingOptions o = options(11);
    o.prefix = own.samples;
    o.keep_scales = keep;
    const FlowArSampleResult again = sample_flowar(m.model, {6}, o);
    for (int k = 0; k < K; ++k) EXPECT_EQ(again.samples[k].data, own.samples[k].data) << keep << " " << k;

    o.prefix = image;
    std::vector<int> reported;
    FlowArSamplerHooks hooks;
    hooks.on_scale = [&](const FlowArScaleReport& r) { return reported.push_back(r.scale), true; };
    const FlowArSampleResult from_image = sample_flowar(m.model, {6}, o, hooks);
    ASSERT_EQ(from_image.scales_done, K);
    EXPECT_EQ(reported.size(), size_t(K));  // kept scales are reported too
    for (int k = 0; k < keep; ++k) EXPECT_EQ(from_image.samples[k].data, image[k].data) << keep << " " << k;
    EXPECT_NE(from_image.samples[K - 1].data, own.samples[K - 1].data) << keep;
    for (float v : from_image.latent.data) ASSERT_TRUE(std::isfinite(v));
  }
}

TEST(FlowArPrefix, BadPrefixesAreOneLineErrors) {
  const Shipped& m = shipped();
  const std::vector<Tensor> good = sample_flowar(m.model, {0}, options(1)).samples;
  FlowArSamplingOptions o = options(1);
  o.prefix = good;
  o.keep_scales = int(good.size()) + 1;  // more than the model's scales
  EXPECT_THROW(sample_flowar(m.model, {0}, o), Error);
  o.prefix = {good[0]};
  o.keep_scales = 2;  // more than given
  EXPECT_THROW(sample_flowar(m.model, {0}, o), Error);
  o.prefix = good;
  o.prefix[1] = Tensor({1, 4, 8});  // wrong width
  EXPECT_THROW(sample_flowar(m.model, {0}, o), Error);
  o.prefix = good;
  o.keep_scales = 1;
  EXPECT_THROW(sample_flowar(m.model, {0, 1}, o), Error);  // batch of 2, prefix of 1
  o.keep_scales = -1;
  try {
    sample_flowar(m.model, {0}, o);
    FAIL() << "negative keep_scales accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}

// Each scale is area(latent → s): the training's teacher targets; the finest is the latent.
TEST(LatentPyramid, AreaDownsamplesTheLatentToEveryScale) {
  const Shipped& m = shipped();
  const std::vector<int>& scales = m.model.config.scales;
  const Tensor latent = m.vae.encode_tokens(pattern(2, 32));
  ASSERT_EQ(latent.shape, (Shape{2, 16, scales.back(), scales.back()}));
  const std::vector<Tensor> pyramid = latent_pyramid(latent, scales);
  ASSERT_EQ(pyramid.size(), scales.size());
  for (size_t k = 0; k < scales.size(); ++k) {
    const int s = scales[k];
    ASSERT_EQ(pyramid[k].shape, (Shape{2, int64_t(s) * s, 16}));
    const Tensor area = nn::interpolate_area(latent, s, s);  // (B, 16, s, s)
    for (int64_t b = 0; b < 2; ++b)
      for (int64_t t = 0; t < int64_t(s) * s; ++t)
        for (int64_t c = 0; c < 16; ++c)
          ASSERT_EQ(pyramid[k].data[(b * s * s + t) * 16 + c], area.data[(b * 16 + c) * s * s + t]);
  }
  // Scale 0 is the mean of the latent per channel.
  double mean0 = 0;
  for (int64_t t = 0; t < latent.dim(2) * latent.dim(3); ++t) mean0 += latent.data[t];
  EXPECT_NEAR(pyramid[0].data[0], mean0 / double(latent.dim(2) * latent.dim(3)), 1e-5);
  // The finest scale decodes back to the image's reconstruction.
  const Tensor recon = decode_scale(m.vae, pyramid.back(), scales.back());
  EXPECT_EQ(recon.data, m.vae.decode_tokens(latent).data);
  EXPECT_THROW(latent_pyramid(Tensor({1, 16, 3, 3}), scales), Error);
  EXPECT_THROW(latent_pyramid(Tensor({16, 4, 4}), scales), Error);
  EXPECT_THROW(decode_scale(m.vae, Tensor({16}), scales.back()), Error);
}

}  // namespace
}  // namespace vs::flowar
