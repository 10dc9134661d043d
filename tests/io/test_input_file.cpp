// Every reader refuses a path that is not a regular file before opening it: a named pipe
// would otherwise block the reader (and the explorer's exit) forever.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <string>

#include "core/error.h"
#include "core/io/checkpoint.h"
#include "core/io/image_io.h"
#include "core/io/input_file.h"
#include "core/io/model_kind.h"
#include "core/io/safetensors.h"
#include "core/io/zip_reader.h"
#include "tests/support/error_message.h"
#include "tests/support/test_folder.h"

namespace vs::io {
namespace {

using vs::test::message_of;

class InputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = vs::test::fresh_test_folder("input_file");
    pipe_ = dir_ + "/pipe.safetensors";
    ASSERT_EQ(mkfifo(pipe_.c_str(), 0600), 0);
  }
  std::string dir_, pipe_;
};

TEST_F(InputFile, EveryReaderRefusesANamedPipeWithoutOpeningIt) {
  const std::vector<std::pair<const char*, std::function<void()>>> readers = {
      {"safetensors", [&] { SafetensorsFile::open(pipe_); }},
      {"checkpoint", [&] { load_checkpoint(pipe_); }},
      {"zip", [&] { ZipArchive::open(pipe_); }},
      {"image", [&] { read_image(pipe_); }},
      {"model kind", [&] { detect_model_kind(pipe_); }},
  };
  for (const auto& [name, read] : readers) {
    const std::string message = message_of(read);
    EXPECT_NE(message.find(pipe_ + ": "), std::string::npos) << name << ": " << message;
    EXPECT_NE(message.find("is a named pipe, not a regular file"), std::string::npos) << name << ": " << message;
  }
}

TEST_F(InputFile, NamesWhatThePathIs) {
  EXPECT_EQ(message_of([&] { check_regular_file(dir_, "image"); }),
            dir_ + ": the image is a directory, not a regular file");
  EXPECT_EQ(message_of([] { check_regular_file("/dev/null", "model"); }),
            "/dev/null: the model is a character device, not a regular file");
  EXPECT_EQ(message_of([&] { check_regular_file(dir_ + "/missing.png", "image"); }),
            dir_ + "/missing.png: cannot open the image: No such file or directory");
  EXPECT_EQ(message_of([&] { check_regular_file(VARSCOPE_SOURCE_DIR "/README.md", "text"); }),
            "(no vs::Error)");
}

}  // namespace
}  // namespace vs::io
