// Issue 12's pickle memory bomb: objects built from two-byte opcodes (NONE, POP) are
// bounded by count, so a few megabytes of pickle cannot take gigabytes to refuse.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "core/io/pickle_reader.h"

namespace vs::io {
namespace {

TEST(PickleLimits, ManyShortLivedObjectsAreRefusedEarly) {
  const size_t objects = (size_t(1) << 22) + 16;  // 8 MB of pickle
  std::vector<uint8_t> bytes = {0x80, 0x02};      // PROTO 2
  bytes.reserve(2 * objects + 4);
  for (size_t i = 0; i < objects; ++i) {
    bytes.push_back('N');  // NONE: one object
    bytes.push_back('0');  // POP: the stack stays empty
  }
  bytes.push_back('N');
  bytes.push_back('.');  // STOP
  try {
    pickle::parse("bomb.pkl", bytes.data(), bytes.size());
    ADD_FAILURE() << "a pickle of " << objects << " objects was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bomb.pkl: pickle: more than 4194304 objects"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vs::io
