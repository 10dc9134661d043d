// Timed measurements must not share the cores (issue 13): two benchmarks at once would each
// time the other's load, and so would a generation running beside one. So every worker
// that measures or computes heavily takes the one measurement slot while it does — in
// the order they asked (a queue, so no sweep waits for ever behind another) — and a
// slot taken for *timing* also pauses the explorer's other workers: they register while
// they run (WorkerActivity) and call pause_point() between steps (a scale, an Euler step);
// the timing begins once every registered worker has paused, and a worker that would
// start meanwhile waits. Every wait stays cancellable, so a panel can always restart or
// close its job without blocking the UI thread on another's run.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

namespace vs::gui {

class MeasurementQueue {
 public:
  // The explorer's one queue (all panels and workers share it).
  static MeasurementQueue& shared() {
    static MeasurementQueue queue;
    return queue;
  }

  // A held slot (or an unheld one when its wait was cancelled); released by unlock() or
  // the destructor.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& o) noexcept : queue_(o.queue_) { o.queue_ = nullptr; }
    Slot& operator=(Slot&& o) noexcept {
      if (this != &o) unlock(), queue_ = o.queue_, o.queue_ = nullptr;
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { unlock(); }
    bool owns_lock() const { return queue_ != nullptr; }
    void unlock() {
      if (queue_) queue_->release();
      queue_ = nullptr;
    }

   private:
    friend class MeasurementQueue;
    explicit Slot(MeasurementQueue* queue) : queue_(queue) {}
    MeasurementQueue* queue_ = nullptr;
  };

  // Waits for its turn (first come, first served); `timing` then pauses the other
  // workers and waits until they have. Unheld when `cancel` became true while waiting.
  Slot acquire(const std::atomic<bool>& cancel, bool timing) {
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t ticket = next_ticket_++;
    waiting_.push_back(ticket);
    while (held_ || waiting_.front() != ticket) {
      if (cancel.load()) {
        waiting_.erase(std::find(waiting_.begin(), waiting_.end(), ticket));
        changed_.notify_all();  // the next in line may be first now
        return Slot();
      }
      changed_.wait_for(lock, kPoll);
    }
    waiting_.pop_front();
    held_ = true;
    if (timing) {
      quiet_ = true;
      while (active_ > 0) {
        if (cancel.load()) {
          held_ = quiet_ = false;
          changed_.notify_all();
          return Slot();
        }
        changed_.wait_for(lock, kPoll);
      }
    }
    return Slot(this);
  }

  // Sweeps waiting for the slot (not counting the one holding it).
  int queued() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return int(waiting_.size());
  }
  // A timing slot is held: the other workers are paused (or pausing).
  bool quiet() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return quiet_;
  }
  int paused_workers() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return paused_;
  }

  // A worker thread's stretch of work: waits while a timing slot is held (unless
  // cancelled), then counts as active until destroyed.
  class WorkerActivity {
   public:
    explicit WorkerActivity(const std::atomic<bool>* cancel, MeasurementQueue& queue = shared()) : queue_(queue) {
      queue_.enter(cancel);
    }
    ~WorkerActivity() { queue_.leave(); }
    WorkerActivity(const WorkerActivity&) = delete;
    WorkerActivity& operator=(const WorkerActivity&) = delete;

   private:
    MeasurementQueue& queue_;
  };

  // Called by an active worker between steps: while a timing slot is held it stops
  // counting as active and waits (until released, or until `cancel`).
  void pause_point(const std::atomic<bool>* cancel) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!quiet_) return;
    --active_, ++paused_;
    changed_.notify_all();
    while (quiet_ && !(cancel && cancel->load())) changed_.wait_for(lock, kPoll);
    --paused_, ++active_;
  }

 private:
  static constexpr std::chrono::milliseconds kPoll{20};  // how often a wait looks at its cancel flag

  void enter(const std::atomic<bool>* cancel) {
    std::unique_lock<std::mutex> lock(mutex_);
    ++paused_;
    while (quiet_ && !(cancel && cancel->load())) changed_.wait_for(lock, kPoll);
    --paused_, ++active_;
  }
  void leave() {
    std::lock_guard<std::mutex> lock(mutex_);
    --active_;
    changed_.notify_all();
  }
  void release() {
    std::lock_guard<std::mutex> lock(mutex_);
    held_ = quiet_ = false;
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<uint64_t> waiting_;
  uint64_t next_ticket_ = 0;
  bool held_ = false, quiet_ = false;
  int active_ = 0, paused_ = 0;
};

using MeasurementSlot = MeasurementQueue::Slot;

// The shared queue's slot: `timing` for a sweep that times (the others pause), plain for
// heavy work that must not disturb one.
inline MeasurementSlot acquire_measurement_slot(const std::atomic<bool>& cancel, bool timing = false) {
  return MeasurementQueue::shared().acquire(cancel, timing);
}

}  // namespace vs::gui
