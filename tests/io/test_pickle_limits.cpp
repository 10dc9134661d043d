// Issue 12's pickle memory bomb: objects built from two-byte opcodes (NONE, POP) are
// bounded by count, so a few megabytes of pickle cannot take gigabytes to refuse; and the
// worst case for the pickle's size is checked against the memory budget before it runs.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io/pickle_reader.h"

namespace vs::io {
namespace {

// `objects` NONE + POP pairs, then None as the result.
std::vector<uint8_t> none_flood(size_t objects) {
  std::vector<uint8_t> bytes = {0x80, 0x02};  // PROTO 2
  bytes.reserve(2 * objects + 4);
  for (size_t i = 0; i < objects; ++i) {
    bytes.push_back('N');  // NONE: one object
    bytes.push_back('0');  // POP: the stack stays empty
  }
  bytes.push_back('N');
  bytes.push_back('.');  // STOP
  return bytes;
}

TEST(PickleLimits, ManyShortLivedObjectsAreRefusedEarly) {
  const size_t objects = (size_t(1) << 22) + 16;  // 8 MB of pickle
  const std::vector<uint8_t> bytes = none_flood(objects);
  try {
    pickle::parse("bomb.pkl", bytes.data(), bytes.size());
    ADD_FAILURE() << "a pickle of " << objects << " objects was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bomb.pkl: pickle: more than 4194304 objects"), std::string::npos) << e.what();
  }
}

// Virtual memory of this process now (VmSize of /proc/self/status), in bytes.
int64_t address_space_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmSize:", 0) == 0) return std::stoll(line.substr(7)) * 1024;
  return 0;
}

// In the death test's own process: 1 MB of NONE + POP (2^19 objects, below the count
// limit) under an address-space limit 32 MiB above what is mapped now. The pickle's worst
// case (~150 MiB) is more than that budget: refused before the first opcode runs.
void parse_under_address_limit() {
  const std::vector<uint8_t> bytes = none_flood(size_t(1) << 19);
  const rlim_t limit = rlim_t(address_space_bytes() + (int64_t(32) << 20));
  const struct rlimit as {limit, limit};
  setrlimit(RLIMIT_AS, &as);
  try {
    pickle::parse("flood.pkl", bytes.data(), bytes.size());
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    std::exit(3);
  }
  std::exit(0);
}

TEST(PickleLimitsDeathTest, ThePicklesSizeIsCheckedAgainstTheMemoryBudgetFirst) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan reserves terabytes of address space";
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh process reads the budget afresh
  EXPECT_EXIT(parse_under_address_limit(), ::testing::ExitedWithCode(3),
              "flood.pkl: reading a pickle of 1048580 bytes: out of memory: needs [0-9]+ MiB, more than the "
              "memory budget");
}

}  // namespace
}  // namespace vs::io
