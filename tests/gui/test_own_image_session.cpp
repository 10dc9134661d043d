// "Your image" over the Generator, without a window, on both shipped generators: an image
// encodes to the pyramid core's tokenizer builds, each scale's picture is the Generator's
// decode_scale; "regenerate from scale k" keeps exactly the image's first k scales (their
// pictures are the image's own), gives the same image as the core sampler with that
// prefix, is seeded, and clamps k; a file that is not an image, no model and a bad
// attention variant end as errors, never throws.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "app/gui/session/own_image_session.h"
#include "core/edit/edit_mask.h"
#include "core/generator/generator.h"
#include "core/io/image_io.h"
#include "tests/gui/settle.h"

using namespace vs::gui;

namespace {

std::shared_ptr<const vs::gen::Generator> shipped(const std::string& name) {
  static std::map<std::string, std::shared_ptr<const vs::gen::Generator>> cache;
  auto& g = cache[name];
  if (!g) g = vs::gen::open_generator(name);
  return g;
}

// A 48×40 picture, not square (fit_square crops): a bright bar on a dark gradient.
std::string write_test_image() {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/own_image_test.png";
  const int w = 48, h = 40;
  std::vector<uint8_t> rgb(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &rgb[(size_t(y) * w + x) * 3];
      const bool bar = x > 18 && x < 30 && y > 6 && y < 34;
      p[0] = p[1] = p[2] = bar ? 230 : uint8_t(y * 2);
    }
  vs::io::write_png_rgb8(path, w, h, rgb);
  return path;
}

class OwnImage : public ::testing::TestWithParam<std::string> {
 protected:
  std::shared_ptr<const vs::gen::Generator> g() const { return shipped(GetParam()); }
  vs::gen::SamplingRequest request() const {
    vs::gen::SamplingRequest r = g()->default_request();
    r.labels = {1}, r.seed = 9, r.cfg = 3.0;
    if (auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra)) flow->steps = 6;
    return r;
  }
};

}  // namespace

TEST(OwnImageFiles, RecognisesImageFiles) {
  EXPECT_TRUE(looks_like_image("photo.png"));
  EXPECT_TRUE(looks_like_image("/a/b/Photo.JPEG"));
  EXPECT_TRUE(looks_like_image("x.jpg"));
  EXPECT_FALSE(looks_like_image("var.safetensors"));
  EXPECT_FALSE(looks_like_image("model.pth"));
  EXPECT_FALSE(looks_like_image("dir.png/var.pth"));
  EXPECT_FALSE(looks_like_image("png"));
}

TEST_P(OwnImage, EncodesThePyramidAndRegeneratesFromAPrefix) {
  const std::string path = write_test_image();
  OwnImageSession own;
  own.encode(path, g());
  ASSERT_TRUE(settle(own));
  ASSERT_TRUE(own.error().empty()) << own.error();
  ASSERT_TRUE(own.reconstructed());
  EXPECT_EQ(own.generator(), g());
  EXPECT_EQ(own.holds_ids(), g()->info().family == vs::gen::Family::kVar);

  const int K = g()->info().num_scales(), side = g()->info().image_side;
  const vs::Tensor image = vs::io::read_image_square(path, side);
  const vs::gen::Pyramid pyramid = g()->encode(image);
  ASSERT_EQ(own.scales().size(), size_t(K));
  EXPECT_EQ(own.input_side(), side);
  EXPECT_EQ(own.input_rgb().size(), size_t(side) * side * 3);
  for (int k = 0; k < K; ++k) {
    const EncodedScale& s = own.scales()[k];
    EXPECT_EQ(s.side, g()->info().scales[k]);
    EXPECT_EQ(s.code.ids, pyramid[k].ids) << k;
    EXPECT_EQ(s.code.latent.data, pyramid[k].latent.data) << k;
    EXPECT_EQ(s.token_view.size(), size_t(s.side) * s.side);
    EXPECT_EQ(s.recon_rgb, vs::io::image01_to_rgb8(g()->decode_scale(pyramid, k), 0)) << k;
  }
  // The scales' pictures differ: coarse scales are blurrier versions of the image.
  EXPECT_NE(own.scales()[0].recon_rgb, own.scales()[K - 1].recon_rgb);

  for (int keep : {1, 2}) {
    own.regenerate(keep, request());
    ASSERT_TRUE(settle(own));
    ASSERT_TRUE(own.regenerate_error().empty()) << own.regenerate_error();
    ASSERT_TRUE(own.regen_finished());
    EXPECT_EQ(own.regen_keep_scales(), keep);
    ASSERT_EQ(own.regenerated().size(), size_t(K));
    // Kept scales show the image's own scale pictures and codes.
    for (int k = 0; k < keep; ++k) {
      EXPECT_EQ(own.regenerated()[k].rgb, own.scales()[k].recon_rgb) << keep << " " << k;
      EXPECT_EQ(own.regenerated()[k].code.ids, pyramid[k].ids) << keep << " " << k;
    }
    // The same final image as the Generator given the same prefix.
    vs::gen::SamplingRequest r = request();
    r.prefix = pyramid, r.keep_scales = keep;
    EXPECT_EQ(own.regenerated().back().rgb, vs::io::image01_to_rgb8(g()->sample(r).image01, 0)) << keep;
  }
  // Seeded: the same request again gives the same image.
  const std::vector<uint8_t> final_rgb = own.regenerated().back().rgb;
  own.regenerate(2, request());
  ASSERT_TRUE(settle(own));
  EXPECT_EQ(own.regenerated().back().rgb, final_rgb);
  // k clamps to [0, K − 1]: the last scale is always sampled.
  own.regenerate(99, request());
  ASSERT_TRUE(settle(own));
  EXPECT_EQ(own.regen_keep_scales(), K - 1);
}

