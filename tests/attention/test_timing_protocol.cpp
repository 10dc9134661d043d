// The timing protocol's calibration, with an injected clock so nothing is actually timed:
// each sample lasts at least min_sample_ms, the minimum and the spread are what the
// samples say, and the warm-up is not counted.
#include "core/timing_protocol.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"

namespace vs {
namespace {

// A clock that advances only when the timed call runs: call i lasts durations[i] ms (the
// last duration repeats).
struct FakeCall {
  std::vector<double> durations;
  double clock_ms = 0;
  int calls = 0;
  void operator()() {
    clock_ms += durations[std::min<size_t>(size_t(calls), durations.size() - 1)];
    ++calls;
  }
};

TEST(TimingProtocol, RepeatsReachTheMinimumSampleLength) {
  EXPECT_EQ(calibrated_repeats(3, 20, 1000), 7);
  EXPECT_EQ(calibrated_repeats(20, 20, 1000), 1);
  EXPECT_EQ(calibrated_repeats(25, 20, 1000), 1);
  EXPECT_EQ(calibrated_repeats(0.001, 20, 1000), 1000);  // capped
  EXPECT_EQ(calibrated_repeats(0, 20, 64), 64);          // too fast to see
  EXPECT_EQ(calibrated_repeats(3, 0, 1000), 1);
}

TEST(TimingProtocol, ASteadyCallIsTimedExactly) {
  FakeCall call{{3.0}};
  TimingProtocol protocol;  // 20 ms samples, 5 of them
  const Timing t = time_call([&] { call(); }, protocol, [&] { return call.clock_ms; });
  EXPECT_EQ(t.repeats, 7);  // 7 × 3 ms >= 20 ms
  EXPECT_EQ(t.samples, 5);
  EXPECT_EQ(call.calls, 1 + 5 * 7);  // one warm-up, then the samples
  EXPECT_DOUBLE_EQ(t.min_ms, 3.0);
  EXPECT_DOUBLE_EQ(t.median_ms, 3.0);
  EXPECT_DOUBLE_EQ(t.spread, 0.0);
  EXPECT_GE(t.threads, 1);
}

TEST(TimingProtocol, TheMinimumAndTheSpreadComeFromTheSamples) {
  // Warm-up 50 ms (cold caches) → 1 call per sample; the samples take 30, 25, 20, 40, 20.
  FakeCall call{{50, 30, 25, 20, 40, 20}};
  const Timing t = time_call([&] { call(); }, TimingProtocol{}, [&] { return call.clock_ms; });
  EXPECT_EQ(t.repeats, 1);
  EXPECT_DOUBLE_EQ(t.min_ms, 20.0);  // the slow warm-up is not a sample
  EXPECT_DOUBLE_EQ(t.median_ms, 25.0);
  EXPECT_DOUBLE_EQ(t.spread, 1.0);  // (40 − 20) / 20
}

TEST(TimingProtocol, AFastCallIsBatchedUntilTheClockSeesIt) {
  FakeCall call{{0.01}};
  const Timing t = time_call([&] { call(); }, TimingProtocol{}, [&] { return call.clock_ms; });
  EXPECT_GE(t.repeats * 0.01, 20.0 - 1e-9);
  EXPECT_LE(t.repeats * 0.01, 21.0);
  EXPECT_NEAR(t.min_ms, 0.01, 1e-9);
}

TEST(TimingProtocol, TheCpuClockIsKeptAndCanBeTheEstimate) {
  // Another process takes half the core: wall time doubles, the process's CPU time does not.
  FakeCall call{{5.0}};
  double cpu_ms = 0;
  auto work = [&] { call(); cpu_ms += 5.0; call.clock_ms += 5.0; };
  TimingProtocol protocol;
  Timing wall = time_call(work, protocol, [&] { return call.clock_ms; }, [&] { return cpu_ms; });
  EXPECT_EQ(wall.clock, TimingClock::kWall);
  EXPECT_DOUBLE_EQ(wall.min_ms, 10.0);
  EXPECT_DOUBLE_EQ(wall.wall_min_ms, 10.0);
  EXPECT_DOUBLE_EQ(wall.cpu_min_ms, 5.0);
  EXPECT_EQ(wall.repeats, 2);  // samples are sized on the wall clock
  protocol.clock = TimingClock::kCpu;
  const Timing cpu = time_call(work, protocol, [&] { return call.clock_ms; }, [&] { return cpu_ms; });
  EXPECT_EQ(cpu.clock, TimingClock::kCpu);
  EXPECT_DOUBLE_EQ(cpu.min_ms, 5.0);
  EXPECT_EQ(parse_timing_clock("cpu"), TimingClock::kCpu);
  EXPECT_STREQ(timing_clock_name(TimingClock::kWall), "wall");
  EXPECT_THROW(parse_timing_clock("tsc"), Error);
}

TEST(TimingProtocol, RefusesAnEmptyProtocol) {
  TimingProtocol protocol;
  protocol.samples = 0;
  EXPECT_THROW(time_call([] {}, protocol), Error);
  protocol.samples = 1;
  protocol.min_sample_ms = -1;
  EXPECT_THROW(time_call([] {}, protocol), Error);
}

TEST(TimingProtocol, DescriptionStatesTheThreads) {
  const std::string text = describe_timing_protocol(TimingProtocol{}, 2);
  EXPECT_NE(text.find("min of 5 samples"), std::string::npos) << text;
  EXPECT_NE(text.find(">= 20 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("2 threads, wall clock"), std::string::npos) << text;
}

}  // namespace
}  // namespace vs
