// A fresh folder for the running test: ctest runs the tests of one file in parallel, so
// files they write must not share a folder.
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace vs::test {

// <binary dir>/tests/<group>/<test name>, emptied.
inline std::string fresh_test_folder(const std::string& group) {
  const std::string dir = std::string(VARSCOPE_BINARY_DIR) + "/tests/" + group + "/" +
                          ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace vs::test
