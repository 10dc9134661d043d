// Issue 12's messages: files are named by their magic bytes, names from files are escaped
// and bounded, and a tensor of unexpected rank is a vs::Error naming its shape.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io/checkpoint.h"
#include "core/io/safetensors.h"
#include "core/printable.h"
#include "tests/support/error_message.h"

namespace vs::io {
namespace {

using vs::test::message_of;

TEST(HostileMessages, NonSafetensorsFilesAreNamedByTheirMagicBytes) {
  const std::vector<std::pair<std::vector<uint8_t>, std::string>> cases = {
      {{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13}, "this is a PNG image, not a safetensors file"},
      {{0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1}, "this is a JPEG image, not a safetensors file"},
      {{'P', 'K', 3, 4, 20, 0, 0, 0, 0, 0, 0, 0}, "this is a zip archive (a PyTorch .pth / .ckpt checkpoint?)"},
      {{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0, 0}, "this is a gzip file, not a safetensors file"},
  };
  for (const auto& [bytes, expected] : cases) {
    const std::string message = message_of([&] { SafetensorsFile::parse("m.safetensors", bytes.data(), bytes.size()); });
    EXPECT_NE(message.find("m.safetensors: " + expected), std::string::npos) << message;
  }
}

TEST(HostileMessages, NamesAreEscapedAndBounded) {
  EXPECT_EQ(printable_name("decoder.conv_in.weight"), "'decoder.conv_in.weight'");
  EXPECT_EQ(printable_name("\x1b[2Jq\n'x'"), "'\\x1b[2Jq\\n\\'x\\''");
  const std::string shown = printable_name(std::string(100000, 'a'));
  EXPECT_EQ(shown.size(), kMaxShownName + 5);
  EXPECT_EQ(shown.substr(shown.size() - 4), "'...");
  const std::string message = printable_message("x\x1b[31m" + std::string(10 << 20, 'b'));
  EXPECT_LT(message.size(), kMaxMessageBytes + 40);
  EXPECT_EQ(message.find('\x1b'), std::string::npos);
  EXPECT_EQ(message.substr(0, 5), "x\\x1b");
}

TEST(HostileMessages, UnexpectedRankIsAnErrorNamingTheShape) {
  const Tensor t({3});
  EXPECT_EQ(message_of([&] { (void)t.dim(1); }), "a tensor of shape [3] has no dimension 1");
  Checkpoint ck;
  ck.path = "FlowAR-S.pth";
  ck.tensors["z_proj.weight"] = Tensor({16});
  EXPECT_EQ(message_of([&] { (void)ck.dim("z_proj.weight", 1); }),
            "FlowAR-S.pth: tensor 'z_proj.weight' has shape [16], expected at least 2 dimensions");
}

}  // namespace
}  // namespace vs::io
