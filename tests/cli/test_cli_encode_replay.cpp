// encode --class writes a token file that replay accepts as is: re-rendering a user's
// image's tokens through the transformer gives encode's own last reconstruction.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/io/safetensors.h"
#include "tests/cli/cli_runner.h"

namespace {

using vs::test::run_cli;

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d3_saln_nol2/";
const std::string kModel = "--var " + kFixture + "var.safetensors --vae " + kFixture + "vae.safetensors";

TEST(CliEncodeReplay, EncodedTokensReplayToTheReconstruction) {
  const std::string dir = vs::test::fresh_test_dir("cli_encode_replay");
  const std::string source = dir + "/source.png";
  ASSERT_EQ(run_cli("generate " + kModel + " --class 5 --seed 4 --out " + source).exit_code, 0);
  const std::string tokens = dir + "/tokens.safetensors";
  const auto enc = run_cli("encode --vae " + kFixture + "vae.safetensors --image " + source + " --class 5 --out " + tokens);
  ASSERT_EQ(enc.exit_code, 0) << enc.output;
  const auto token_file = vs::io::SafetensorsFile::open(tokens);
  EXPECT_EQ(token_file.read_int64("labels"), (std::vector<int64_t>{5}));

  const std::string out = dir + "/replay.safetensors";
  const auto rep = run_cli("replay " + kModel + " --tokens " + tokens + " --out " + out);
  ASSERT_EQ(rep.exit_code, 0) << rep.output;
  const auto replayed = vs::io::SafetensorsFile::open(out);
  const vs::Tensor img = replayed.read_float("img");            // [-1, 1]
  const vs::Tensor recon = token_file.read_float("recon_s4");   // [0, 1]
  ASSERT_EQ(img.shape, recon.shape);
  double worst = 0;
  for (int64_t i = 0; i < img.numel(); ++i)
    worst = std::max(worst, std::fabs((img.data[i] + 1.0) * 0.5 - std::clamp(recon.data[i], 0.0f, 1.0f)));
  EXPECT_LT(worst, 1e-4);
}

TEST(CliEncodeReplay, WithoutClassReplayAsksForLabels) {
  const std::string dir = vs::test::fresh_test_dir("cli_encode_replay_nolabel");
  const std::string source = dir + "/source.png";
  ASSERT_EQ(run_cli("generate " + kModel + " --class 1 --seed 4 --out " + source).exit_code, 0);
  const std::string tokens = dir + "/tokens.safetensors";
  ASSERT_EQ(run_cli("encode --vae " + kFixture + "vae.safetensors --image " + source + " --out " + tokens).exit_code, 0);
  const auto rep = run_cli("replay " + kModel + " --tokens " + tokens + " --out " + dir + "/r.safetensors");
  EXPECT_EQ(rep.exit_code, 2);
  EXPECT_NE(rep.output.find("labels"), std::string::npos) << rep.output;
}

}  // namespace
