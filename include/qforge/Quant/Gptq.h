//===- Gptq.h - GPTQ: weight quantization with error feedback ---*- C++ -*-===//
//
// GPTQ (Frantar et al. 2022, "GPTQ: Accurate Post-Training Quantization for
// Generative Pre-trained Transformers") quantizes W [N, K] one input column
// at a time and spreads each column's rounding error over the columns not yet
// quantized, weighted by the inverse Hessian of the layer's squared output
// error, H = X^T X [K, K] over calibration activations X [M, K]:
//
//   H <- 2 H / samples; dead columns (H[j, j] == 0): W[:, j] = 0, H[j, j] = 1
//   H[j, j] += percDamp * mean(diag H)
//   U = upper Cholesky factor of H^-1            (H^-1 = U^T U)
//   for each column j in processing order:
//     q = Q(w_j);  e = (w_j - q) / U[j, j]
//     w_k -= e * U[j, k]   for every later column k
//
// with the updates of later columns applied lazily, blockSize columns at a
// time (mathematically the same; it is what makes the reference fast), and
// per-group parameters chosen from the error-updated weights when a group's
// first column is reached. Rows are independent: the result is deterministic
// and does not depend on the block size beyond float rounding.
//
// Act-order processes columns by descending H[j, j]. To keep the output a
// plain blocked tensor (codes in the original column order, group g covering
// columns [gG, (g+1)G) -- no g_idx tensor, no change to kernels), act-order
// uses static groups: every group's parameters come from the weights before
// any error feedback (the reference's --act-order --static-groups).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_GPTQ_H
#define QFORGE_QUANT_GPTQ_H

#include "qforge/Quant/Cholesky.h"
#include "qforge/Quant/Params.h"
#include "qforge/Quant/QuantizeTensor.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qforge::quant {

/// H += X^T X for activations X [M, K] (row-major f32), accumulated in double
/// into H [K, K] (row-major, resized and zeroed if empty). Calibration calls
/// this once per batch and counts the rows for GptqOptions' sample count.
void accumulateHessian(std::vector<double> &H, const float *X, int64_t M,
                       int64_t K);

struct GptqOptions {
  /// Dampening, as a fraction of the mean diagonal of H (reference: 0.01).
  double percDamp = 0.01;
  /// Columns per lazy batch update (reference: 128). Any value > 0 gives the
  /// same result up to float rounding.
  int64_t blockSize = 128;
  /// Quantize columns by descending H[j, j] (implies staticGroups).
  bool actOrder = false;
  /// Choose every group's parameters up front from the original weights,
  /// rather than from the error-updated weights when the group is reached.
  bool staticGroups = false;
  /// Runs the factorization's and the updates' independent rows (empty:
  /// this thread only). The result does not depend on it, bit for bit.
  ParallelFor parallelFor;
};

struct GptqResult {
  /// Codes [N, K] in the original column order, with parameters laid out as
  /// the spec says: dequantize(weights) is the quantized layer.
  QuantizedTensor weights;
  /// Processing order: order[i] is the i-th column quantized (identity
  /// without act-order).
  std::vector<int64_t> order;
  /// Per original column: sum over rows of (w - q)^2 / U[j, j]^2 / 2, GPTQ's
  /// own estimate of the output-error increase the column causes (the
  /// reference's `Losses`, summed over rows), with H scaled by 2 / samples.
  std::vector<double> columnLoss;
  /// Columns whose Hessian diagonal was 0 (their input is always 0).
  std::vector<int64_t> deadColumns;
  /// The absolute dampening added to the diagonal.
  double damp = 0.0;
};

/// GPTQ of W [N, K] (row-major) with H = X^T X [K, K] over `samples` rows of
/// calibration activations. `spec` must pass verifyWeightSpec (any storage
/// type; float-code types use encode/decode as the quantizer). Returns
/// nullopt and sets `*error` when the inputs are invalid (shape, spec,
/// non-finite H or W, samples <= 0) or H + damp is not positive definite.
std::optional<GptqResult> gptqQuantize(const float *W, int64_t N, int64_t K,
                                       const double *H, int64_t samples,
                                       const QuantSpec &spec,
                                       const GptqOptions &options = {},
                                       std::string *error = nullptr);

/// The same with a float32 Hessian (widened to double first).
std::optional<GptqResult> gptqQuantize(const float *W, int64_t N, int64_t K,
                                       const float *H, int64_t samples,
                                       const QuantSpec &spec,
                                       const GptqOptions &options = {},
                                       std::string *error = nullptr);

} // namespace qforge::quant

#endif // QFORGE_QUANT_GPTQ_H
