// The sampler's random numbers: a documented, portable generator so that the same seed
// gives the same image on every run, compiler and machine (std::*_distribution is
// implementation-defined, so none is used).
//
// Generator: xoshiro256** (Blackman & Vigna, 2018). Seeding: the four state words are
// four successive outputs of splitmix64 started at seed ^ (0x9E3779B97F4A7C15 · (stream+1)),
// so every (seed, stream) pair — the sampler uses one stream per image of a batch —
// gets its own sequence.
// Uniforms: u = ((x >> 11) + 0.5) · 2⁻⁵³, strictly inside (0, 1).
// Exponential(1): −ln u.  Gumbel(0, 1): −ln(Exponential(1)) (var.md §4, more_smooth).
#pragma once
#include <cstdint>

namespace vs::var {

// One step of splitmix64 (Steele, Lea & Flood, 2014): advances `state`, returns a mix.
uint64_t splitmix64(uint64_t& state);

class Rng {
 public:
  explicit Rng(uint64_t seed, uint64_t stream = 0);
  uint64_t next_u64();  // xoshiro256**
  double uniform();     // (0, 1), 53 random bits
  double exponential(); // Exp(1)
  double gumbel();      // Gumbel(0, 1)

 private:
  uint64_t s_[4];
};

}  // namespace vs::var
