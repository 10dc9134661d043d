#include "core/random/rng.h"

#include <cmath>

namespace vs::random {

namespace {
inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t stream_state(uint64_t seed, uint64_t stream) { return seed ^ (0x9E3779B97F4A7C15ull * (stream + 1)); }

Polar box_muller(double u1, double u2) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  return {std::sqrt(-2.0 * std::log(u1)), kTwoPi * u2};
}

Xoshiro256::Xoshiro256(uint64_t splitmix_state) {
  for (uint64_t& word : s_) word = splitmix64(splitmix_state);
}

uint64_t Xoshiro256::next_u64() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::exponential() { return -std::log(uniform()); }

double Rng::gumbel() { return -std::log(exponential()); }

double GaussianNoise::normal() {
  return pairs_.next([this] {
    const double u1 = uniform(), u2 = uniform();
    return box_muller(u1, u2);
  });
}

void GaussianNoise::fill(float* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<float>(normal());
}

double OmegaNormals::next_normal() {
  return pairs_.next([this] {
    const double u1 = 1.0 - half_open_unit(engine_.next_u64());  // (0, 1] keeps log finite
    const double u2 = half_open_unit(engine_.next_u64());
    return box_muller(u1, u2);
  });
}

}  // namespace vs::random
