// varscope-cli eval end to end on the shipped Fashion-MNIST VAR and classifier: a small
// run prints the accuracy table and both Fréchet distances and writes its JSON; bad
// arguments are exit 2 and one line. Skipped when the dataset is not installed.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>

#include "tests/cli/cli_runner.h"

namespace {

using vs::test::CliRun;
using vs::test::run_cli;

bool dataset_installed() {
  const char* env = std::getenv("FMNIST_DIR");
  const std::string dir = env && *env ? env : "/usr/share/datasets/fashion-mnist";
  struct stat st {};
  return ::stat((dir + "/t10k-images-idx3-ubyte.gz").c_str(), &st) == 0 ||
         ::stat((dir + "/t10k-images-idx3-ubyte").c_str(), &st) == 0;
}

int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

const std::string kModels = std::string(" --classifier ") + VARSCOPE_SOURCE_DIR +
                            "/assets/models/fmnist-classifier.safetensors";

TEST(CliEval, SmallRunPrintsTableAndJson) {
  if (!dataset_installed()) GTEST_SKIP() << "Fashion-MNIST not installed (dataset-fashion-mnist)";
  const std::string dir = std::string(VARSCOPE_BINARY_DIR) + "/tests/cli_eval";
  std::filesystem::create_directories(dir);
  const std::string json = dir + "/eval.json";
  std::remove(json.c_str());
  const CliRun run = run_cli("eval --model " + std::string(VARSCOPE_SOURCE_DIR) +
                                 "/assets/models/fmnist-var.safetensors --samples-per-class 2 --seed 3 --json " + json +
                                 kModels,
                             vs::test::Capture::kStdout);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* expected : {"Ankle boot", "overall", "generated", "real train", "Frechet", "test accuracy"})
    EXPECT_NE(run.output.find(expected), std::string::npos) << expected << " missing in:\n" << run.output;
  std::ifstream in(json);
  const std::string text((std::istreambuf_iterator<char>(in)), {});
  for (const char* key : {"\"samples_per_class\":2", "\"seed\":3", "\"frechet\":", "\"per_class\":", "\"real_train\":"})
    EXPECT_NE(text.find(key), std::string::npos) << key << " missing in " << text;
}

TEST(CliEval, BadArgumentsAreOneLineExitTwo) {
  for (const std::string& args : std::initializer_list<std::string>{
           "eval --model no-such-model", "eval --model fmnist-var --samples-per-class 1000000",
        "eval --model fmnist-var --samples-per-class 0", "eval --model fmnist-var --data-dir /nonexistent" + kModels,
        "eval"}) {
    const CliRun run = run_cli(args);
    EXPECT_EQ(run.exit_code, 2) << args << ": " << run.output;
    EXPECT_EQ(count_lines(run.output), 1) << args << ": " << run.output;
  }
  const CliRun missing = run_cli("eval --model fmnist-var --data-dir /nonexistent" + kModels);
  EXPECT_NE(missing.output.find("dataset-fashion-mnist"), std::string::npos) << missing.output;
}

}  // namespace
