// "Your image" for FlowAR without a window, on the shipped fmnist-flowar: an image encodes
// to the latent pyramid core builds (latent_pyramid.h) with one decoded picture per scale;
// "regenerate from scale k" keeps exactly the image's first k scales (the same images as
// the core sampler with that prefix), is seeded, and clamps k; a file that is not an image
// and no model end as errors, never throws.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "app/gui/own_image/flowar_own_image_session.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/kl_vae.h"
#include "core/flowar/latent_pyramid.h"
#include "core/io/image_io.h"
#include "tests/gui/settle.h"
#include "tests/gui/shipped_flowar.h"

using namespace vs::gui;

namespace {

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";
const std::string kModel = kModels + "fmnist-flowar.safetensors", kVae = kModels + "fmnist-flowar-vae.safetensors";

// A 48×40 picture, not square (fit_square crops): a bright bar on a dark gradient.
std::string write_test_image() {
  const std::string path = std::string(GUI_OUTPUT_DIR) + "/flowar_own_image_test.png";
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

}  // namespace

TEST(FlowArOwnImage, EncodesThePyramidAndRegeneratesFromAPrefix) {
  const std::string path = write_test_image();
  FlowArOwnImageSession own;
  own.encode(path, load_shipped_flowar(), kModel, kVae);
  ASSERT_TRUE(settle(own));
  ASSERT_TRUE(own.error().empty()) << own.error();
  ASSERT_TRUE(own.reconstructed());
  ASSERT_NE(own.loaded(), nullptr);

  const vs::flowar::FlowArModel model = vs::flowar::FlowArModel::load(kModel);
  const vs::flowar::KlVae vae = vs::flowar::KlVae::load(kVae);
  const int K = model.config.num_scales();
  const vs::Tensor image = vs::io::read_image_square(path, vae.image_side(model.config.full_side()));
  const std::vector<vs::Tensor> pyramid = vs::flowar::encode_pyramid(vae, image, model.config.scales);
  ASSERT_EQ(own.scales().size(), size_t(K));
  EXPECT_EQ(own.input_side(), 32);
  for (int k = 0; k < K; ++k) {
    const FlowArEncodedScale& s = own.scales()[k];
    EXPECT_EQ(s.side, model.config.scales[k]);
    EXPECT_EQ(s.tokens.data, pyramid[k].data) << k;
    EXPECT_EQ(s.token_norms.size(), size_t(s.side) * s.side);
    EXPECT_EQ(s.recon_rgb,
              vs::io::image01_to_rgb8(vs::flowar::images_to_unit_range(vs::flowar::decode_scale(vae, pyramid[k], 4)), 0))
        << k;
  }
  // The scales' pictures differ: coarse scales are blurrier versions of the image.
  EXPECT_NE(own.scales()[0].recon_rgb, own.scales()[K - 1].recon_rgb);

  FlowArParams params;
  params.class_id = 1, params.seed = 9, params.steps = 6, params.cfg = 3.0;
  for (int keep : {1, 2}) {
    own.regenerate(keep, params);
    ASSERT_TRUE(settle(own));
    ASSERT_TRUE(own.regenerate_error().empty()) << own.regenerate_error();
    ASSERT_TRUE(own.regen_finished());
    EXPECT_EQ(own.regen_keep_scales(), keep);
    ASSERT_EQ(own.regenerated().size(), size_t(K));
    // Kept scales show the image's own scale pictures.
    for (int k = 0; k < keep; ++k) EXPECT_EQ(own.regenerated()[k].rgb, own.scales()[k].recon_rgb) << keep << " " << k;
    // The same final image as the core sampler given the same prefix.
    vs::flowar::FlowArSamplingOptions options;
    options.num_steps = 6, options.cfg = 3.0, options.seed = 9;
    options.prefix = pyramid, options.keep_scales = keep;
    const vs::flowar::FlowArSampleResult expected = vs::flowar::sample_flowar(model, {1}, options, {}, &vae);
    EXPECT_EQ(own.regenerated().back().rgb,
              vs::io::image01_to_rgb8(vs::flowar::images_to_unit_range(expected.image), 0))
        << keep;
  }
  // k clamps to [0, K − 1]: the last scale is always sampled.
  own.regenerate(99, params);
  ASSERT_TRUE(settle(own));
  EXPECT_EQ(own.regen_keep_scales(), K - 1);
}

TEST(FlowArOwnImage, BadImageAndNoModelAreErrors) {
  const std::string bad = std::string(GUI_OUTPUT_DIR) + "/flowar_own_image_bad.png";
  {
    std::ofstream out(bad, std::ios::binary);
    out << "not a PNG";
  }
  FlowArOwnImageSession own;
  own.encode(bad, load_shipped_flowar(), kModel, kVae);
  ASSERT_TRUE(settle(own));
  EXPECT_FALSE(own.encoded());
  EXPECT_NE(own.error().find("flowar_own_image_bad.png"), std::string::npos) << own.error();
  own.regenerate(1, {});  // nothing encoded: ignored
  EXPECT_FALSE(own.regenerating());

  own.encode(write_test_image(), nullptr, "", kVae);
  ASSERT_TRUE(settle(own));
  EXPECT_NE(own.error().find("no model"), std::string::npos) << own.error();

  // A bad attention variant fails the regeneration, not the process.
  own.encode(write_test_image(), load_shipped_flowar(), kModel, kVae);
  ASSERT_TRUE(settle(own));
  FlowArParams params;
  params.variant = "no-such-variant";
  own.regenerate(1, params);
  ASSERT_TRUE(settle(own));
  EXPECT_FALSE(own.regenerate_error().empty());
}
