//===- TestUtil.h - Helpers shared by the numeric-core tests ----*- C++ -*-===//
#ifndef QFORGE_TEST_UNIT_QUANT_TESTUTIL_H
#define QFORGE_TEST_UNIT_QUANT_TESTUTIL_H

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace qforge::quant::test {

inline uint32_t bitsOf(float x) {
  uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

inline float floatOf(uint32_t b) {
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

/// Same value, same sign of zero; any NaN equals any NaN of the same sign.
inline bool sameFloat(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b) && std::signbit(a) == std::signbit(b);
  return a == b && std::signbit(a) == std::signbit(b);
}

/// Decodes a small float straight from its definition, sharing no code with
/// lib/Quant: (-1)^s * 2^(e - bias) * (1 + m / 2^M), or 2^(1 - bias) * m / 2^M
/// for e == 0. `ieee`: all-ones exponent is Inf/NaN; `fn`: only the all-ones
/// code is NaN; neither: every code is finite.
struct SmallFloat {
  int expBits, manBits, bias;
  bool ieee, fn;

  int width() const { return 1 + expBits + manBits; }
  double decode(uint32_t code) const {
    bool negative = (code >> (expBits + manBits)) & 1;
    uint32_t e = (code >> manBits) & ((1u << expBits) - 1);
    uint32_t m = code & ((1u << manBits) - 1);
    double sign = negative ? -1.0 : 1.0;
    uint32_t eMax = (1u << expBits) - 1;
    if (ieee && e == eMax)
      return m == 0 ? sign * std::numeric_limits<double>::infinity()
                    : std::copysign(std::numeric_limits<double>::quiet_NaN(), sign);
    if (fn && e == eMax && m == (1u << manBits) - 1)
      return std::copysign(std::numeric_limits<double>::quiet_NaN(), sign);
    double frac = static_cast<double>(m) / static_cast<double>(1u << manBits);
    if (e == 0)
      return sign * std::ldexp(frac, 1 - bias);
    return sign * std::ldexp(1.0 + frac, static_cast<int>(e) - bias);
  }
};

constexpr SmallFloat kRefE4M3FN{4, 3, 7, false, true};
constexpr SmallFloat kRefE5M2{5, 2, 15, true, false};
constexpr SmallFloat kRefE2M1{2, 1, 1, false, false};
constexpr SmallFloat kRefF16{5, 10, 15, true, false};

/// Nearest finite code of `f` to `x` by exhaustive search, ties to the code
/// with an even mantissa (RNE), ignoring overflow beyond max finite: the
/// independent encoder the real one is compared with. Returns the magnitude
/// code with the sign bit of x.
inline uint32_t nearestCode(const SmallFloat &f, double x) {
  uint32_t signBit = 1u << (f.expBits + f.manBits);
  uint32_t best = 0;
  double bestDist = std::numeric_limits<double>::infinity();
  double ax = std::fabs(x);
  for (uint32_t c = 0; c < signBit; ++c) {
    double v = f.decode(c);
    if (!std::isfinite(v))
      continue;
    double d = std::fabs(v - ax);
    if (d < bestDist || (d == bestDist && (c & 1) == 0)) {
      best = c;
      bestDist = d;
    }
  }
  return std::signbit(x) ? best | signBit : best;
}

} // namespace qforge::quant::test

#endif // QFORGE_TEST_UNIT_QUANT_TESTUTIL_H
