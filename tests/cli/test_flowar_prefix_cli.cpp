// FlowAR prefix generation from the command line, on the shipped fmnist-flowar: `encode
// --model fmnist-flowar` writes the image's latent pyramid (the same as core's
// encode_pyramid) and each scale's picture; `generate --prefix T --keep-scales k` keeps
// those scales and writes the same image as core's sampler given that prefix; misuse is a
// one-line error with exit code 2.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cli_runner.h"
#include "core/flowar/flowar_model.h"
#include "core/flowar/flowar_sampler.h"
#include "core/flowar/kl_vae.h"
#include "core/flowar/latent_pyramid.h"
#include "core/io/checkpoint.h"
#include "core/io/image_io.h"

namespace {

using vs::test::run_cli;

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";

std::string write_picture(const std::string& dir) {
  const std::string path = dir + "/picture.png";
  const int w = 40, h = 36;
  std::vector<uint8_t> rgb(size_t(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const bool shoe = y > 20 && x > 4 && x < 36;
      rgb[(size_t(y) * w + x) * 3] = rgb[(size_t(y) * w + x) * 3 + 1] = rgb[(size_t(y) * w + x) * 3 + 2] =
          shoe ? uint8_t(180 + x) : 5;
    }
  vs::io::write_png_rgb8(path, w, h, rgb);
  return path;
}

TEST(CliFlowArPrefix, EncodeThenGenerateFromTheImagesFirstScales) {
  const std::string dir = vs::test::fresh_test_dir("flowar_prefix_cli");
  const std::string picture = write_picture(dir), tokens = dir + "/t.safetensors";
  const auto encode = run_cli("encode --model fmnist-flowar --image " + picture + " --out " + tokens +
                              " --scales-dir " + dir + "/recon");
  ASSERT_EQ(encode.exit_code, 0) << encode.output;

  const vs::flowar::FlowArModel model = vs::flowar::FlowArModel::load(kModels + "fmnist-flowar.safetensors");
  const vs::flowar::KlVae vae = vs::flowar::KlVae::load(kModels + "fmnist-flowar-vae.safetensors");
  const vs::Tensor image = vs::io::read_image_square(picture, 32);
  const std::vector<vs::Tensor> pyramid = vs::flowar::encode_pyramid(vae, image, model.config.scales);
  const vs::io::Checkpoint file = vs::io::load_checkpoint(tokens);
  for (size_t k = 0; k < pyramid.size(); ++k) {
    const vs::Tensor& t = file.get("tokens_s" + std::to_string(k));
    EXPECT_EQ(t.shape, pyramid[k].shape) << k;
    EXPECT_EQ(t.data, pyramid[k].data) << k;
    EXPECT_FALSE(vs::test::read_bytes(dir + "/recon/scale_" + std::to_string(k) + ".png").empty()) << k;
  }

  const std::string out = dir + "/from_prefix.png";
  const auto generate = run_cli("generate --model fmnist-flowar --class 9 --seed 5 --steps 6 --prefix " + tokens +
                                " --keep-scales 2 --out " + out);
  ASSERT_EQ(generate.exit_code, 0) << generate.output;
  vs::flowar::FlowArSamplingOptions options;
  options.num_steps = 6, options.seed = 5;
  options.prefix = pyramid, options.keep_scales = 2;
  const vs::flowar::FlowArSampleResult expected = vs::flowar::sample_flowar(model, {9}, options, {}, &vae);
  const std::string expected_png = dir + "/expected.png";
  vs::io::write_png(expected_png, vs::flowar::images_to_unit_range(expected.image), 0);
  EXPECT_EQ(vs::test::read_bytes(out), vs::test::read_bytes(expected_png));
  // Without the prefix the same seed draws another image.
  const std::string plain = dir + "/plain.png";
  ASSERT_EQ(run_cli("generate --model fmnist-flowar --class 9 --seed 5 --steps 6 --out " + plain).exit_code, 0);
  EXPECT_NE(vs::test::read_bytes(out), vs::test::read_bytes(plain));
}

TEST(CliFlowArPrefix, MisuseIsAOneLineError) {
  const std::string dir = vs::test::fresh_test_dir("flowar_prefix_cli_errors");
  const std::string tokens = dir + "/t.safetensors";
  ASSERT_EQ(run_cli("encode --model fmnist-flowar --image " + write_picture(dir) + " --out " + tokens).exit_code, 0);
  const std::string base = "generate --model fmnist-flowar --class 1 --out " + dir + "/x.png ";
  for (const std::string& flags : std::vector<std::string>{"--prefix " + tokens, "--keep-scales 1",
                                   "--prefix " + tokens + " --keep-scales 4",
                                   "--prefix " + kModels + "fmnist-var.safetensors --keep-scales 1",
                                   "--prefix " + dir + "/missing.safetensors --keep-scales 1"}) {
    const auto run = run_cli(base + flags, vs::test::Capture::kStderr);
    EXPECT_EQ(run.exit_code, 2) << flags << ": " << run.output;
    EXPECT_EQ(run.output.find('\n'), run.output.size() - 1) << flags << ": " << run.output;
  }
  // A VAR model's token file flags stay VAR's.
  const auto top_k = run_cli(base + "--top-k 5", vs::test::Capture::kStderr);
  EXPECT_EQ(top_k.exit_code, 2);
  EXPECT_NE(top_k.output.find("--top-k"), std::string::npos) << top_k.output;
}

}  // namespace
