// The measurement queue (issue 13): sweeps take the slot one at a time in the order they
// asked, a cancelled wait leaves the line, and a timing slot pauses the explorer's workers
// — it begins only once a running worker has reached its pause point, a worker that would
// start meanwhile waits, and both go on when the timing ends. Then the same through the
// Session: a generation asked for while a sweep times publishes nothing until it ends.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "app/gui/session/session.h"
#include "app/gui/workers/measurement_slot.h"
#include "tests/gui/settle.h"

using namespace vs::gui;
using namespace std::chrono_literals;

namespace {

// Polls `done` for up to 10 s.
template <typename F>
bool eventually(F done) {
  for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

}  // namespace

TEST(MeasurementQueue, SweepsTakeTheSlotInTheOrderTheyAsked) {
  MeasurementQueue queue;
  std::atomic<bool> never{false};
  MeasurementQueue::Slot first = queue.acquire(never, false);
  ASSERT_TRUE(first.owns_lock());
  std::mutex order_mutex;
  std::vector<int> order;
  std::vector<std::thread> sweeps;
  for (int i = 0; i < 3; ++i) {
    sweeps.emplace_back([&, i] {
      MeasurementQueue::Slot slot = queue.acquire(never, i == 1);
      std::lock_guard<std::mutex> lock(order_mutex);
      order.push_back(i);
    });
    ASSERT_TRUE(eventually([&] { return queue.queued() == i + 1; }));  // asked in order 0, 1, 2
  }
  std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(order.empty()) << "a sweep ran beside the one holding the slot";
  first.unlock();
  for (std::thread& t : sweeps) t.join();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(queue.queued(), 0);
}

TEST(MeasurementQueue, ACancelledWaitLeavesTheLine) {
  MeasurementQueue queue;
  std::atomic<bool> never{false}, give_up{false};
  MeasurementQueue::Slot first = queue.acquire(never, false);
  std::atomic<bool> owned{true};
  std::thread waiter([&] { owned = queue.acquire(give_up, false).owns_lock(); });
  ASSERT_TRUE(eventually([&] { return queue.queued() == 1; }));
  give_up = true;
  waiter.join();
  EXPECT_FALSE(owned.load());
  EXPECT_EQ(queue.queued(), 0);
  first.unlock();
  EXPECT_TRUE(queue.acquire(never, false).owns_lock()) << "the line is stuck behind a ticket that left";
}

TEST(MeasurementQueue, TimingWaitsForRunningWorkersToPauseAndHoldsBackNewOnes) {
  MeasurementQueue queue;
  std::atomic<bool> stop{false}, never{false};
  std::atomic<int> steps{0};
  // A worker doing steps of ~5 ms, with a pause point between them (like scales).
  std::thread worker([&] {
    const MeasurementQueue::WorkerActivity activity(&stop, queue);
    while (!stop.load()) {
      std::this_thread::sleep_for(5ms);
      ++steps;
      queue.pause_point(&stop);
    }
  });
  ASSERT_TRUE(eventually([&] { return steps.load() > 3; }));
  MeasurementQueue::Slot timing = queue.acquire(never, true);
  ASSERT_TRUE(timing.owns_lock());
  EXPECT_TRUE(queue.quiet());
  EXPECT_EQ(queue.paused_workers(), 1) << "the timing began while the worker was still running";
  const int paused_at = steps.load();
  // A worker that starts during the timing waits at its start.
  std::atomic<bool> late_started{false};
  std::thread late([&] {
    const MeasurementQueue::WorkerActivity activity(&stop, queue);
    late_started = true;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(steps.load(), paused_at) << "the worker ran during the timing";
  EXPECT_FALSE(late_started.load()) << "a new worker started during the timing";
  timing.unlock();
  EXPECT_FALSE(queue.quiet());
  EXPECT_TRUE(eventually([&] { return steps.load() > paused_at + 3; })) << "the worker did not go on";
  EXPECT_TRUE(eventually([&] { return late_started.load(); }));
  stop = true;
  worker.join();
  late.join();
  // A non-timing slot (heavy work, not a timing) pauses nobody.
  std::atomic<int> more{0};
  MeasurementQueue::Slot plain = queue.acquire(never, false);
  std::thread free_worker([&] {
    const MeasurementQueue::WorkerActivity activity(&never, queue);
    for (int i = 0; i < 5; ++i) ++more, queue.pause_point(&never);
  });
  free_worker.join();
  EXPECT_EQ(more.load(), 5);
}

TEST(MeasurementQueue, AGenerationWaitsWhileASweepTimes) {
  const std::string dir = std::string(VARSCOPE_SHARED_DIR) + "/fixtures/var/d2_l2";
  Session session;
  session.open(dir + "/var.pth", dir + "/vae.pth", {1, 2, 3, 4, 5, 6, 8});
  ASSERT_TRUE(settle(session));
  ASSERT_NE(session.generator(), nullptr) << session.load_error();
  std::atomic<bool> never{false};
  MeasurementQueue::Slot timing = acquire_measurement_slot(never, /*timing=*/true);
  ASSERT_TRUE(timing.owns_lock());
  vs::gen::SamplingRequest request = session.generator()->default_request();
  request.labels = {2}, request.seed = 3;
  session.generate(request);
  for (int i = 0; i < 30; ++i) session.update(), std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(session.generating());
  EXPECT_TRUE(session.paused_for_timing());
  EXPECT_TRUE(session.frames().empty()) << "the generation ran while the sweep was timing";
  timing.unlock();
  ASSERT_TRUE(settle(session));
  EXPECT_FALSE(session.paused_for_timing());
  EXPECT_TRUE(session.run_complete()) << session.generation_error();
  EXPECT_EQ(session.frames().size(), 7u);
}
