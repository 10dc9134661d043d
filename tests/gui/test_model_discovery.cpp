// The explorer's model bookkeeping without a window: shipped-pair discovery, the persisted
// recent list, --patch-nums parsing and which dropped file is a VAE.
#include <gtest/gtest.h>

#include <cstdio>
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
