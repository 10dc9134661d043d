// Sizes are checked against the memory budget before anything is allocated or looped
// over: an empty tensor with a dim of 2^40 is refused at the reader, not run.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "core/memory_budget.h"
#include "tests/support/error_message.h"

namespace vs {
namespace {

using vs::test::message_of;

std::vector<uint8_t> safetensors_bytes(const std::string& header) {
  std::vector<uint8_t> bytes(8 + header.size());
  const uint64_t n = header.size();
  std::memcpy(bytes.data(), &n, 8);
  std::memcpy(bytes.data() + 8, header.data(), header.size());
  return bytes;
}

TEST(MemoryBudget, EmptyShapesWithHugeDimsAreOutOfBounds) {
  EXPECT_NE(message_of([] { check_shape_extent({int64_t(1) << 40, 0, 8}, "tensor 'q'"); })
                .find("tensor 'q': shape [1099511627776, 0, 8] is out of bounds"),
            std::string::npos);
  EXPECT_EQ(message_of([] { check_shape_extent({1024, 0, 8}, "tensor 'q'"); }), "(no vs::Error)");
  EXPECT_EQ(message_of([] { check_shape_extent({}, "scalar"); }), "(no vs::Error)");
}

TEST(MemoryBudget, ATensorLargerThanTheMachineIsAnErrorNotAnAbort) {
  const std::string message = message_of([] { Tensor t({int64_t(1) << 25, int64_t(1) << 25}); });
  EXPECT_NE(message.find("tensor [33554432, 33554432]: out of memory: needs"), std::string::npos) << message;
  EXPECT_TRUE(fits_memory_budget(1 << 20));
  EXPECT_GT(memory_budget_bytes(), int64_t(1) << 20);
}

TEST(MemoryBudget, SafetensorsReaderRefusesEmptyTensorsWithHugeDims) {
  for (const char* shape : {"[1099511627776,0,8]", "[1,0,1099511627776]"}) {
    const std::vector<uint8_t> bytes = safetensors_bytes(
        std::string(R"({"q":{"dtype":"F32","shape":)") + shape + R"(,"data_offsets":[0,0]}})");
    const std::string message =
        message_of([&] { io::SafetensorsFile::parse("qkv.safetensors", bytes.data(), bytes.size()); });
    EXPECT_NE(message.find("qkv.safetensors: tensor \"q\": shape ["), std::string::npos) << message;
    EXPECT_NE(message.find("is out of bounds"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace vs
