// Drives a worker-backed session (update() on the test's thread, as the UI thread would)
// until it is no longer busy; false when it is still busy after `limit`.
#pragma once
#include <chrono>
#include <thread>

template <class Session>
bool settle(Session& session, std::chrono::seconds limit = std::chrono::seconds(120)) {
  const auto start = std::chrono::steady_clock::now();
  do {
    session.update();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (std::chrono::steady_clock::now() - start > limit) return false;
  } while (session.busy());
  session.update();
  return true;
}
