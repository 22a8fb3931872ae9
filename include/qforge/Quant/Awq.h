//===- Awq.h - AWQ: activation-aware weight scaling --------------*- C++ -*-===//
//
// AWQ (Lin et al. 2023, "AWQ: Activation-aware Weight Quantization for LLM
// Compression and Acceleration"): the weights that meet large activations
// matter most, so scale input channel j of W up by s[j] before quantizing
// (smaller relative rounding error there) and divide activation j by s[j]:
//
//   a[j]  = mean_m |X[m, j]|                       (activation statistic)
//   s(α)  = max(a^α, 1e-4),  s /= sqrt(max(s) * min(s))
//   err(α)= || X W^T - (X / s) Q(W diag(s))^T ||    on calibration rows X
//   α*    = argmin over α = i / gridSize, i = 0..gridSize
//
// Q is round-to-nearest with the spec's parameters (absmax or min/max per
// group). α = 0 gives s = 1, i.e. plain RTN, so on the calibration rows AWQ is
// never worse than RTN. The optional clip search (the reference's auto_clip)
// then shrinks each group's range to r * absmax, r = 1, 0.95, ..., 0.55,
// keeping per group the r with the least output error of that group's
// contribution, sum_m (sum_{j in g} X'[m, j] (W'[n, j] - Q(W')[n, j]))^2.
//
// The result is s and Q(W diag(s)); the compiler folds 1/s into the op that
// produces X (a norm's weight, a previous linear) or scales X explicitly.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_AWQ_H
#define QFORGE_QUANT_AWQ_H

#include "qforge/Quant/Params.h"
#include "qforge/Quant/QuantizeTensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qforge::quant {

struct AwqOptions {
  /// α = i / gridSize for i = 0..gridSize (gridSize + 1 candidates, both
  /// ends included; the reference's n_grid = 20 stops at 0.95).
  int64_t gridSize = 20;
  /// Search a clipping ratio per group after scaling (auto_clip).
  bool clipSearch = false;
  /// Clip ratios 1 - i / clipGrid for i = 0 .. maxShrink * clipGrid - 1.
  int64_t clipGrid = 20;
  double maxShrink = 0.5;
  /// Rows of X the clip search uses (evenly strided), as the reference's
  /// n_sample_token.
  int64_t clipTokens = 512;
  /// Per-input-channel mean |x| over the whole calibration set, when X is
  /// only a sample of it; empty: computed from X.
  std::vector<float> activationMeanAbs;
};

struct AwqResult {
  /// s [K]: the weights are W diag(s); activations must be divided by s.
  std::vector<float> inputScales;
  /// Q(W diag(s)) [N, K] with the spec's layout.
  QuantizedTensor weights;
  double alpha = 0.0;
  /// Relative output error on X for each α of the grid (before clipping).
  std::vector<double> gridErrors;
  /// Relative output error on X of the result (after clipping, if any).
  double calibrationError = 0.0;
  /// Per scale entry: the chosen clip ratio (1 = none); empty without
  /// clipSearch.
  std::vector<float> clipRatios;
};

/// AWQ of W [N, K] with calibration activations X [M, K]. `spec` must pass
/// verifyWeightSpec. Returns nullopt and sets `*error` for invalid inputs.
std::optional<AwqResult> awqQuantize(const float *W, int64_t N, int64_t K,
                                     const float *X, int64_t M,
                                     const QuantSpec &spec,
                                     const AwqOptions &options = {},
                                     std::string *error = nullptr);

/// AWQ from calibration statistics instead of activations: the Gram matrix
/// H = X^T X [K, K] (row-major) and the per-channel mean |x| (`meanAbs`).
/// Every error AWQ measures is ||X D^T||^2 = tr(D H D^T), which the K
/// pseudo-rows L^T of a Cholesky factorisation H + damp I = L L^T reproduce
/// exactly (up to the dampening, `percDamp` of the mean diagonal, which keeps
/// channels that never fired from making H singular).
std::optional<AwqResult> awqQuantizeFromGram(
    const float *W, int64_t N, int64_t K, const float *H,
    const std::vector<float> &meanAbs, const QuantSpec &spec,
    AwqOptions options = {}, double percDamp = 0.01,
    std::string *error = nullptr);

} // namespace qforge::quant

#endif // QFORGE_QUANT_AWQ_H
