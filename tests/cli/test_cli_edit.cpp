// varscope-cli edit end to end on the shipped models: a box or a painted mask, in- and
// out-painting and class editing, the per-scale pictures, and the refusals.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/io/image_io.h"
#include "tests/cli/cli_runner.h"

namespace {

using vs::test::read_bytes;
using vs::test::run_cli;

// A source picture: a generated ankle boot.
std::string source_picture(const std::string& dir) {
  const std::string path = dir + "/source.png";
  EXPECT_EQ(run_cli("generate --model fmnist-var --class 9 --seed 3 --out " + path).exit_code, 0);
  return path;
}

TEST(CliEdit, KeepingEverythingGivesTheReconstructionAndABoxChangesIt) {
  const std::string dir = vs::test::fresh_test_dir("cli_edit_box");
  const std::string source = source_picture(dir);
  const std::string tokens = dir + "/tokens.safetensors";
  ASSERT_EQ(run_cli("encode --model fmnist-var --image " + source + " --out " + tokens + " --scales-dir " + dir + "/enc")
                .exit_code,
            0);
  // Out-painting with the whole image as the kept box keeps every token: the image's own
  // reconstruction comes back.
  const auto all = run_cli("edit --model fmnist-var --image " + source + " --box 0,0,1,1 --outpaint --seed 2 --out " +
                           dir + "/all.png");
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("keeps every token"), std::string::npos) << all.output;
  EXPECT_EQ(read_bytes(dir + "/all.png"), read_bytes(dir + "/enc/scale_6.png"));

  const auto a = run_cli("edit --model fmnist-var --image " + source + " --box 0,0,0.5,1 --seed 2 --out " + dir +
                         "/a.png --scales-dir " + dir + "/scales");
  ASSERT_EQ(a.exit_code, 0) << a.output;
  EXPECT_NE(a.output.find("in-painting, 32 of 64"), std::string::npos) << a.output;
  const auto b = run_cli("edit --model fmnist-var --image " + source + " --box 0,0,0.5,1 --seed 2 --out " + dir + "/b.png");
  ASSERT_EQ(b.exit_code, 0) << b.output;
  EXPECT_EQ(read_bytes(dir + "/a.png"), read_bytes(dir + "/b.png"));  // same seed, same edit
  EXPECT_NE(read_bytes(dir + "/a.png"), read_bytes(dir + "/all.png"));
  for (const char* name : {"input.png", "kept.png", "scale_0.png", "scale_6.png"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/scales/" + name)) << name;
}

TEST(CliEdit, PaintedMaskClassEditAndFlowAr) {
  const std::string dir = vs::test::fresh_test_dir("cli_edit_mask");
  const std::string source = source_picture(dir);
  vs::Tensor mask({1, 3, 32, 32});  // white top half: generate it
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) mask.data[(c * 32 + y) * 32 + x] = y < 16 ? 1.0f : 0.0f;
  vs::io::write_png(dir + "/mask.png", mask);
  const auto var = run_cli("edit --model fmnist-var --image " + source + " --mask " + dir + "/mask.png --class 7 --count 3 --out-dir " + dir + "/var");
  ASSERT_EQ(var.exit_code, 0) << var.output;
  EXPECT_NE(var.output.find("class 7, 32 of 64"), std::string::npos) << var.output;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(std::filesystem::exists(dir + "/var/edit_" + std::to_string(i) + ".png"));
  EXPECT_NE(read_bytes(dir + "/var/edit_0.png"), read_bytes(dir + "/var/edit_1.png"));
  const auto flow = run_cli("edit --model fmnist-flowar --image " + source + " --mask " + dir + "/mask.png --steps 4 --out " + dir + "/flow.png");
  ASSERT_EQ(flow.exit_code, 0) << flow.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/flow.png"));
}

TEST(CliEdit, Refusals) {
  const std::string dir = vs::test::fresh_test_dir("cli_edit_refusals");
  const std::string source = source_picture(dir);
  const std::string base = "edit --model fmnist-var --image " + source + " --out " + dir + "/x.png ";
  struct Case {
    std::string args, message;
  } cases[] = {
      {"", "give exactly one of --mask"},
      {"--box 0,0,1,1 --mask " + source, "give exactly one of --mask"},
      {"--box 0,0,1", "four numbers"},
      {"--box 0,0,2,1", "0 ≤ y0 < y1 ≤ 1"},
      {"--box 0,0,1,1 --class 10", "outside [0, 10)"},
      {"--box 0,0,1,1 --steps 4", "FlowAR option"},
      {"--mask " + dir + "/missing.png", "missing.png"},
      {"--box 0,0,1,1 --fit stretch", "expected crop"},
  };
  for (const Case& c : cases) {
    const auto run = run_cli(base + c.args);
    EXPECT_EQ(run.exit_code, 2) << c.args;
    EXPECT_NE(run.output.find(c.message), std::string::npos) << c.args << ": " << run.output;
    EXPECT_FALSE(std::filesystem::exists(dir + "/x.png")) << c.args;
  }
}

}  // namespace
