//===- Rounding.h - Round-half-even and scalar integer quantization -*- C++ -*-===//
//
// The one scalar formula every integer quantizer in QForge uses, so that
// constant folding, reference kernels and generated code agree bit for bit:
//
//   q = clamp(roundHalfEven(x / scale) + float(zp), qmin, qmax)   in float32
//   x' = (float(q) - float(zp)) * scale                           in float32
//
// `x / scale` is an IEEE division, not a multiplication by a reciprocal: the
// two differ in the last bit, which flips ties (ONNX QuantizeLinear divides).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_ROUNDING_H
#define QFORGE_QUANT_ROUNDING_H

#include "qforge/Quant/Types.h"

#include <cmath>
#include <cstdint>

namespace qforge::quant {

/// Rounds to the nearest integer, ties to even. Unlike std::nearbyint it does
/// not depend on the floating-point environment's rounding mode, which a
/// host program may have changed. NaN and infinities are returned unchanged.
inline float roundHalfEven(float x) {
  // 2^23: from here on every float is an integer.
  if (!(std::fabs(x) < 8388608.0f))
    return x;
  float t = std::trunc(x);
  float frac = std::fabs(x - t); // exact: x and t share the exponent range
  if (frac > 0.5f || (frac == 0.5f && (static_cast<int32_t>(t) & 1)))
    t += std::copysign(1.0f, x);
  return t;
}

/// Quantizes one value to an integer type. NaN maps to the zero point (the
/// encoding of 0); +Inf and -Inf saturate to qmax and qmin.
/// Requires scale > 0 and finite, zeroPoint within `range`.
inline int32_t quantizeInt(float x, float scale, int32_t zeroPoint,
                           IntRange range) {
  float v = x / scale;
  if (std::isnan(v))
    return zeroPoint;
  v = roundHalfEven(v) + static_cast<float>(zeroPoint);
  if (v <= static_cast<float>(range.min))
    return range.min;
  if (v >= static_cast<float>(range.max))
    return range.max;
  return static_cast<int32_t>(v);
}

inline float dequantizeInt(int32_t q, float scale, int32_t zeroPoint) {
  return (static_cast<float>(q) - static_cast<float>(zeroPoint)) * scale;
}

} // namespace qforge::quant

#endif // QFORGE_QUANT_ROUNDING_H
