// No exception may leave an OpenMP parallel region (libgomp would terminate the process):
// core/parallel.h keeps the first one and rethrows it after the region.
#include <gtest/gtest.h>

#include <omp.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <new>
#include <string>

#include "core/attention/attention.h"
#include "core/error.h"
#include "core/parallel.h"
#include "tests/support/error_message.h"

namespace vs {
namespace {

using vs::test::message_of;

TEST(ParallelErrors, BadAllocInAThreadBecomesOneOutOfMemoryError) {
  const std::string message = message_of([] {
    parallel_for("test loop", 64, true, 1, [](int64_t i) {
      if (i == 37) throw std::bad_alloc();
    });
  });
  EXPECT_EQ(message, "test loop: out of memory");
}

TEST(ParallelErrors, TheFirstErrorIsRethrownAndLaterWorkIsSkipped) {
  ParallelErrors errors("region");
  int ran_after_failure = 0;
#pragma omp parallel num_threads(2)
  {
#pragma omp single
    errors.run([] { throw Error("tensor 'x': broken"); });
    // The single's barrier has published the failure: no thread runs more work.
    errors.run([&] {
#pragma omp atomic
      ++ran_after_failure;
    });
  }
  EXPECT_EQ(ran_after_failure, 0);
  EXPECT_EQ(message_of([&] { errors.rethrow_if_failed(); }), "tensor 'x': broken");
}

TEST(ParallelErrors, NothingThrownMeansNothingRethrown) {
  int sum = 0;
  parallel_for("sum", 100, true, 4, [&](int64_t i) {
#pragma omp atomic
    sum += int(i);
  });
  EXPECT_EQ(sum, 4950);
}

// Virtual memory of this process now (VmSize of /proc/self/status), in bytes.
int64_t address_space_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmSize:", 0) == 0) return std::stoll(line.substr(7)) * 1024;
  return 0;
}

// In the death test's own process: limits the address space to 384 MiB above what is
// mapped now, then runs exact attention whose per-thread scratch (64 query rows × d
// floats) needs 1 GiB; exits 3 with the message of the vs::Error it throws.
void exact_attention_under_address_limit() {
  const int64_t d = int64_t(1) << 22;  // q, k 16 MiB each
  const rlim_t limit = rlim_t(address_space_bytes() + (int64_t(384) << 20));
  const struct rlimit as {limit, limit};
  setrlimit(RLIMIT_AS, &as);
  const Tensor q({1, 1, d}, 0.5f), k({1, 1, d}, 0.5f), v({1, 1, 8}, 1.0f);
  try {
    attention::make_variant("exact")->run(q, k, v, attention::Structure::plain(), {});
  } catch (const Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    std::exit(3);
  }
  std::exit(0);
}

// Issue 12's crash: a std::bad_alloc from exact attention's per-thread scratch, under an
// address-space limit (`prlimit --as`), left the OpenMP region and aborted the process.
// The scratch is now checked against the budget before the region ("needs N MiB"); a
// failed allocation inside it would still become this error (the tests above).
TEST(ParallelErrorsDeathTest, ExactAttentionScratchOutOfMemoryIsAnError) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan reserves terabytes of address space and aborts on a failed allocation";
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // a fresh process: no inherited OpenMP pool
  EXPECT_EXIT(exact_attention_under_address_limit(), ::testing::ExitedWithCode(3),
              "exact attention: out of memory: needs [0-9]+ MiB, more than the memory budget");
}

}  // namespace
}  // namespace vs
