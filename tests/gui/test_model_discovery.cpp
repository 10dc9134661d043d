// The explorer's model bookkeeping without a window: shipped-pair discovery, the persisted
// recent list, --patch-nums parsing and which dropped file is a VAE.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "app/gui/session/model_discovery.h"
#include "core/error.h"

using namespace vs::gui;

TEST(ModelDiscovery, FindsPairsAndSkipsLoneFiles) {
  const std::string dir = std::string(VARSCOPE_BINARY_DIR) + "/model_discovery_test";
  std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str());
  for (const char* name : {"b-var.safetensors", "b-var-vae.safetensors", "a.safetensors", "a-vae.safetensors",
                           "lonely.safetensors", "notes.txt"})
    std::ofstream(dir + "/" + name) << "x";
  const auto found = find_shipped_models({dir, dir + "/missing"});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].var_path, dir + "/a.safetensors");
  EXPECT_EQ(found[0].vae_path, dir + "/a-vae.safetensors");
  EXPECT_EQ(found[1].label(), "b-var.safetensors");
}

TEST(ModelDiscovery, RecentListRoundTripsNewestFirst) {
  std::vector<ModelPaths> recent;
  remember_recent(recent, {"/m/a.pth", "/m/a-vae.pth", "1,2,3"});
  remember_recent(recent, {"/m/b.safetensors", "", ""});
  remember_recent(recent, {"/m/a.pth", "/m/a-vae.pth", "1,2,3"});
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].var_path, "/m/a.pth");
  const auto back = parse_recent(serialize_recent(recent));
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].patch_nums, "1,2,3");
  EXPECT_EQ(back[1].var_path, "/m/b.safetensors");
  EXPECT_TRUE(parse_recent("").empty());
  EXPECT_TRUE(parse_recent("garbage").empty());
  for (int i = 0; i < 20; ++i) remember_recent(recent, {"/x" + std::to_string(i), "", ""}, 5);
  EXPECT_EQ(recent.size(), 5u);
}

TEST(ModelDiscovery, PatchNumsAndVaeNames) {
  EXPECT_EQ(parse_patch_nums("1,2,3,4,5,6,8"), (std::vector<int>{1, 2, 3, 4, 5, 6, 8}));
  EXPECT_TRUE(parse_patch_nums("").empty());
  EXPECT_THROW(parse_patch_nums("1,,2"), vs::Error);
  EXPECT_THROW(parse_patch_nums("1,x"), vs::Error);
  EXPECT_THROW(parse_patch_nums("0"), vs::Error);
  EXPECT_TRUE(looks_like_vae("/a/fmnist-var-vae.safetensors"));
  EXPECT_TRUE(looks_like_vae("VAE.pth"));
  EXPECT_FALSE(looks_like_vae("/vae_dir/var.pth"));
}

TEST(ModelDiscovery, JunkFilesHaveNoKindAndTheFirstVarPairOpens) {
  const std::string dir = std::string(VARSCOPE_BINARY_DIR) + "/model_discovery_kind_test";
  std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str());
  for (const char* name : {"a.safetensors", "a-vae.safetensors"}) std::ofstream(dir + "/" + name) << "x";
  const auto found = find_shipped_models({dir});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].kind, vs::io::ModelKind::kUnknown);
  EXPECT_EQ(default_model_index(found), -1);

  using vs::io::ModelKind;
  std::vector<ModelPaths> shipped(3);
  shipped[0].kind = ModelKind::kFlowAr;
  shipped[1].kind = ModelKind::kClassifier;
  shipped[2].kind = ModelKind::kVarTransformer;
  EXPECT_EQ(default_model_index(shipped), 2);
  shipped[2].kind = ModelKind::kUnknown;
  EXPECT_EQ(default_model_index(shipped), 0);
}

// varscope-train's `--out NAME` lands in the per-user folder; the explorer lists it after
// the shipped models.
TEST(ModelDiscovery, UserModelsFolderFollowsXdgDataHome) {
  const char* old_xdg = std::getenv("XDG_DATA_HOME");
  const char* old_home = std::getenv("HOME");
  const std::string saved_xdg = old_xdg ? old_xdg : "", saved_home = old_home ? old_home : "";
  const std::string data = std::string(VARSCOPE_BINARY_DIR) + "/model_discovery_user_test";
  std::system(("rm -rf " + data + " && mkdir -p " + data + "/varscope/models").c_str());
  for (const char* name : {"mine.safetensors", "mine-vae.safetensors"})
    std::ofstream(data + "/varscope/models/" + name) << "x";

  setenv("XDG_DATA_HOME", data.c_str(), 1);
  EXPECT_EQ(user_models_directory(), data + "/varscope/models");
  const auto dirs = default_model_directories();
  ASSERT_FALSE(dirs.empty());
  EXPECT_EQ(dirs.back(), data + "/varscope/models");
  const auto found = find_shipped_models(dirs);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.back().var_path, data + "/varscope/models/mine.safetensors");
  EXPECT_EQ(found.back().vae_path, data + "/varscope/models/mine-vae.safetensors");

  unsetenv("XDG_DATA_HOME");
  setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(user_models_directory(), "/home/someone/.local/share/varscope/models");
  unsetenv("HOME");
  EXPECT_EQ(user_models_directory(), "");
  EXPECT_EQ(default_model_directories().size(), dirs.size() - 1);

  if (old_xdg) setenv("XDG_DATA_HOME", saved_xdg.c_str(), 1);
  if (old_home) setenv("HOME", saved_home.c_str(), 1);
}
