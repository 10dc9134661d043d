#include "core/flowar/gaussian_noise.h"

#include <cmath>

namespace vs::flowar {

GaussianNoise::GaussianNoise(uint64_t seed, uint64_t stream)
    : state_(seed ^ (0x9E3779B97F4A7C15ull * (stream + 1))) {}

double GaussianNoise::uniform() {
  // splitmix64 step
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return (double(z >> 11) + 0.5) * 0x1.0p-53;
}

double GaussianNoise::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  const double u1 = uniform(), u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_ = r * std::sin(kTwoPi * u2);
  has_spare_ = true;
  return r * std::cos(kTwoPi * u2);
}

void GaussianNoise::fill(float* out, int64_t count) {
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<float>(normal());
}

}  // namespace vs::flowar
