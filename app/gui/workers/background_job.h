// One background computation feeding the UI thread (STYLE.md: UI and GL on the main thread,
// work on workers that publish immutable results). The worker publishes items of type T
// into a mutex-protected queue; the UI thread drains it each frame with take(). Cancel is
// an atomic flag the work checks between steps; the destructor cancels and joins, so a
// panel can be destroyed while its job runs.
#pragma once
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vs::gui {

struct JobProgress {
  int done = 0, total = 0;
  std::string what;
  double fraction() const { return total > 0 ? double(done) / total : 0.0; }
};

template <typename T>
class BackgroundJob {
 public:
  // What the work function sees: publish results, report progress, poll for cancel.
  class Context {
   public:
    explicit Context(BackgroundJob& job) : job_(job) {}
    void publish(T item) {
      {
        std::lock_guard<std::mutex> lock(job_.mutex_);
        job_.queue_.push_back(std::move(item));
      }
      job_.wake();
    }
    void progress(int done, int total, const std::string& what) {
      {
        std::lock_guard<std::mutex> lock(job_.mutex_);
        job_.progress_ = {done, total, what};
      }
      job_.wake();
    }
    bool cancelled() const { return job_.cancel_.load(); }
    const std::atomic<bool>* cancel_flag() const { return &job_.cancel_; }

   private:
    BackgroundJob& job_;
  };

  // wake: called from the worker after each publish/progress/finish so the UI thread's
  // event wait returns (glfwPostEmptyEvent is thread-safe).
  explicit BackgroundJob(std::function<void()> wake = {}) : wake_(std::move(wake)) {}
  ~BackgroundJob() { stop(); }
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;

  // Starts `work` on a new thread (stopping a previous run first). Exceptions thrown by
  // `work` end the run and become error().
  void start(std::function<void(Context&)> work) {
    stop();
    cancel_ = false;
    running_ = true;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.clear();
      progress_ = {};
      error_.clear();
    }
    thread_ = std::thread([this, work = std::move(work)] {
      Context context(*this);
      try {
        work(context);
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(mutex_);
        error_ = e.what();
      }
      running_ = false;
      wake();
    });
  }
  void cancel() { cancel_ = true; }
  // Cancels and waits for the thread.
  void stop() {
    cancel_ = true;
    if (thread_.joinable()) thread_.join();
    running_ = false;
  }
  bool running() const { return running_.load(); }
  // UI thread: the items published since the last call, in order.
  std::vector<T> take() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<T> items;
    items.swap(queue_);
    return items;
  }
  JobProgress progress() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return progress_;
  }
  std::string error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

 private:
  void wake() {
    if (wake_) wake_();
  }

  std::function<void()> wake_;
  std::thread thread_;
  std::atomic<bool> cancel_{false}, running_{false};
  mutable std::mutex mutex_;
  std::vector<T> queue_;
  JobProgress progress_;
  std::string error_;
};

}  // namespace vs::gui
