// End to end with the real varscope-cli binary on the d3_saln_nol2 fixture (shared/
// fixtures/var): replay reproduces the reference's teacher-forced and sampled tensors,
// generate is deterministic and writes PNGs of the model's size, encode feeds generate
// --prefix, inspect writes norms.csv and heat maps, and bad inputs give exit 2 and one line.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "core/io/image_io.h"
#include "core/io/safetensors.h"

#include "tests/cli/cli_runner.h"

namespace {

namespace fs = std::filesystem;
using vs::Tensor;

using vs::test::Capture;
using vs::test::CliRun;
using vs::test::run_cli;

const std::string kFixture = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d3_saln_nol2/";
const std::string kModel = "--var " + kFixture + "var.safetensors --vae " + kFixture + "vae.safetensors";

using vs::test::read_bytes;

std::string temp_path(const std::string& name) { return vs::test::test_file("cli_var", name); }

double max_abs_diff(const Tensor& a, const Tensor& b) {
  EXPECT_EQ(a.shape, b.shape) << a.shape_str() << " vs " << b.shape_str();
  double m = 0;
  for (int64_t i = 0; i < std::min(a.numel(), b.numel()); ++i) m = std::max(m, double(std::fabs(a.data[i] - b.data[i])));
  return m;
}

// Rows [row_begin, row_begin + n) of a (B, L, V) tensor's batch row 0.
Tensor token_rows(const Tensor& t, int64_t row_begin, int64_t n) {
  const int64_t V = t.dim(2);
  Tensor out({1, n, V});
  std::copy(t.ptr() + row_begin * V, t.ptr() + (row_begin + n) * V, out.ptr());
  return out;
}

const int64_t kBegins[5] = {0, 1, 5, 21, 57}, kSides[5] = {1, 2, 4, 6, 8};

TEST(CliVar, ReplayOfTeacherIdsMatchesTeacherForcedReference) {
  const auto expected = vs::io::SafetensorsFile::open(kFixture + "expected.safetensors");
  vs::io::SafetensorsWriter tokens;
  tokens.add_int64("labels", {1}, expected.read_int64("teacher/labels"));
  tokens.add_int64("ids", {1, 121}, expected.read_int64("teacher/ids_all"));
  const std::string in = temp_path("teacher_tokens.safetensors"), out = temp_path("teacher_replay.safetensors");
  tokens.write(in);
  std::remove(out.c_str());
  const CliRun run = run_cli("replay " + kModel + " --tokens " + in + " --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto got = vs::io::SafetensorsFile::open(out);
  // The KV-cache path equals the block-causal teacher-forced pass (issue 3, "Proof").
  EXPECT_LT(max_abs_diff(got.read_float("logits"), expected.read_float("teacher/logits")), 1e-4);
  EXPECT_LT(max_abs_diff(got.read_float("logits_uncond"), expected.read_float("teacher/logits_uncond")), 1e-4);
  for (int k = 0; k < 5; ++k)
    EXPECT_LT(max_abs_diff(got.read_float("fhat_s" + std::to_string(k)),
                           expected.read_float("teacher/fhat_s" + std::to_string(k))), 1e-4) << "scale " << k;
  EXPECT_LT(max_abs_diff(got.read_float("img"), expected.read_float("teacher/img")), 1e-4);
}

TEST(CliVar, ReplayOfSampledIdsMatchesReferenceSampling) {
  const auto expected = vs::io::SafetensorsFile::open(kFixture + "expected.safetensors");
  std::vector<int64_t> ids;
  for (int k = 0; k < 5; ++k) {
    const auto s = expected.read_int64("sample/ids_s" + std::to_string(k));
    ids.insert(ids.end(), s.begin(), s.end());
  }
  vs::io::SafetensorsWriter tokens;
  tokens.add_int64("labels", {1}, expected.read_int64("sample/labels"));
  tokens.add_int64("ids", {1, 121}, ids);
  const std::string in = temp_path("sample_tokens.safetensors"), out = temp_path("sample_replay.safetensors");
  tokens.write(in);
  const CliRun run = run_cli("replay " + kModel + " --tokens " + in + " --out " + out);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const auto got = vs::io::SafetensorsFile::open(out);
  const Tensor logits = got.read_float("logits"), uncond = got.read_float("logits_uncond");
  for (int k = 0; k < 5; ++k) {
    const Tensor raw = expected.read_float("sample/raw_logits_s" + std::to_string(k));  // (2, n, V)
    const int64_t n = kSides[k] * kSides[k], V = raw.dim(2);
    Tensor cond({1, n, V}), unc({1, n, V});
    std::copy(raw.ptr(), raw.ptr() + n * V, cond.ptr());
    std::copy(raw.ptr() + n * V, raw.ptr() + 2 * n * V, unc.ptr());
    EXPECT_LT(max_abs_diff(token_rows(logits, kBegins[k], n), cond), 1e-4) << "scale " << k;
    EXPECT_LT(max_abs_diff(token_rows(uncond, kBegins[k], n), unc), 1e-4) << "scale " << k;
    EXPECT_LT(max_abs_diff(got.read_float("fhat_s" + std::to_string(k)),
                           expected.read_float("sample/fhat_s" + std::to_string(k))), 1e-4) << "scale " << k;
  }
  Tensor img01 = got.read_float("img");
  for (float& x : img01.data) x = (x + 1.0f) / 2.0f;
  EXPECT_LT(max_abs_diff(img01, expected.read_float("sample/img01")), 1e-4);
}

TEST(CliVar, GenerateIsDeterministicAndWritesImagesOfTheModelSize) {
  const std::string dir1 = temp_path("gen1"), dir2 = temp_path("gen2"), scales = temp_path("gen_scales");
  fs::remove_all(dir1);
  fs::remove_all(dir2);
  fs::remove_all(scales);
  const std::string common = "generate " + kModel + " --class 5 --seed 11 --cfg 2 --top-k 50 --top-p 0.9 --count 2";
  const CliRun a = run_cli(common + " --out-dir " + dir1 + " --scales-dir " + scales);
  ASSERT_EQ(a.exit_code, 0) << a.output;
  EXPECT_NE(a.output.find("scale 5/5"), std::string::npos) << a.output;  // progress lines
  const CliRun b = run_cli(common + " --out-dir " + dir2);
  ASSERT_EQ(b.exit_code, 0) << b.output;
  for (int i = 0; i < 2; ++i) {
    const std::string name = "5_" + std::to_string(i) + ".png";
    const Tensor image = vs::io::read_image(dir1 + "/" + name);
    EXPECT_EQ(image.shape, (vs::Shape{1, 3, 128, 128}));
    EXPECT_EQ(read_bytes(dir1 + "/" + name), read_bytes(dir2 + "/" + name)) << name;
    for (int k = 0; k < 5; ++k)
      EXPECT_TRUE(fs::exists(scales + "/5_" + std::to_string(i) + "_scale_" + std::to_string(k) + ".png"));
  }
  EXPECT_NE(read_bytes(dir1 + "/5_0.png"), read_bytes(dir1 + "/5_1.png"));  // own streams
}

TEST(CliVar, EncodeThenGenerateFromPrefix) {
  const std::string dir = temp_path("prefix");
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string source = dir + "/source.png";
  ASSERT_EQ(run_cli("generate " + kModel + " --class 3 --seed 2 --out " + source).exit_code, 0);
  const std::string tokens = dir + "/tokens.safetensors";
  const CliRun enc = run_cli("encode --vae " + kFixture + "vae.safetensors --image " + source + " --out " + tokens +
                             " --scales-dir " + dir + "/enc_scales");
  ASSERT_EQ(enc.exit_code, 0) << enc.output;
  const auto file = vs::io::SafetensorsFile::open(tokens);
  EXPECT_EQ(file.info("ids").shape, (vs::Shape{1, 121}));
  EXPECT_TRUE(fs::exists(dir + "/enc_scales/scale_4.png"));
  // The model flags encode with the model's tokenizer: the same ids.
  const std::string by_model = dir + "/by_model.safetensors";
  const CliRun enc_model = run_cli("encode " + kModel + " --image " + source + " --out " + by_model);
  ASSERT_EQ(enc_model.exit_code, 0) << enc_model.output;
  EXPECT_EQ(vs::io::SafetensorsFile::open(by_model).read_int64("ids"), file.read_int64("ids"));

  // Keeping every scale re-renders the encoded ids: the image is encode's last reconstruction.
  const CliRun all = run_cli("generate " + kModel + " --class 3 --seed 9 --prefix " + tokens +
                             " --keep-scales 5 --out " + dir + "/all.png");
  ASSERT_EQ(all.exit_code, 0) << all.output;
  const Tensor rerender = vs::io::read_image(dir + "/all.png");
  Tensor recon = file.read_float("recon_s4");
  for (float& x : recon.data) x = static_cast<uint8_t>(std::clamp(x, 0.0f, 1.0f) * 255.0f) / 127.5f - 1.0f;
  EXPECT_LE(max_abs_diff(rerender, recon), 2.0 / 127.5 + 1e-6);

  const CliRun some = run_cli("generate " + kModel + " --class 3 --seed 9 --prefix " + tokens +
                              " --keep-scales 2 --out " + dir + "/some.png");
  ASSERT_EQ(some.exit_code, 0) << some.output;
  EXPECT_EQ(vs::io::read_image(dir + "/some.png").shape, (vs::Shape{1, 3, 128, 128}));
}

TEST(CliVar, InspectWritesNormsAndHeatMaps) {
  const std::string dir = temp_path("inspect");
  fs::remove_all(dir);
  const CliRun run = run_cli("inspect " + kModel + " --class 5 --seed 1 --out-dir " + dir + " --step 3 --layer 2");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  std::ifstream csv(dir + "/norms.csv");
  std::string header, line;
  std::getline(csv, header);
  EXPECT_EQ(header,
            "module,scale,euler_step,block,attention,head,tokens,max_abs_q,max_abs_k,beta,b_eff,threshold,ratio,zone,"
            "degree_for_eps,rank");
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    std::stringstream fields(line);
    std::string module, scale, euler_step, block, attention, head, tokens;
    for (std::string* field : {&module, &scale, &euler_step, &block, &attention, &head, &tokens})
      std::getline(fields, *field, ',');
    EXPECT_EQ(module, "var") << line;
    EXPECT_EQ(euler_step, "") << line;  // no flow, no Euler steps
    EXPECT_EQ(attention, "self") << line;
    // Keys seen at scale s are the cumulative tokens up to s: 1, 5, 21, 57, 121.
    const int s = std::stoi(scale);
    ASSERT_TRUE(s >= 0 && s < 5) << line;
    EXPECT_EQ(std::stoll(tokens), s == 4 ? 121 : kBegins[s + 1]) << line;
  }
  EXPECT_EQ(rows, 5 * 3 * 3);  // scales × blocks × heads of the conditional row
  for (int h = 0; h < 3; ++h) {
    const Tensor map = vs::io::read_image(dir + "/var_attn_s3_l2_h" + std::to_string(h) + ".png");
    EXPECT_EQ(map.dim(2) * 57, map.dim(3) * 36);  // 36 queries × 57 keys, same cell size
  }
  EXPECT_TRUE(fs::exists(dir + "/image.png"));
}

// bench generate on a checkpoint: the transformer's own part timings, the decode with its
// FLOP estimate (var.md §7), peak memory, and the JSON keys the README's table comes from.
TEST(CliVar, BenchGenerateTimesEveryPart) {
  const std::string json = temp_path("bench.json");
  std::remove(json.c_str());
  const CliRun run = run_cli("bench generate " + kModel + " --class 1 --json " + json);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  for (const char* line : {"VAR transformer", "sampler other", "GFLOP/s", "VAE decode (128 px)", "peak RSS",
                           "image finite: yes"})
    EXPECT_NE(run.output.find(line), std::string::npos) << line << "\n" << run.output;
  const std::string text = read_bytes(json);
  for (const char* key : {"\"var_ms\":", "\"var_scale_ms\":[", "\"decode_ms\":", "\"total_ms\":", "\"gflops_per_s\":",
                          "\"peak_rss_mib\":", "\"random_weights\":false"})
    EXPECT_NE(text.find(key), std::string::npos) << key << "\n" << text;
}

void expect_one_line_error(const CliRun& run, const std::string& needle) {
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 1) << run.output;
  EXPECT_NE(run.output.find(needle), std::string::npos) << run.output;
}

