// A fresh folder for the running test: ctest runs the tests of one file in parallel, so
// files they write must not share a folder.
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace vs::test {

// <binary dir>/tests/<name>, emptied.
inline std::string fresh_test_dir(const std::string& name) {
  const std::string dir = std::string(VARSCOPE_BINARY_DIR) + "/tests/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// <binary dir>/tests/<group>/<the running test's name>, emptied.
inline std::string fresh_test_folder(const std::string& group) {
  return fresh_test_dir(group + "/" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
}

}  // namespace vs::test
