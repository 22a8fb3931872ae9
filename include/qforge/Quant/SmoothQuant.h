//===- SmoothQuant.h - Migrating activation outliers into weights -*- C++ -*-===//
//
// SmoothQuant (Xiao et al. 2022, "SmoothQuant: Accurate and Efficient
// Post-Training Quantization for Large Language Models"): LLM activations have
// a few input channels 10-100x larger than the rest, which ruin per-token
// int8 activation quantization. Dividing channel j of X by s[j] and
// multiplying column j of W by s[j] keeps X W^T and splits the difficulty:
//
//   s[j] = max(max|X[:, j]|^α / max(max|W[:, j]|, 1e-5)^(1-α), 1e-5)
//
// (α = 0.5 by default; larger α moves more of it into the weights), with
// one change: channel maxima are floored at half the median non-zero
// channel maximum. A channel that calibration never saw non-zero (an image
// border, a rarely firing feature, a small calibration set) would otherwise
// get s = 1e-5 and, when it fires on other inputs, swamp every row's int8
// scale (relative error 0.2 instead of 0.005 on held-out digits,
// docs/ALGORITHMS.md). Then
// X' = X / s is quantized per token (dynamic int8, A8W8.h) and
// W' = W diag(s) per output channel (int8), as the a8w8 scheme does.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_SMOOTHQUANT_H
#define QFORGE_QUANT_SMOOTHQUANT_H

#include "qforge/Quant/Params.h"
#include "qforge/Quant/QuantizeTensor.h"

#include <cstdint>
#include <vector>

namespace qforge::quant {

/// Channel maxima below this fraction of the median non-zero channel
/// maximum count as that (see smoothQuantScales).
inline constexpr float kSmoothQuantActivationFloor = 0.5f;

/// s [K] from the per-channel activation absmax (calibration statistics,
/// e.g. columnAbsMax of X) and the weight W [N, K]. Requires 0 <= alpha <= 1
/// and activationAbsMax.size() == K.
std::vector<float> smoothQuantScales(const std::vector<float> &activationAbsMax,
                                     const float *W, int64_t N, int64_t K,
                                     float alpha = 0.5f,
                                     float activationFloor = kSmoothQuantActivationFloor);

struct SmoothQuantResult {
  /// s [K]: activations are divided by s, weights multiplied.
  std::vector<float> inputScales;
  /// W diag(s) quantized with the spec (default: int8 per output channel).
  QuantizedTensor weights;
};

/// The int8 symmetric per-output-channel spec the a8w8 scheme uses.
QuantSpec a8w8WeightSpec();

/// s as above, then W diag(s) quantized round-to-nearest with `weightSpec`.
SmoothQuantResult smoothQuant(const float *W, int64_t N, int64_t K,
                              const std::vector<float> &activationAbsMax,
                              float alpha = 0.5f,
                              const QuantSpec &weightSpec = a8w8WeightSpec(),
                              float activationFloor = kSmoothQuantActivationFloor);

/// The relative output error ||X W^T - y|| / ||X W^T|| of the a8w8 layer
/// y (per-token int8 activations, int8 per-output-channel weights) on rows
/// X [M, K], with the activations divided by `s` and the weight columns
/// multiplied by it (empty `s`: plain a8w8). Judged on at most 256 evenly
/// strided output channels (each is quantized on its own, so their codes
/// are those of the whole layer): SmoothQuant's per-layer check.
double a8w8SampleError(const float *W, int64_t N, int64_t K,
                       const std::vector<float> &s, const float *X, int64_t M);

} // namespace qforge::quant

#endif // QFORGE_QUANT_SMOOTHQUANT_H
