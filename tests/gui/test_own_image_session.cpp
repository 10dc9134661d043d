// "Your image" without a window, on the d2_l2 fixture: an image encodes to the VQ-VAE's
// token pyramid (the same ids as encoding it directly) with one reconstruction per scale;
// "regenerate from scale k" keeps exactly the first k token maps as the sampler's prefix
// (the same ids as calling the core sampler with that prefix), is seeded, and clamps k; a
// file that is not an image, a missing file and no model end as errors, never throws.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "app/gui/own_image/own_image_session.h"
#include "core/attention/attention.h"
#include "core/io/image_io.h"
#include "core/var/sampler.h"
#include "tests/gui/settle.h"

using namespace vs::gui;

namespace {

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2";
const std::vector<int> kPatchNums = {1, 2, 3, 4, 5, 6, 8};

// A 60×40 colour gradient with a bright square: not square, so fit_square crops.
std::string write_test_image() {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/own_image_test.png";
  const int w = 60, h = 40;
  std::vector<uint8_t> rgb(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &rgb[(size_t(y) * w + x) * 3];
      const bool square = x > 25 && x < 40 && y > 10 && y < 25;
      p[0] = uint8_t(x * 4), p[1] = uint8_t(y * 6), p[2] = square ? 250 : 40;
    }
  vs::io::write_png_rgb8(path, w, h, rgb);
  return path;
}

std::shared_ptr<const vs::var::VarModel> load_fixture() {
  VarSession session;
  session.open(kFixture + "/var.pth", kFixture + "/vae.pth", kPatchNums);
  EXPECT_TRUE(settle(session));
  EXPECT_NE(session.model(), nullptr) << session.load_error();
  return session.shared_model();
}

}  // namespace

TEST(OwnImage, RecognisesImageFiles) {
  EXPECT_TRUE(looks_like_image("photo.png"));
  EXPECT_TRUE(looks_like_image("/a/b/Photo.JPEG"));
  EXPECT_TRUE(looks_like_image("x.jpg"));
  EXPECT_FALSE(looks_like_image("var.safetensors"));
  EXPECT_FALSE(looks_like_image("model.pth"));
  EXPECT_FALSE(looks_like_image("dir.png/var.pth"));
  EXPECT_FALSE(looks_like_image("png"));
}

TEST(OwnImage, EncodesThePyramidAndRegeneratesFromAPrefix) {
  const auto model = load_fixture();
  ASSERT_NE(model, nullptr);
  const std::string path = write_test_image();
  OwnImageSession own;
  own.encode(path, model);
  ASSERT_TRUE(settle(own));
  ASSERT_TRUE(own.error().empty()) << own.error();
  ASSERT_TRUE(own.encoded());
  ASSERT_TRUE(own.reconstructed());
  const int side = model->image_side();
  EXPECT_EQ(own.input_side(), side);
  EXPECT_EQ(own.input_rgb().size(), size_t(side) * side * 3);
  ASSERT_EQ(own.scales().size(), kPatchNums.size());

  const vs::Tensor image = vs::io::read_image_square(path, side);
  const std::vector<std::vector<int64_t>> direct = model->vae.encode_ids(image);
  for (size_t s = 0; s < kPatchNums.size(); ++s) {
    const EncodedScale& scale = own.scales()[s];
    EXPECT_EQ(scale.side, kPatchNums[s]);
    EXPECT_EQ(scale.ids, direct[s]) << "scale " << s;
    EXPECT_EQ(scale.image_side, side);
    EXPECT_EQ(scale.recon_rgb.size(), size_t(side) * side * 3);
  }
  // Each scale adds to f_hat: the reconstructions differ (random weights: no quality order).
  EXPECT_NE(own.scales().front().recon_rgb, own.scales().back().recon_rgb);

  GenerationParams params;
  params.class_id = 3, params.seed = 9;
  own.regenerate(3, params);
  ASSERT_TRUE(settle(own));
  ASSERT_TRUE(own.regenerate_error().empty()) << own.regenerate_error();
  ASSERT_TRUE(own.regen_finished());
  EXPECT_EQ(own.regen_keep_scales(), 3);
  const auto& frames = own.regenerated();
  ASSERT_EQ(frames.size(), kPatchNums.size() - 3);
  EXPECT_EQ(frames.front().scale, 3);
  EXPECT_EQ(frames.back().rgb.size(), size_t(side) * side * 3);

  // The same as the core sampler with the image's first 3 token maps as the prefix.
  const auto variant = vs::attention::make_variant("exact");
  vs::var::SamplingOptions options;
  options.cfg = params.cfg, options.top_k = params.top_k, options.top_p = params.top_p, options.seed = params.seed;
  options.decode_final = false;
  vs::var::SamplerHooks hooks;
  hooks.context.attention = variant.get();
  const std::vector<std::vector<int64_t>> prefix(direct.begin(), direct.begin() + 3);
  const vs::var::SampleResult reference =
      vs::var::autoregressive_infer_cfg(model->transformer, model->vae, {3}, options, hooks, prefix);
  ASSERT_EQ(reference.ids.size(), kPatchNums.size());
  for (size_t s = 0; s < 3; ++s) EXPECT_EQ(reference.ids[s], direct[s]);
  for (const ScaleFrame& f : frames) EXPECT_EQ(f.ids, reference.ids[size_t(f.scale)]) << "scale " << f.scale;

  // Seeded: the same request again gives the same image; k is clamped below the last scale.
  const std::vector<uint8_t> final_rgb = frames.back().rgb;
  own.regenerate(3, params);
  ASSERT_TRUE(settle(own));
  ASSERT_TRUE(own.regen_finished());
  EXPECT_EQ(own.regenerated().back().rgb, final_rgb);
  own.regenerate(99, params);
  ASSERT_TRUE(settle(own));
  EXPECT_EQ(own.regen_keep_scales(), int(kPatchNums.size()) - 1);
  ASSERT_EQ(own.regenerated().size(), 1u);
  EXPECT_EQ(own.regenerated().front().scale, int(kPatchNums.size()) - 1);
}

TEST(OwnImage, BadFilesAreErrorsNotCrashes) {
  const auto model = load_fixture();
  ASSERT_NE(model, nullptr);
  const std::string garbage = std::string(GUI_OUTPUT_DIR) + "/own_image_garbage.png";
  {
    std::ofstream out(garbage, std::ios::binary);
    out << "\x89PNG\r\n\x1a\n but then nothing a decoder accepts";
  }
  OwnImageSession own;
  own.encode(garbage, model);
  ASSERT_TRUE(settle(own));
  EXPECT_FALSE(own.encoded());
  EXPECT_NE(own.error().find("own_image_garbage.png"), std::string::npos) << own.error();
  EXPECT_EQ(own.error().find('\n'), std::string::npos) << "one line: " << own.error();
  own.regenerate(2, GenerationParams{});  // nothing encoded: ignored
  EXPECT_FALSE(own.regenerating());

  own.encode("/nonexistent/picture.jpg", model);
  ASSERT_TRUE(settle(own));
  EXPECT_FALSE(own.encoded());
  EXPECT_NE(own.error().find("/nonexistent/picture.jpg"), std::string::npos) << own.error();

  own.encode(write_test_image(), nullptr);
  EXPECT_FALSE(own.busy());
  EXPECT_NE(own.error().find("no model"), std::string::npos) << own.error();
}
