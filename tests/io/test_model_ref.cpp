// --model resolution: shipped names, paths, kind detection and the errors users see.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.h"
#include "core/io/model_ref.h"

namespace {

const std::string kModels = std::string(VARSCOPE_SOURCE_DIR) + "/assets/models";

TEST(ModelKind, TellsTheShippedFilesApart) {
  using vs::io::ModelKind;
  EXPECT_EQ(vs::io::detect_model_kind(kModels + "/fmnist-var.safetensors"), ModelKind::kVarTransformer);
  EXPECT_EQ(vs::io::detect_model_kind(kModels + "/fmnist-var-vae.safetensors"), ModelKind::kVarVqVae);
}

TEST(ModelKind, ByKeysAndMetadata) {
  using vs::io::ModelKind;
  EXPECT_EQ(vs::io::detect_model_kind({"z_proj.weight", "class_emb.weight"}, {}), ModelKind::kFlowAr);
  EXPECT_EQ(vs::io::detect_model_kind({"quant_conv.weight", "decoder.conv_in.weight"}, {}), ModelKind::kKlVae);
  EXPECT_EQ(vs::io::detect_model_kind({"fc.weight"}, {{"kind", "classifier"}}), ModelKind::kClassifier);
  EXPECT_EQ(vs::io::detect_model_kind({"fc.weight"}, {}), ModelKind::kUnknown);
}

TEST(ModelRef, ShippedNameFindsModelAndTokenizer) {
  const vs::io::ModelRef ref = vs::io::resolve_model("fmnist-var");
  EXPECT_EQ(ref.name, "fmnist-var");
  EXPECT_EQ(ref.kind, vs::io::ModelKind::kVarTransformer);
  EXPECT_NE(ref.model_path.find("fmnist-var.safetensors"), std::string::npos);
  EXPECT_NE(ref.vae_path.find("fmnist-var-vae.safetensors"), std::string::npos);
  const auto names = vs::io::shipped_model_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "fmnist-var"), names.end());
}

// A model varscope-train wrote to the user's folder opens by its bare name, like a shipped one.
TEST(ModelRef, UserModelsOpenByName) {
  const char* old = std::getenv("XDG_DATA_HOME");
  const std::string saved = old ? old : "";
  const std::string data = std::string(VARSCOPE_BINARY_DIR) + "/model_ref_user";
  const std::string dir = data + "/varscope/models";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(kModels + "/fmnist-var.safetensors", dir + "/my-shoes.safetensors",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(kModels + "/fmnist-var-vae.safetensors", dir + "/my-shoes-vae.safetensors",
                             std::filesystem::copy_options::overwrite_existing);
  setenv("XDG_DATA_HOME", data.c_str(), 1);
  EXPECT_EQ(vs::io::user_models_directory(), dir);
  EXPECT_EQ(vs::io::model_directories().back(), dir);
  const vs::io::ModelRef ref = vs::io::resolve_model("my-shoes");
  EXPECT_EQ(ref.model_path, dir + "/my-shoes.safetensors");
  EXPECT_EQ(ref.vae_path, dir + "/my-shoes-vae.safetensors");
  const auto names = vs::io::shipped_model_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "my-shoes"), names.end());
  if (old) setenv("XDG_DATA_HOME", saved.c_str(), 1);
  else unsetenv("XDG_DATA_HOME");
}

TEST(ModelRef, PathFindsTheTokenizerBesideIt) {
  const vs::io::ModelRef ref = vs::io::resolve_model(kModels + "/fmnist-var.safetensors");
  EXPECT_EQ(ref.name, "fmnist-var");
  EXPECT_EQ(ref.vae_path, kModels + "/fmnist-var-vae.safetensors");
  EXPECT_EQ(vs::io::resolve_model(kModels + "/fmnist-var.safetensors", "/x/v.pth").vae_path, "/x/v.pth");
}

TEST(ModelRef, ErrorsNameTheProblem) {
  try {
    vs::io::resolve_model("no-such-model");
    FAIL();
  } catch (const vs::Error& e) {
    EXPECT_NE(std::string(e.what()).find("fmnist-var"), std::string::npos) << e.what();
  }
  EXPECT_THROW(vs::io::resolve_model("/nonexistent/x.safetensors"), vs::Error);
  const std::string junk = std::string(VARSCOPE_BINARY_DIR) + "/model_ref_junk.safetensors";
  std::ofstream(junk) << "not a checkpoint";
  EXPECT_THROW(vs::io::resolve_model(junk), vs::Error);
  std::remove(junk.c_str());
}

}  // namespace
