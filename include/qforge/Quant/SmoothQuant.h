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
// (α = 0.5 by default; larger α moves more of it into the weights). Then
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

/// s [K] from the per-channel activation absmax (calibration statistics,
/// e.g. columnAbsMax of X) and the weight W [N, K]. Requires 0 <= alpha <= 1
/// and activationAbsMax.size() == K.
std::vector<float> smoothQuantScales(const std::vector<float> &activationAbsMax,
                                     const float *W, int64_t N, int64_t K,
                                     float alpha = 0.5f);

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
                              const QuantSpec &weightSpec = a8w8WeightSpec());

} // namespace qforge::quant

#endif // QFORGE_QUANT_SMOOTHQUANT_H
