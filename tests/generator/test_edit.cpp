// Zero-shot editing through the Generator, both families: kept positions carry the image's
// code at every scale, the rest is generated; a keep-everything mask reproduces the image;
// the same seed gives the same edit; a bad edit is refused before any work.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/edit/edit_mask.h"
#include "core/error.h"
#include "tests/support/shipped_generator.h"

namespace {

using vs::gen::Generator;

// A test picture (1, 3, S, S) in [-1, 1]: a bright diagonal band on a dark ground.
vs::Tensor test_picture(int side) {
  vs::Tensor image({1, 3, side, side});
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x) image.data[(c * side + y) * side + x] = std::abs(x - y) < side / 4 ? 0.8f : -0.9f;
  return image;
}

vs::gen::SamplingRequest edit_request(const Generator& g, const std::vector<float>& keep, std::vector<int64_t> labels,
                                      uint64_t seed) {
  vs::gen::SamplingRequest request = g.default_request();
  request.labels = std::move(labels);
  request.seed = seed;
  request.edit.image = g.encode(test_picture(g.info().image_side));
  request.edit.keep = keep;
  return request;
}

bool same_code(const Generator& g, const vs::gen::ScaleCode& a, const vs::gen::ScaleCode& b, int64_t row, int64_t t,
               int64_t n) {
  if (g.info().family == vs::gen::Family::kVar) return a.ids[row * n + t] == b.ids[t];
  const int64_t T = a.latent.dim(2);
  for (int64_t c = 0; c < T; ++c)
    if (a.latent.data[(row * n + t) * T + c] != b.latent.data[t * T + c]) return false;
  return true;
}

class Edit : public ::testing::TestWithParam<std::string> {};

TEST_P(Edit, KeptTokensAreTheImagesAndTheRestIsGenerated) {
  const Generator& g = vs::test::shipped_generator(GetParam());
  const int last = g.info().scales.back();
  const std::vector<float> keep = vs::gen::box_keep_mask(last, 0.25, 0.25, 0.75, 0.75, false);
  const vs::gen::SamplingRequest request = edit_request(g, keep, {-1, 3}, 5);
  const vs::gen::SampleResult result = g.sample(request);
  ASSERT_EQ(result.pyramid.size(), g.info().scales.size());
  EXPECT_EQ(result.image01.dim(0), 2);
  int64_t generated_differ = 0;
  for (int k = 0; k < g.info().num_scales(); ++k) {
    const int side = g.info().scales[k];
    const int64_t n = int64_t(side) * side;
    const std::vector<uint8_t> kept = vs::gen::keep_at_side(keep, last, side);
    for (int64_t row = 0; row < 2; ++row)
      for (int64_t t = 0; t < n; ++t) {
        const bool same = same_code(g, result.pyramid[k], request.edit.image[k], row, t, n);
        if (kept[t]) EXPECT_TRUE(same) << "scale " << k << " row " << row << " token " << t;
        else generated_differ += !same;
      }
  }
  EXPECT_GT(generated_differ, 0) << "the masked region was not generated";
}

TEST_P(Edit, KeepingEverythingReproducesTheImage) {
  const Generator& g = vs::test::shipped_generator(GetParam());
  const int last = g.info().scales.back();
  const vs::gen::SamplingRequest request = edit_request(g, std::vector<float>(size_t(last) * last, 1.0f), {2}, 1);
  const vs::gen::SampleResult result = g.sample(request);
  const vs::Tensor expected = g.decode_scale(request.edit.image, g.info().num_scales() - 1);
  ASSERT_EQ(result.image01.shape, expected.shape);
  double worst = 0;
  for (size_t i = 0; i < expected.data.size(); ++i)
    worst = std::max(worst, std::abs(double(result.image01.data[i]) - expected.data[i]));
  // VAR: the same ids, decoded the same way. FlowAR: the last scale's tokens are the
  // image's; decode_scale decodes them at the full side exactly as the sampler does.
  EXPECT_LT(worst, 1e-5);
}

TEST_P(Edit, SameSeedSameEditOtherSeedOtherFill) {
  const Generator& g = vs::test::shipped_generator(GetParam());
  const int last = g.info().scales.back();
  const std::vector<float> keep = vs::gen::box_keep_mask(last, 0.0, 0.5, 1.0, 1.0, false);
  const vs::Tensor a = g.sample(edit_request(g, keep, {-1}, 7)).image01;
  const vs::Tensor b = g.sample(edit_request(g, keep, {-1}, 7)).image01;
  const vs::Tensor c = g.sample(edit_request(g, keep, {-1}, 8)).image01;
  EXPECT_EQ(a.data, b.data);
  EXPECT_NE(a.data, c.data);
}

TEST_P(Edit, BadEditsAreRefusedBeforeWork) {
  const Generator& g = vs::test::shipped_generator(GetParam());
  const int last = g.info().scales.back();
  vs::gen::SamplingRequest request = edit_request(g, std::vector<float>(size_t(last) * last, 1.0f), {1}, 1);
  vs::gen::SamplingRequest wrong_mask = request;
  wrong_mask.edit.keep.pop_back();
  EXPECT_THROW(g.sample(wrong_mask), vs::Error);
  vs::gen::SamplingRequest short_pyramid = request;
  short_pyramid.edit.image.pop_back();
  EXPECT_THROW(g.sample(short_pyramid), vs::Error);
  vs::gen::SamplingRequest three_rows = request;  // one row or one per image (2), not 3
  three_rows.labels = {1, 2};
  vs::gen::ScaleCode& first = three_rows.edit.image[0];
  if (g.info().family == vs::gen::Family::kVar) {
    first.ids.resize(3, first.ids[0]);
  } else {
    first.latent = vs::Tensor({3, first.latent.dim(1), first.latent.dim(2)});
  }
  EXPECT_THROW(g.sample(three_rows), vs::Error);
  if (g.info().family == vs::gen::Family::kVar) {
    vs::gen::SamplingRequest bad_id = request;
    bad_id.edit.image[1].ids[0] = g.info().codebook_size;
    EXPECT_THROW(g.sample(bad_id), vs::Error);
  } else {
    vs::gen::SamplingRequest bad_value = request;
    bad_value.edit.image[1].latent.data[0] = std::nanf("");
    EXPECT_THROW(g.sample(bad_value), vs::Error);
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, Edit, ::testing::Values("fmnist-var", "fmnist-flowar"),
                         [](const auto& info) { return info.param == "fmnist-var" ? std::string("Var") : std::string("FlowAr"); });

}  // namespace
