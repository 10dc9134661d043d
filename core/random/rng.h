// Every random number VARScope draws: documented, portable generators, so that the same
// seed gives the same numbers — and so the same image — on every run, compiler and machine
// (std::*_distribution is implementation-defined, so none is used).
//
// Engines (two, because shipped seeds depend on both; neither may change):
//   splitmix64 (Steele, Lea & Flood, 2014): state += 0x9E3779B97F4A7C15, then a mix.
//   xoshiro256** (Blackman & Vigna, 2018): four state words, filled by four successive
//     splitmix64 outputs from a starting state.
// Seeding of a (seed, stream) pair: the starting state seed ^ (0x9E3779B97F4A7C15 · (stream+1)),
//   so every pair gets its own sequence (one stream per image of a batch, per weight chunk).
// Uniforms from a 64-bit draw x: open_unit = ((x >> 11) + 0.5) · 2⁻⁵³, strictly inside (0, 1);
//   half_open_unit = (x >> 11) · 2⁻⁵³, in [0, 1).
// Normals by Box–Muller from u1 then u2: radius = sqrt(−2 ln u1), angle = 2π u2; the pair is
//   radius·cos(angle), then radius·sin(angle).
//
// The streams, by user:
//   Rng            the VAR sampler (labels, top-k/top-p draws, Gumbel) and random_normal.h's
//                  random weights: xoshiro256** on (seed, stream), open uniforms.
//                  Exponential(1) = −ln u; Gumbel(0, 1) = −ln(Exponential(1)) (var.md §4).
//   GaussianNoise  FlowAR's Euler noise: splitmix64 itself on (seed, stream), open uniforms,
//                  normals in pairs. PyTorch's stream is not reproduced (flowar.md §7 step 3);
//                  parity tests inject the reference's noise instead.
//   OmegaNormals   Performer's ω (attention/performer.h): xoshiro256** started at the bare
//                  seed, normals in pairs with u1 = 1 − half_open_unit (in (0, 1]) and
//                  u2 = half_open_unit.
#pragma once
#include <cmath>
#include <cstdint>

namespace vs::random {

// One step of splitmix64: advances `state`, returns a mix.
uint64_t splitmix64(uint64_t& state);

// The splitmix64 starting state of stream `stream` of `seed`.
uint64_t stream_state(uint64_t seed, uint64_t stream);

inline double open_unit(uint64_t x) { return (double(x >> 11) + 0.5) * 0x1.0p-53; }
inline double half_open_unit(uint64_t x) { return double(x >> 11) * 0x1.0p-53; }

// Box–Muller's polar form of two uniforms, u1 in (0, 1].
struct Polar {
  double radius, angle;
};
Polar box_muller(double u1, double u2);

class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t splitmix_state);
  uint64_t next_u64();

 private:
  uint64_t s_[4];
};

// Hands out Box–Muller pairs one normal at a time: the cosine, then the kept sine.
class NormalPairs {
 public:
  template <class DrawPolar>
  double next(DrawPolar draw) {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const Polar p = draw();
    spare_ = p.radius * std::sin(p.angle);
    has_spare_ = true;
    return p.radius * std::cos(p.angle);
  }

 private:
  bool has_spare_ = false;
  double spare_ = 0.0;
};

class Rng {
 public:
  explicit Rng(uint64_t seed, uint64_t stream = 0) : engine_(stream_state(seed, stream)) {}
  uint64_t next_u64() { return engine_.next_u64(); }
  double uniform() { return open_unit(next_u64()); }  // (0, 1), 53 random bits
  double exponential();                                // Exp(1)
  double gumbel();                                     // Gumbel(0, 1)

 private:
  Xoshiro256 engine_;
};

class GaussianNoise {
 public:
  explicit GaussianNoise(uint64_t seed, uint64_t stream = 0) : state_(stream_state(seed, stream)) {}
  double uniform() { return open_unit(splitmix64(state_)); }
  double normal();
  // Fills `count` floats at `out` with successive normals.
  void fill(float* out, int64_t count);

 private:
  uint64_t state_;
  NormalPairs pairs_;
};

class OmegaNormals {
 public:
  explicit OmegaNormals(uint64_t seed) : engine_(seed) {}
  double next_normal();

 private:
  Xoshiro256 engine_;
  NormalPairs pairs_;
};

}  // namespace vs::random
