// Timed measurements must not overlap: two benchmarks running at once on the same cores
// would each time the other's load. Every worker that measures holds the one measurement
// slot while it does; waiting for it stays cancellable, so a panel can always restart or
// close its job without blocking the UI thread on another panel's run.
#pragma once
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace vs::gui {

inline std::mutex& measurement_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Returns the held slot, or an unheld lock when `cancel` became true while waiting.
inline std::unique_lock<std::mutex> acquire_measurement_slot(const std::atomic<bool>& cancel) {
  std::unique_lock<std::mutex> lock(measurement_mutex(), std::defer_lock);
  while (!lock.try_lock()) {
    if (cancel.load()) return lock;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return lock;
}

}  // namespace vs::gui
