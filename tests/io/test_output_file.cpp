// Outputs: checked before the work, written under a temporary name and renamed, every
// write checked; never through a symbolic link or into a special file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "core/error.h"
#include "core/io/image_io.h"
#include "core/io/output_file.h"
#include "tests/support/error_message.h"
#include "tests/support/test_folder.h"

namespace vs::io {
namespace {

using vs::test::message_of;

std::string contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class OutputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = vs::test::fresh_test_folder("output_file");
  }
  std::string dir_;
};

TEST_F(OutputFile, APngThatCannotBeWrittenIsAnError) {
  const Tensor image({1, 3, 4, 4}, 0.5f);
  // stbi_write_png buffered into /dev/full and ignored the failed close: exit 0, no image.
  EXPECT_NE(message_of([&] { write_png("/dev/full", image); }).find("/dev/full: "), std::string::npos);
  EXPECT_NE(message_of([&] { write_png(dir_ + "/missing/x.png", image); }).find(dir_ + "/missing/x.png: "),
            std::string::npos);
  write_png(dir_ + "/ok.png", image);
  EXPECT_EQ(contents(dir_ + "/ok.png").substr(1, 3), "PNG");
}

TEST_F(OutputFile, NothingIsWrittenThroughASymbolicLink) {
  const std::string target = dir_ + "/target.txt", link = dir_ + "/link.png";
  write_file_atomically(target, std::string("keep me"));
  std::filesystem::create_symlink(target, link);
  EXPECT_NE(message_of([&] { write_png(link, Tensor({1, 3, 2, 2}, 0.5f)); }).find("it is a symbolic link"),
            std::string::npos);
  EXPECT_EQ(contents(target), "keep me");
  EXPECT_TRUE(std::filesystem::is_symlink(link));
}

TEST_F(OutputFile, NoTemporaryIsLeftBehindAndTheOldFileStays) {
  const std::string path = dir_ + "/data.json";
  write_file_atomically(path, std::string("{\"a\":1}\n"));
  EXPECT_EQ(contents(path), "{\"a\":1}\n");
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1u);
}

TEST_F(OutputFile, OutputPathsAreCheckedBeforeTheWork) {
  std::filesystem::create_symlink(dir_ + "/elsewhere.png", dir_ + "/link.png");
  EXPECT_EQ(message_of([&] { check_output_file(dir_ + "/link.png", "--out file"); }),
            dir_ + "/link.png: cannot write the --out file: it is a symbolic link; outputs are written only as regular files");
  EXPECT_EQ(message_of([] { check_output_file("/dev/full", "--out file"); }),
            "/dev/full: cannot write the --out file: it is a character device; outputs are written only as regular files");
  EXPECT_EQ(message_of([&] { check_output_file(dir_ + "/no/such/x.png", "--out file"); }),
            dir_ + "/no/such/x.png: cannot write the --out file: directory " + dir_ + "/no/such: No such file or directory");
  EXPECT_EQ(message_of([&] { check_output_file(dir_, "--out file"); }),
            dir_ + ": cannot write the --out file: it is a directory; outputs are written only as regular files");
  EXPECT_EQ(message_of([&] { check_output_file(dir_ + "/fresh.png", "--out file"); }), "(no vs::Error)");
  EXPECT_EQ(message_of([&] { check_output_directory(dir_ + "/a/b/c", "--out-dir folder"); }), "(no vs::Error)");
  write_file_atomically(dir_ + "/plain", std::string("x"));
  EXPECT_NE(message_of([&] { check_output_directory(dir_ + "/plain/sub", "--out-dir folder"); }).find("Not a directory"),
            std::string::npos);
  if (geteuid() != 0) {  // root may write anywhere
    EXPECT_NE(message_of([] { check_output_file("/proc/version.png", "--out file"); }), "(no vs::Error)");
  }
}

}  // namespace
}  // namespace vs::io