TEST(CliVar, BadInputsExitTwoWithOneLine) {
  const std::string out = temp_path("bad.png");
  expect_one_line_error(run_cli("generate --var " + temp_path("nope.safetensors") + " --vae " + kFixture +
                                    "vae.safetensors --class 1 --seed 1 --out " + out, Capture::kStderr),
                        "nope.safetensors");
  expect_one_line_error(run_cli("generate " + kModel + " --class 1000 --seed 1 --out " + out, Capture::kStderr), "--class 1000");
  const std::string corrupt = temp_path("corrupt.safetensors");
  {
    std::ofstream f(corrupt, std::ios::binary);
    const std::string bytes("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\": broken json", 25);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  expect_one_line_error(run_cli("generate --var " + corrupt + " --vae " + kFixture +
                                    "vae.safetensors --class 1 --seed 1 --out " + out, Capture::kStderr),
                        "corrupt.safetensors");
  // The VAE given as the VAR.
  expect_one_line_error(run_cli("generate --var " + kFixture + "vae.safetensors --vae " + kFixture +
                                    "vae.safetensors --class 1 --seed 1 --out " + out, Capture::kStderr),
                        "vae.safetensors");
  std::vector<int64_t> ids(121, 3);
  ids[50] = 512;  // V = 512
  vs::io::SafetensorsWriter tokens;
  tokens.add_int64("labels", {1}, {5});
  tokens.add_int64("ids", {1, 121}, ids);
  const std::string bad_tokens = temp_path("bad_tokens.safetensors");
  tokens.write(bad_tokens);
  expect_one_line_error(run_cli("replay " + kModel + " --tokens " + bad_tokens + " --out " + temp_path("x.safetensors"), Capture::kStderr),
                        "512");
  vs::io::SafetensorsWriter short_tokens;
  short_tokens.add_int64("labels", {1}, {5});
  short_tokens.add_int64("ids", {1, 120}, std::vector<int64_t>(120, 0));
  short_tokens.write(bad_tokens);
  expect_one_line_error(run_cli("replay " + kModel + " --tokens " + bad_tokens + " --out " + temp_path("x.safetensors"), Capture::kStderr),
                        "121");
  expect_one_line_error(run_cli("generate " + kModel + " --class 1 --seed 1 --out " + out + " --bogus 3", Capture::kStderr), "--bogus");
  expect_one_line_error(run_cli("bench generate " + kModel + " --depth 3", Capture::kStderr), "--depth is for random weights");
  // The flownet's flags on a model without one.
  expect_one_line_error(run_cli("inspect " + kModel + " --class 1 --seed 1 --out-dir " + temp_path("bad_inspect") +
                                    " --euler-step 1", Capture::kStderr),
                        "--euler-step is a flownet option");
}

// --model with a shipped name: no other flag needed (assets/models/fmnist-var*.safetensors).
TEST(CliVar, GenerateWithShippedModelName) {
  const std::string one = temp_path("fmnist_one.png"), dir = temp_path("fmnist_dir");
  std::remove(one.c_str());
  fs::remove_all(dir);
  const CliRun a = run_cli("generate --model fmnist-var --class 7 --seed 1 --out " + one);
  ASSERT_EQ(a.exit_code, 0) << a.output;
  const Tensor image = vs::io::read_image(one);
  EXPECT_EQ(image.dim(0), 1);
  EXPECT_EQ(image.dim(2), image.dim(3));
  const CliRun b = run_cli("generate --model fmnist-var --class 7 --seed 1 --count 3 --out-dir " + dir);
  ASSERT_EQ(b.exit_code, 0) << b.output;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(fs::exists(dir + "/7_" + std::to_string(i) + ".png")) << i;
  // A name that is not shipped lists the shipped ones.
  const CliRun c = run_cli("generate --model no-such-model --class 7 --seed 1 --out " + one, Capture::kStderr);
  EXPECT_EQ(c.exit_code, 2) << c.output;
  EXPECT_NE(c.output.find("fmnist-var"), std::string::npos) << c.output;
}

// --var without --vae takes the tokenizer found beside the checkpoint.
TEST(CliVar, VarPathFindsTheTokenizerBesideIt) {
  const std::string dir = temp_path("var_beside");
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy_file(kFixture + "var.safetensors", dir + "/small.safetensors");
  fs::copy_file(kFixture + "vae.safetensors", dir + "/small-vae.safetensors");
  const CliRun a = run_cli("generate --var " + dir + "/small.safetensors --class 2 --seed 3 --out " + dir + "/a.png");
  ASSERT_EQ(a.exit_code, 0) << a.output;
  const CliRun b = run_cli("generate " + kModel + " --class 2 --seed 3 --out " + dir + "/b.png");
  ASSERT_EQ(b.exit_code, 0) << b.output;
  EXPECT_EQ(read_bytes(dir + "/a.png"), read_bytes(dir + "/b.png"));
}

}  // namespace
