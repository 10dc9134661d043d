// IEEE 754 binary16 (F16) and bfloat16 (BF16) <-> float32, bit-exact.
// Widening is exact for every pattern (subnormals, ±0, ±inf, NaN payloads kept).
// Narrowing rounds to nearest, ties to even, overflows to ±inf, and keeps NaN a quiet NaN
// (a plain truncation could turn a NaN whose payload sits in the low bits into inf).
#pragma once
#include <cstdint>
#include <cstring>

namespace vs::io {

inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline float f16_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1Fu;
  uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0x1F) return bits_float(sign | 0x7F800000u | (mantissa << 13));  // inf, NaN
  if (exponent == 0) {
    if (mantissa == 0) return bits_float(sign);  // ±0
    // Subnormal m·2^-24: shift the leading 1 up to the implicit-bit position.
    exponent = 1;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    mantissa &= 0x3FFu;
  }
  return bits_float(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

inline uint16_t float_to_f16(float f) {
  const uint32_t x = float_bits(f);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t ax = x & 0x7FFFFFFFu;
  if (ax > 0x7F800000u) return sign | 0x7E00u | static_cast<uint16_t>((ax >> 13) & 0x1FFu);  // quiet NaN
  if (ax >= 0x477FF000u) return sign | 0x7C00u;  // >= 65520 (halfway past 65504): inf
  const uint32_t e = ax >> 23;
  const uint32_t m = (ax & 0x7FFFFFu) | 0x800000u;  // with the implicit bit
  uint32_t h, rem, half;
  if (e < 113) {  // below 2^-14: result is subnormal (or zero), units of 2^-24
    if (e < 102) return sign;  // below 2^-25: rounds to zero
    const uint32_t shift = 126 - e;  // 14..24
    h = m >> shift;
    rem = m & ((1u << shift) - 1);
    half = 1u << (shift - 1);
  } else {
    h = ((e - 112) << 10) | ((ax >> 13) & 0x3FFu);
    rem = ax & 0x1FFFu;
    half = 0x1000u;
  }
  if (rem > half || (rem == half && (h & 1u))) ++h;  // a carry into the exponent is right
  return sign | static_cast<uint16_t>(h);
}

inline float bf16_to_float(uint16_t b) { return bits_float(static_cast<uint32_t>(b) << 16); }

inline uint16_t float_to_bf16(float f) {
  const uint32_t x = float_bits(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return static_cast<uint16_t>((x >> 16) | 0x0040u);  // quiet NaN
  const uint32_t rounding = 0x7FFFu + ((x >> 16) & 1u);
  return static_cast<uint16_t>((x + rounding) >> 16);
}

}  // namespace vs::io
