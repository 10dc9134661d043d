// The worker → UI handoff of app/gui/workers: items arrive in order, cancel stops a run,
// exceptions become an error string, a restart drops the old run's items, and the
// measurement slot serialises timed work while staying cancellable.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "app/gui/workers/background_job.h"
#include "app/gui/workers/measurement_slot.h"

using vs::gui::BackgroundJob;

namespace {

template <typename T>
void wait_until_done(const BackgroundJob<T>& job) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (job.running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace

TEST(BackgroundJob, PublishesInOrderAndWakesTheUi) {
  std::atomic<int> wakes{0};
  BackgroundJob<int> job([&] { ++wakes; });
  job.start([](BackgroundJob<int>::Context& ctx) {
    for (int i = 0; i < 100; ++i) {
      ctx.publish(i);
      ctx.progress(i + 1, 100, "step");
    }
  });
  std::vector<int> received;
  while (job.running())  // drain while it runs, as the UI does each frame
    for (int v : job.take()) received.push_back(v);
  for (int v : job.take()) received.push_back(v);
  ASSERT_EQ(received.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(received[i], i);
  EXPECT_EQ(job.progress().done, 100);
  EXPECT_DOUBLE_EQ(job.progress().fraction(), 1.0);
  EXPECT_GE(wakes.load(), 201);  // 100 publishes, 100 progress reports, the finish
  EXPECT_TRUE(job.error().empty());
}

TEST(BackgroundJob, CancelStopsALongRun) {
  BackgroundJob<int> job;
  job.start([](BackgroundJob<int>::Context& ctx) {
    while (!ctx.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ctx.publish(42);
  });
  EXPECT_TRUE(job.running());
  job.cancel();
  wait_until_done(job);
  EXPECT_FALSE(job.running());
  EXPECT_EQ(job.take(), std::vector<int>{42});
}

TEST(BackgroundJob, ExceptionBecomesTheError) {
  BackgroundJob<int> job;
  job.start([](BackgroundJob<int>::Context&) { throw std::runtime_error("bench attention: side 0 outside [1, 512]"); });
  wait_until_done(job);
  EXPECT_EQ(job.error(), "bench attention: side 0 outside [1, 512]");
}

TEST(BackgroundJob, RestartDropsTheOldRunsItems) {
  BackgroundJob<int> job;
  job.start([](BackgroundJob<int>::Context& ctx) { ctx.publish(1); });
  wait_until_done(job);
  job.start([](BackgroundJob<int>::Context& ctx) { ctx.publish(2); });
  wait_until_done(job);
  EXPECT_EQ(job.take(), std::vector<int>{2});
}

TEST(MeasurementSlot, SecondWorkerWaitsAndCanGiveUp) {
  std::atomic<bool> never{false}, cancel{false};
  auto first = vs::gui::acquire_measurement_slot(never);
  ASSERT_TRUE(first.owns_lock());
  std::atomic<bool> second_owned{true};
  std::thread waiter([&] { second_owned = vs::gui::acquire_measurement_slot(cancel).owns_lock(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  cancel = true;
  waiter.join();
  EXPECT_FALSE(second_owned.load());
  first.unlock();
  EXPECT_TRUE(vs::gui::acquire_measurement_slot(never).owns_lock());
}
