// The hostile corpora through the real binary, as a user would meet them, under an
// address-space limit (prlimit --as=4 GiB) and a timeout: each file is refused with exit
// code 2 and one line under 300 bytes naming the file, and nothing is written. The
// committed corpora are folders of files; the generated one (tools/make_hostile_inputs.py)
// brings its own command lines and verdicts in cases.tsv.
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/cli_runner.h"

namespace {

std::vector<std::string> files_ending(const std::string& dir, const std::string& suffix) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      const std::string name = e->d_name;
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
        names.push_back(dir + "/" + name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The command's stderr and exit code, run under a 4 GiB address-space limit. A hang is
// killed after a minute and reads as exit code 137; a crash as 128 + its signal.
vs::test::CliRun run_limited(const std::string& arguments) {
  return vs::test::run_shell("timeout -s KILL 60 prlimit --as=4294967296 " + std::string(VARSCOPE_CLI) + " " +
                             arguments + " 2>&1 >/dev/null");
}

void expect_refused(const std::string& file, const std::string& arguments, const std::string& out) {
  const vs::test::CliRun run = run_limited(arguments);
  const std::string name = std::filesystem::path(file).filename();
  EXPECT_EQ(run.exit_code, 2) << name << ": " << run.output;
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << name << ": " << run.output;
  EXPECT_LT(run.output.size(), 300u) << name << ": " << run.output;
  EXPECT_NE(run.output.find(name), std::string::npos) << name << ": " << run.output;
  EXPECT_FALSE(std::filesystem::exists(out)) << name;
}

TEST(CliHostileCorpus, EverySafetensorsFileIsRefusedAsQkv) {
  const std::string dir = vs::test::fresh_test_dir("cli_hostile_corpus_st"), out = dir + "/o.safetensors";
  const auto files = files_ending(std::string(VARSCOPE_SOURCE_DIR) + "/tests/data/hostile_safetensors", ".safetensors");
  ASSERT_GE(files.size(), 60u);
  for (const std::string& file : files) expect_refused(file, "attention --qkv " + file + " --out " + out, out);
}

TEST(CliHostileCorpus, EveryHostilePthIsRefusedAsAModel) {
  const std::string dir = vs::test::fresh_test_dir("cli_hostile_corpus_pth"), out = dir + "/x.png";
  const std::string vae = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d3_saln_nol2/vae.safetensors";
  const auto files = files_ending(std::string(VARSCOPE_SOURCE_DIR) + "/tests/data/hostile_pickle", ".pth");
  ASSERT_GE(files.size(), 50u);
  for (const std::string& file : files)
    expect_refused(file, "generate --var " + file + " --vae " + vae + " --class 1 --seed 1 --out " + out, out);
}

struct GeneratedCase {
  std::string name, needle, must_not_exist, arguments;
  int exit_code = 0;
};

// Runs tools/make_hostile_inputs.py into `dir` and reads back its cases.tsv.
std::vector<GeneratedCase> generate_cases(const std::string& dir) {
  const std::string source = VARSCOPE_SOURCE_DIR;
  const vs::test::CliRun made = vs::test::run_shell(std::string(VARSCOPE_PYTHON) + " " + source +
                                                    "/tools/make_hostile_inputs.py " + dir + " " + source +
                                                    "/assets/models 2>&1");
  EXPECT_EQ(made.exit_code, 0) << made.output;
  std::vector<GeneratedCase> cases;
  std::ifstream manifest(dir + "/cases.tsv");
  for (std::string line; std::getline(manifest, line);) {
    std::istringstream fields(line);
    GeneratedCase c;
    std::string exit_code;
    std::getline(fields, c.name, '\t');
    std::getline(fields, exit_code, '\t');
    std::getline(fields, c.needle, '\t');
    std::getline(fields, c.must_not_exist, '\t');
    std::getline(fields, c.arguments);
    c.exit_code = std::stoi(exit_code);
    cases.push_back(c);
  }
  return cases;
}

TEST(CliHostileCorpus, EveryGeneratedCaseGetsItsVerdict) {
  const std::string dir = vs::test::fresh_test_dir("cli_hostile_corpus_generated");
  const std::vector<GeneratedCase> cases = generate_cases(dir);
  ASSERT_GE(cases.size(), 100u);
  int controls = 0;
  for (const GeneratedCase& c : cases) {
    const vs::test::CliRun run = run_limited(c.arguments);
    EXPECT_EQ(run.exit_code, c.exit_code) << c.name << ": " << run.output;
    if (c.exit_code == 0) {
      ++controls;
      continue;
    }
    EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << c.name << ": " << run.output;
    EXPECT_LT(run.output.size(), 300u) << c.name << ": " << run.output;
    EXPECT_NE(run.output.find(c.needle), std::string::npos) << c.name << ": " << run.output;
    if (c.must_not_exist != "-") {
      EXPECT_FALSE(std::filesystem::exists(c.must_not_exist)) << c.name;
    }
  }
  EXPECT_GE(controls, 2);  // the command lines themselves work on sound inputs
}

}  // namespace
