// The file browser's listing without a window, and where exports go: folders first, then
// the accepted files (extensions case-insensitive), each sorted, hidden entries and other
// files left out; an unreadable folder is an error naming it; parent folders up to "/";
// exports land in the chosen folder under a full path and never overwrite a file.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>

#include "app/gui/export/export_folder.h"
#include "app/gui/session/folder_listing.h"
#include "tests/support/test_folder.h"

using namespace vs::gui;

namespace {

void touch(const std::string& path, const std::string& text = "x") { std::ofstream(path) << text; }

}  // namespace

TEST(FolderListing, FoldersFirstThenAcceptedFilesSorted) {
  const std::string dir = vs::test::fresh_test_folder("folder_listing");
  ::mkdir((dir + "/b-models").c_str(), 0755);
  ::mkdir((dir + "/A-images").c_str(), 0755);
  ::mkdir((dir + "/.hidden").c_str(), 0755);
  touch(dir + "/z.safetensors", "12345");
  touch(dir + "/M.PTH");
  touch(dir + "/notes.txt");
  touch(dir + "/.secret.safetensors");
  const FolderListing listing = list_folder(dir, {".safetensors", ".pth"});
  ASSERT_TRUE(listing.error.empty()) << listing.error;
  std::vector<std::string> names;
  for (const FolderEntry& e : listing.entries) names.push_back(e.name + (e.is_folder ? "/" : ""));
  EXPECT_EQ(names, (std::vector<std::string>{"A-images/", "b-models/", "M.PTH", "z.safetensors"}));
  EXPECT_EQ(listing.entries.back().bytes, 5);
  EXPECT_EQ(list_folder(dir, {}).entries.size(), 5u);  // every (visible) file without a filter
}

TEST(FolderListing, UnreadableFolderIsAnErrorNamingIt) {
  const FolderListing listing = list_folder("/nonexistent/folder", {});
  EXPECT_TRUE(listing.entries.empty());
  EXPECT_NE(listing.error.find("/nonexistent/folder"), std::string::npos) << listing.error;
}

TEST(FolderListing, PathsAndParents) {
  EXPECT_EQ(parent_folder("/a/b"), "/a");
  EXPECT_EQ(parent_folder("/a/b/"), "/a");
  EXPECT_EQ(parent_folder("/a"), "/");
  EXPECT_EQ(parent_folder("/"), "/");
  EXPECT_EQ(join_path("/", "x"), "/x");
  EXPECT_EQ(join_path("/a", "x"), "/a/x");
  EXPECT_EQ(absolute_path("/abs"), "/abs");
  EXPECT_EQ(absolute_path("rel")[0], '/');
  EXPECT_EQ(size_text(2048), "2 KB");
}

TEST(ExportFolder, FullPathsInTheChosenFolderThatNeverOverwrite) {
  const std::string dir = vs::test::fresh_test_folder("export_folder");
  set_export_folder(dir);
  EXPECT_EQ(export_folder(), dir);
  const std::string first = export_path("norms", "csv");
  EXPECT_EQ(first.rfind(dir + "/varscope-norms-", 0), 0u) << first;
  touch(first);
  const std::string second = export_path("norms", "csv");  // the same second: a new name
  EXPECT_NE(second, first);
  touch(second);
  EXPECT_NE(export_path("norms", "csv"), second);
  EXPECT_EQ(unused_path(dir + "/free.png"), dir + "/free.png");
  touch(dir + "/taken.png");
  EXPECT_EQ(unused_path(dir + "/taken.png"), dir + "/taken-2.png");
}
