//===- Hqq.h - HQQ: half-quadratic, data-free weight quantization -*- C++ -*-===//
//
// HQQ (Badri & Shaji 2023, "Half-Quadratic Quantization of Large Machine
// Learning Models") needs no calibration data: per group it fits the
// quantization parameters to minimise an lp-norm (p < 1) of the weight error,
// which tolerates a few large errors (outlier weights) in exchange for many
// small ones. Half-quadratic splitting introduces the error W_e and
// alternates two closed-form steps:
//
//   q    = clamp(round(w / s) + z)            current codes
//   W_e  = shrink_p(w - (q - z) s, β)          sign(x) max(|x| - |x|^(p-1)/β, 0)
//   z    = mean(q - (w - W_e) / s)             least squares given W_e
//   β   *= κ
//
// Defaults are the reference implementation's (hqq optimize_weights_proximal):
// p = 0.7, β = 10, κ = 1.01, 20 iterations, stop at the first iteration whose
// mean |w - ŵ| does not improve.
//
// QForge differs in four ways (see docs/ALGORITHMS.md):
//  - Zero points are integers (zero must be exactly representable, see
//    NUMERICS.md); HQQ's are floats. The zero step takes the integer nearest
//    the closed form (the exact minimiser of that 1-D quadratic over the
//    integers), clamped to [qmin, qmax].
//  - Because an integer zero point rarely moves, the scale is also fitted
//    (HQQ's "optionally scale"): w - W_e ~ (q - z) s is a 2-parameter linear
//    least-squares problem in (s, s z), solved in closed form, z rounded, s
//    refitted for the rounded z. optimizeScale = false is zero-only HQQ.
//  - The shrinkage is applied to the error measured in quantization steps
//    (x / s), not in weight units, so that the result does not change when W
//    is rescaled. In weight units (the reference; stepUnits = false) W_e is
//    0 for every error below (1/β)^(1/(2-p)) = 0.17, i.e. for all rounding
//    errors of typical LLM weights (|w| < 0.1): the lp norm plays no part.
//  - Each group keeps its own best iterate (the reference stops on the
//    tensor's mean error and returns the last iterate).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_HQQ_H
#define QFORGE_QUANT_HQQ_H

#include "qforge/Quant/Params.h"
#include "qforge/Quant/QuantizeTensor.h"

#include <cstdint>
#include <optional>
#include <string>

namespace qforge::quant {

struct HqqOptions {
  float lpNorm = 0.7f;  ///< p of the error norm, 0 < p <= 1.
  float beta = 10.0f;   ///< Initial half-quadratic penalty.
  float kappa = 1.01f;  ///< β grows by this factor every iteration.
  int iterations = 20;
  bool optimizeScale = true;
  /// Shrink the error in units of the group's quantization step (scale
  /// invariant) rather than in weight units (the reference).
  bool stepUnits = true;
  /// Stop a group at its first iteration that does not lower its mean
  /// |w - ŵ| (the reference's rule); otherwise run every iteration and keep
  /// the best.
  bool earlyStop = true;
};

struct HqqResult {
  /// Codes and parameters (integer zero points when asymmetric).
  QuantizedTensor weights;
  /// mean |W - dequant| with the round-to-nearest parameters HQQ starts from,
  /// and with the result.
  double initialMeanAbsError = 0.0;
  double finalMeanAbsError = 0.0;
};

/// HQQ of W [N, K]. `spec` must pass verifyWeightSpec and have an integer
/// dtype (float-code types have no zero point to fit); a symmetric spec keeps
/// its zero point and fits only the scale. Returns nullopt and sets `*error`
/// for invalid inputs.
std::optional<HqqResult> hqqQuantize(const float *W, int64_t N, int64_t K,
                                     const QuantSpec &spec,
                                     const HqqOptions &options = {},
                                     std::string *error = nullptr);

} // namespace qforge::quant

#endif // QFORGE_QUANT_HQQ_H
