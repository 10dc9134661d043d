// The shipped Fashion-MNIST FlowAR (assets/models/fmnist-flowar*.safetensors, trained by
// tools/train) loads through the ordinary loaders and generates one image per class.
// Set VARSCOPE_FMNIST_PNG_DIR to also write the images as a PNG strip for inspection.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/flowar/flowar_model.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/kl_vae.h"
#include "core/io/image_io.h"
#include "core/io/safetensors.h"

namespace vs::flowar {
namespace {

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";

TEST(FmnistFlowArAssets, MetadataNamesKindDatasetClassesAndScales) {
  const auto model = io::SafetensorsFile::open(kModels + "fmnist-flowar.safetensors");
  const auto& meta = model.metadata();
  ASSERT_TRUE(meta.count("kind") && meta.count("scales") && meta.count("class_names") && meta.count("config"));
  EXPECT_EQ(meta.at("kind"), "flowar");
  EXPECT_NE(meta.at("class_names").find("Ankle boot"), std::string::npos);
  EXPECT_NE(meta.at("dataset").find("Fashion-MNIST"), std::string::npos);
  EXPECT_TRUE(meta.count("steps") && meta.count("seed") && meta.count("train_seconds"));
  const auto vae = io::SafetensorsFile::open(kModels + "fmnist-flowar-vae.safetensors");
  ASSERT_TRUE(vae.metadata().count("kind") && vae.metadata().count("scale_factor"));
  EXPECT_EQ(vae.metadata().at("kind"), "kl_vae");
}

TEST(FmnistFlowArAssets, GeneratesOneImagePerClass) {
  const FlowArModel model = FlowArModel::load(kModels + "fmnist-flowar.safetensors");
  const KlVae vae = KlVae::load(kModels + "fmnist-flowar-vae.safetensors");
  ASSERT_EQ(model.config.num_classes, 10);
  std::vector<int64_t> labels;
  for (int c = 0; c < 10; ++c) labels.push_back(c);
  FlowArSamplingOptions options;
  options.num_steps = 25;
  options.cfg = 3.0;
  options.seed = 1;
  const FlowArSampleResult out = sample_flowar(model, labels, options, {}, &vae);
  ASSERT_EQ(out.image.shape, (Shape{10, 3, 32, 32}));
  const Tensor image01 = images_to_unit_range(out.image);
  for (float v : out.image.data) ASSERT_TRUE(std::isfinite(v));
  // Not constant, per image: the model draws something for every class.
  const int64_t per_image = 3 * 32 * 32;
  for (int b = 0; b < 10; ++b) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < per_image; ++i) mean += image01.data[b * per_image + i];
    mean /= double(per_image);
    for (int64_t i = 0; i < per_image; ++i) var += std::pow(image01.data[b * per_image + i] - mean, 2);
    EXPECT_GT(var / double(per_image), 1e-3) << "class " << b;
  }
  if (const char* dir = std::getenv("VARSCOPE_FMNIST_PNG_DIR")) {
    // One strip, class 0..9 left to right, each pixel shown 4x4.
    const int s = 4, side = 32, W = 10 * side * s, H = side * s;
    std::vector<uint8_t> rgb(size_t(W) * H * 3);
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x)
        for (int ch = 0; ch < 3; ++ch) {
          const int b = x / (side * s), px = (x % (side * s)) / s, py = y / s;
          const float v = image01.data[size_t(b) * per_image + size_t(ch) * side * side + size_t(py) * side + px];
          rgb[(size_t(y) * W + x) * 3 + ch] = static_cast<uint8_t>(std::lround(v * 255.0f));
        }
    io::write_png_rgb8(std::string(dir) + "/fmnist_flowar_classes_seed" + std::to_string(options.seed) + ".png",
                       W, H, rgb);
  }
}

}  // namespace
}  // namespace vs::flowar
