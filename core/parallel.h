// Exceptions and OpenMP parallel regions. An exception that leaves a parallel region ends
// the process (libgomp calls std::terminate), so every region body that can throw — any
// allocation can — runs its work through one ParallelErrors: the first exception is kept,
// the work after it is skipped, and it is rethrown once the region has ended, with
// std::bad_alloc turned into the one-line "<who>: out of memory" error.
//
//   ParallelErrors errors("exact attention");
//   #pragma omp parallel for
//   for (int64_t i = 0; i < n; ++i) errors.run([&] { work(i); });
//   errors.rethrow_if_failed();
//
// Inside a region with several worksharing constructs, every thread must still reach
// each of them: wrap the work inside the constructs, never the constructs themselves.
#pragma once
#include <atomic>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>

namespace vs {

class ParallelErrors {
 public:
  explicit ParallelErrors(std::string who) : who_(std::move(who)) {}
  ParallelErrors(const ParallelErrors&) = delete;
  ParallelErrors& operator=(const ParallelErrors&) = delete;

  // Runs body() unless some thread has already failed; never throws.
  template <class Body>
  void run(Body&& body) noexcept {
    if (failed()) return;
    try {
      body();
    } catch (...) {
      keep(std::current_exception());
    }
  }

  bool failed() const { return failed_.load(std::memory_order_relaxed); }

  // After the region: throws what the first failing call threw (std::bad_alloc as the
  // vs::Error "<who>: out of memory"), or returns.
  void rethrow_if_failed() const;

 private:
  void keep(std::exception_ptr error) noexcept {
    // Only the first thread to fail stores its exception; the end of the region
    // publishes it to the thread that rethrows.
    if (!failed_.exchange(true)) first_ = std::move(error);
  }

  std::string who_;
  std::atomic<bool> failed_{false};
  std::exception_ptr first_;
};

// Runs body(i) for i in [0, count) on OpenMP threads (when `parallel`, dynamic schedule
// of `chunk`), then rethrows the first exception as rethrow_if_failed does.
template <class Body>
void parallel_for(const std::string& who, int64_t count, bool parallel, int chunk, Body&& body) {
  ParallelErrors errors(who);
#pragma omp parallel for schedule(dynamic, chunk) if (parallel)
  for (int64_t i = 0; i < count; ++i) errors.run([&] { body(i); });
  errors.rethrow_if_failed();
}

}  // namespace vs
