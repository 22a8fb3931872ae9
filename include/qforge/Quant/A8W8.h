//===- A8W8.h - Simulating int8 activations x int8 weights -----*- C++ -*-===//
//
// What the `a8w8` (dynamic) scheme computes at run time, in plain C++, so
// that SmoothQuant and friends can be judged on the same arithmetic the
// reference lowering (--qf-lower-to-reference) generates:
//
//   activations: per row (token), symmetric int8, scale = amax / 127
//                (1 for an all-zero row), q = quantizeInt(x, scale, 0)
//   weights:     symmetric int8 per output channel (or per tensor)
//   y[m, n]    = (float(sum_k xq[m, k] * wq[n, k]) * xs[m]) * ws[n]
//                int32 accumulation (exact for K < 2^31 / 128^2 = 131072),
//                then two f32 multiplications in that order.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_A8W8_H
#define QFORGE_QUANT_A8W8_H

#include "qforge/Quant/QuantizeTensor.h"

#include <cstdint>
#include <vector>

namespace qforge::quant {

/// Dynamic per-token quantization of X [M, K]: int8, symmetric, one scale
/// per row (scales [M], layout perAxis(0)).
QuantizedTensor quantizeActivationsPerToken(const float *X, int64_t M,
                                            int64_t K);

/// What the int8-activation kernel (4- and 8-bit weights, `+i8act`) does
/// to one group of `n` activations: scale = max |x| / 127 in f32 (1 for an
/// all-zero group), codes[i] = clamp(round-half-even(x[i] * (1 / scale)),
/// -127, 127) (the f32 reciprocal, as the kernel multiplies, not divides).
/// Returns the scale.
float quantizeInt8Group(const float *x, int64_t n, float *codes);

/// y [M, N] = dequant(x) dequant(w)^T with integer accumulation, for x from
/// quantizeActivationsPerToken and w int8 symmetric [N, K] (per channel or
/// per tensor, zero points 0).
std::vector<float> a8w8Matmul(const QuantizedTensor &x,
                              const QuantizedTensor &w);

} // namespace qforge::quant

#endif // QFORGE_QUANT_A8W8_H
