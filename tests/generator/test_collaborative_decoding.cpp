// CoDe's collaborative decoding (`code:drafter=MODEL:switch=N`): a drafter equal to the
// loaded model reproduces the plain run exactly (the method's null test, both families);
// another drafter's first N scales are its own and the loaded model continues from them as
// from a prefix; a drafter of another family or tokenizer is refused before any work.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/accel/accel_spec.h"
#include "core/error.h"
#include "core/io/safetensors.h"
#include "tests/support/shipped_generator.h"
#include "tests/support/test_folder.h"

namespace {

using vs::gen::Generator;
using vs::gen::SamplingRequest;

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models/";

SamplingRequest request_of(const Generator& g, const std::string& accel) {
  SamplingRequest r = g.default_request();
  r.labels = {3, 7};
  r.seed = 11;
  r.accel = accel;
  if (auto* flow = std::get_if<vs::gen::FlowArExtra>(&r.extra)) flow->steps = 6;
  return r;
}

// A copy of fmnist-var with its head's weights scaled (another model of the same
// architecture), and its tokenizer copied beside it under the drafter's name.
// A file's bytes with the float32 values of tensor `name` multiplied by `factor`.
std::vector<char> scaled_copy(const std::string& source, const std::string& name, float factor) {
  std::ifstream in(source, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  uint64_t header = 0;
  std::memcpy(&header, bytes.data(), 8);
  const vs::io::SafetensorsFile file = vs::io::SafetensorsFile::open(source);
  for (const vs::io::TensorInfo& info : file.tensors())
    if (info.name == name)
      for (uint64_t at = 8 + header + info.begin; at < 8 + header + info.end; at += 4) {
        float v;
        std::memcpy(&v, &bytes[at], 4);
        v *= factor;
        std::memcpy(&bytes[at], &v, 4);
      }
  return bytes;
}

std::string perturbed_var_copy(const std::string& dir_name) {
  const std::string dir = vs::test::fresh_test_dir(dir_name);
  const std::string path = dir + "/drafter.safetensors";
  const std::vector<char> bytes = scaled_copy(kModels + "fmnist-var.safetensors", "head.weight", 1.5f);
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
  std::filesystem::copy_file(kModels + "fmnist-var-vae.safetensors", dir + "/drafter-vae.safetensors",
                             std::filesystem::copy_options::overwrite_existing);
  return path;
}

class CoDe : public ::testing::TestWithParam<std::string> {};

TEST_P(CoDe, TheModelAsItsOwnDrafterIsThePlainRun) {
  const Generator& g = vs::test::shipped_generator(GetParam());
  const vs::Tensor plain = g.sample(request_of(g, "none")).image01;
  const int K = g.info().num_scales();
  for (int n : {0, 1, K - 1, K}) {
    const std::string spec = "code:drafter=" + GetParam() + ":switch=" + std::to_string(n);
    EXPECT_EQ(g.sample(request_of(g, spec)).image01.data, plain.data) << spec;
  }
}

TEST_P(CoDe, DrafterOfAnotherFamilyIsRefused) {
  const Generator& g = vs::test::shipped_generator(GetParam());
  const std::string other = GetParam() == "fmnist-var" ? "fmnist-flowar" : "fmnist-var";
  try {
    g.sample(request_of(g, "code:drafter=" + other));
    FAIL() << "a drafter of the other family was accepted";
  } catch (const vs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot draft"), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Shipped, CoDe, ::testing::Values("fmnist-var", "fmnist-flowar"),
                         [](const auto& info) { return info.param == "fmnist-var" ? std::string("Var") : std::string("FlowAr"); });

TEST(CoDeVar, AnotherDrafterDraftsTheFirstScalesAndTheModelRefinesTheRest) {
  const Generator& g = vs::test::shipped_generator("fmnist-var");
  const std::string drafter_path = perturbed_var_copy("code_drafter");
  const std::unique_ptr<Generator> drafter = vs::gen::open_generator(drafter_path);
  const int N = 4, K = g.info().num_scales();
  const vs::gen::SampleResult code = g.sample(request_of(g, "code:drafter=" + drafter_path + ":switch=" + std::to_string(N)));
  const vs::gen::SampleResult drafted = drafter->sample(request_of(*drafter, "none"));
  ASSERT_EQ(code.pyramid.size(), size_t(K));
  for (int k = 0; k < N; ++k) EXPECT_EQ(code.pyramid[k].ids, drafted.pyramid[k].ids) << k;
  // The loaded model continues from the drafted maps exactly as from a prefix.
  SamplingRequest prefix = request_of(g, "none");
  prefix.prefix.assign(drafted.pyramid.begin(), drafted.pyramid.begin() + N);
  prefix.keep_scales = N;
  EXPECT_EQ(code.image01.data, g.sample(prefix).image01.data);
  // And that is neither the drafter's image nor the loaded model's own.
  EXPECT_NE(code.image01.data, drafted.image01.data);
  EXPECT_NE(code.image01.data, g.sample(request_of(g, "none")).image01.data);
}

TEST(CoDeVar, ADrafterWithAnotherTokenizerIsRefused) {
  const Generator& g = vs::test::shipped_generator("fmnist-var");
  const std::string drafter_path = perturbed_var_copy("code_drafter_other_vae");
  // A valid tokenizer of the same shapes beside it, but with other weights.
  const std::vector<char> vae = scaled_copy(kModels + "fmnist-var-vae.safetensors", "quantize.embedding.weight", 1.01f);
  std::ofstream(std::filesystem::path(drafter_path).parent_path() / "drafter-vae.safetensors", std::ios::binary)
      .write(vae.data(), std::streamsize(vae.size()));
  try {
    g.sample(request_of(g, "code:drafter=" + drafter_path));
    FAIL() << "a drafter with another tokenizer was accepted";
  } catch (const vs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("is not the loaded model's"), std::string::npos) << e.what();
  }
}

TEST(CoDeSpec, ParsesAndSplitsOff) {
  const vs::accel::AccelSpec spec = vs::accel::parse_accel("skip:after=-1+code:drafter=a.safetensors:switch=3");
  EXPECT_EQ(spec.code_drafter, "a.safetensors");
  EXPECT_EQ(spec.code_switch, 3);
  EXPECT_FALSE(spec.none());
  EXPECT_EQ(vs::accel::without_collaborative_decoding("skip:after=-1+code:drafter=a:switch=3"), "skip:after=-1");
  EXPECT_EQ(vs::accel::without_collaborative_decoding("code:drafter=a"), "none");
  EXPECT_THROW(vs::accel::parse_accel("code:switch=3"), vs::Error);
  EXPECT_THROW(vs::accel::parse_accel("code:drafter=a:speed=3"), vs::Error);
}

}  // namespace
