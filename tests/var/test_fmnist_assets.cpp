// The shipped Fashion-MNIST models (assets/models/fmnist-var*.safetensors, trained by
// tools/train) load through the ordinary loaders and generate one image per class.
// Set VARSCOPE_FMNIST_PNG_DIR to also write the images as PNG files for inspection.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/io/checkpoint.h"
#include "core/io/image_io.h"
#include "core/io/safetensors.h"
#include "core/var/sampler.h"
#include "core/var/var_transformer.h"
#include "core/var/vqvae.h"

namespace {

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";

TEST(FmnistAssets, MetadataNamesDatasetClassesAndSchedule) {
  const auto file = vs::io::SafetensorsFile::open(kModels + "fmnist-var.safetensors");
  const auto& meta = file.metadata();
  ASSERT_TRUE(meta.count("patch_nums"));
  EXPECT_EQ(meta.at("patch_nums"), "1,2,3,4,5,6,8");
  ASSERT_TRUE(meta.count("class_names"));
  EXPECT_NE(meta.at("class_names").find("Ankle boot"), std::string::npos);
  ASSERT_TRUE(meta.count("dataset"));
  EXPECT_NE(meta.at("dataset").find("Fashion-MNIST"), std::string::npos);
  EXPECT_TRUE(meta.count("steps") && meta.count("seed"));
}

TEST(FmnistAssets, GeneratesOneImagePerClass) {
  const auto model =
      vs::var::VarTransformer::from_checkpoint(vs::io::load_checkpoint(kModels + "fmnist-var.safetensors"));
  const auto vae =
      vs::var::Vqvae::load(vs::io::load_checkpoint(kModels + "fmnist-var-vae.safetensors"), model.config().patch_nums);
  ASSERT_EQ(model.config().num_classes, 10);
  std::vector<int64_t> labels;
  for (int c = 0; c < 10; ++c) labels.push_back(c);
  vs::var::SamplingOptions opt;
  opt.cfg = 3.0;
  opt.top_k = 0;
  opt.top_p = 0.95;
  opt.seed = 1;
  const auto out = vs::var::autoregressive_infer_cfg(model, vae, labels, opt);
  ASSERT_EQ(out.image01.shape, (vs::Shape{10, 3, 32, 32}));
  for (float v : out.image01.data) {
    ASSERT_TRUE(std::isfinite(v));
    ASSERT_GE(v, 0.0f);
    ASSERT_LE(v, 1.0f);
  }
  // Not a constant image: the model draws something.
  double mean = 0, var = 0;
  for (float v : out.image01.data) mean += v;
  mean /= double(out.image01.numel());
  for (float v : out.image01.data) var += (v - mean) * (v - mean);
  EXPECT_GT(var / double(out.image01.numel()), 1e-3);
  // Same seed, same image: image b draws from Rng(seed, b), so a batch of one class-0
  // image repeats the first image of the batch.
  const auto again = vs::var::autoregressive_infer_cfg(model, vae, {0}, opt);
  const int64_t per_image = 3 * 32 * 32;
  EXPECT_TRUE(std::equal(again.image01.data.begin(), again.image01.data.end(), out.image01.data.begin()));
  ASSERT_EQ(again.image01.numel(), per_image);
  if (const char* dir = std::getenv("VARSCOPE_FMNIST_PNG_DIR")) {
    // One strip, class 0..9 left to right, each pixel shown 4x4 for inspection.
    const int s = 4, side = 32, W = 10 * side * s, H = side * s;
    std::vector<uint8_t> rgb(size_t(W) * H * 3);
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x)
        for (int ch = 0; ch < 3; ++ch) {
          const int b = x / (side * s), px = (x % (side * s)) / s, py = y / s;
          const float v = out.image01.data[size_t(b) * per_image + size_t(ch) * side * side + size_t(py) * side + px];
          rgb[(size_t(y) * W + x) * 3 + ch] = static_cast<uint8_t>(v * 255.0f);
        }
    vs::io::write_png_rgb8(std::string(dir) + "/fmnist_classes_seed" + std::to_string(opt.seed) + ".png", W, H, rgb);
  }
}

}  // namespace