TEST_P(OwnImage, ANonSquarePictureIsCroppedOrPadded) {
  const std::string path = write_test_image();  // 48×40
  const int side = g()->info().image_side;
  OwnImageSession own;
  own.encode(path, g());
  ASSERT_TRUE(settle(own));
  EXPECT_EQ(own.source_width(), 48);
  EXPECT_EQ(own.source_height(), 40);
  EXPECT_EQ(own.fit(), vs::io::SquareFit::kCrop);
  const std::vector<uint8_t> cropped = own.input_rgb();
  EXPECT_EQ(cropped, vs::io::image01_to_rgb8(
                         [&] {
                           vs::Tensor t = vs::io::read_image_square(path, side);
                           for (float& x : t.data) x = (x + 1.0f) * 0.5f;
                           return t;
                         }(),
                         0));
  own.encode(path, g(), vs::io::SquareFit::kPad);
  ASSERT_TRUE(settle(own));
  EXPECT_EQ(own.fit(), vs::io::SquareFit::kPad);
  vs::Tensor padded = vs::io::read_image_square(path, side, vs::io::SquareFit::kPad);
  for (float& x : padded.data) x = (x + 1.0f) * 0.5f;
  EXPECT_EQ(own.input_rgb(), vs::io::image01_to_rgb8(padded, 0));
  EXPECT_NE(own.input_rgb(), cropped);
  // The pyramid is the padded picture's.
  EXPECT_EQ(own.scales().back().code.ids, g()->encode(vs::io::read_image_square(path, side, vs::io::SquareFit::kPad)).back().ids);
}

TEST_P(OwnImage, EditsWithAMaskLikeTheGenerator) {
  const std::string path = write_test_image();
  OwnImageSession own;
  own.edit({}, request(), 2);  // nothing encoded: ignored
  EXPECT_FALSE(own.regenerating());
  own.encode(path, g());
  ASSERT_TRUE(settle(own));
  const int K = g()->info().num_scales(), last = g()->info().scales.back();
  const std::vector<float> keep = vs::gen::box_keep_mask(last, 0.0, 0.0, 0.5, 1.0, false);
  own.edit(keep, request(), 3);
  ASSERT_TRUE(settle(own));
  ASSERT_TRUE(own.regenerate_error().empty()) << own.regenerate_error();
  ASSERT_TRUE(own.regen_finished());
  EXPECT_TRUE(own.last_run_was_edit());
  EXPECT_EQ(own.edit_keep(), keep);
  ASSERT_EQ(own.regenerated().size(), size_t(K));  // every scale, watched filling in
  const RegenFrame& final_frame = own.regenerated().back();
  ASSERT_EQ(final_frame.rgb_rows.size(), 3u);  // three results side by side
  // The same images as the Generator's edit of the same pyramid, mask, labels and seed.
  vs::gen::SamplingRequest r = request();
  r.labels.assign(3, r.labels.front());
  r.edit.image = g()->encode(vs::io::read_image_square(path, g()->info().image_side));
  r.edit.keep = keep;
  const vs::Tensor expected = g()->sample(r).image01;
  for (int b = 0; b < 3; ++b) EXPECT_EQ(final_frame.rgb_rows[b], vs::io::image01_to_rgb8(expected, b)) << b;
  EXPECT_NE(final_frame.rgb_rows[0], final_frame.rgb_rows[1]);
  // A regeneration afterwards is not an edit.
  own.regenerate(1, request());
  ASSERT_TRUE(settle(own));
  EXPECT_FALSE(own.last_run_was_edit());
}

TEST_P(OwnImage, BadImageNoModelAndBadVariantAreErrors) {
  const std::string garbage = std::string(GUI_OUTPUT_DIR) + "/own_image_garbage.png";
  {
    std::ofstream out(garbage, std::ios::binary);
    out << "\x89PNG\r\n\x1a\n but then nothing a decoder accepts";
  }
  OwnImageSession own;
  own.encode(garbage, g());
  ASSERT_TRUE(settle(own));
  EXPECT_FALSE(own.encoded());
  EXPECT_NE(own.error().find("own_image_garbage.png"), std::string::npos) << own.error();
  EXPECT_EQ(own.error().find('\n'), std::string::npos) << "one line: " << own.error();
  own.regenerate(1, request());  // nothing encoded: ignored
  EXPECT_FALSE(own.regenerating());

  own.encode("/nonexistent/picture.jpg", g());
  ASSERT_TRUE(settle(own));
  EXPECT_FALSE(own.encoded());
  EXPECT_NE(own.error().find("/nonexistent/picture.jpg"), std::string::npos) << own.error();

  own.encode(write_test_image(), nullptr);
  EXPECT_FALSE(own.busy());
  EXPECT_NE(own.error().find("no model"), std::string::npos) << own.error();

  // A bad attention variant fails the regeneration, not the process.
  own.encode(write_test_image(), g());
  ASSERT_TRUE(settle(own));
  vs::gen::SamplingRequest bad = request();
  bad.attention = "no-such-variant";
  own.regenerate(1, bad);
  ASSERT_TRUE(settle(own));
  EXPECT_FALSE(own.regenerate_error().empty());
}

INSTANTIATE_TEST_SUITE_P(Shipped, OwnImage, ::testing::Values("fmnist-var", "fmnist-flowar"),
                         [](const auto& info) { return info.param == "fmnist-var" ? "Var" : "FlowAr"; });
