//===- ChannelScaling.h - Per-input-channel statistics and scaling -*- C++ -*-===//
//
// AWQ and SmoothQuant both move magnitude between activations X [M, K] and
// weights W [N, K] along the shared input channel j without changing the
// product:  X W^T = (X diag(1/s)) (W diag(s))^T.
// They return s; the compiler multiplies weight column j by s[j] and divides
// activation column j by s[j] (folded into the previous op -- a LayerNorm /
// RMSNorm weight or a previous linear -- or as an explicit scaling).
//
// Convention everywhere: W'[n, j] = W[n, j] * s[j] and X'[m, j] = X[m, j] / s[j]
// (a true division, so that s = 1 is an exact identity).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_CHANNELSCALING_H
#define QFORGE_QUANT_CHANNELSCALING_H

#include <cstdint>
#include <vector>

namespace qforge::quant {

/// max over rows of |data[r, c]| for each column c of a [rows, cols] matrix;
/// non-finite values are skipped. For X [M, K] this is SmoothQuant's
/// activation statistic; for W [N, K] its weight statistic.
std::vector<float> columnAbsMax(const float *data, int64_t rows, int64_t cols);

/// mean over rows of |data[r, c]| (accumulated in double): AWQ's activation
/// statistic. Non-finite values count as 0.
std::vector<float> columnMeanAbs(const float *data, int64_t rows, int64_t cols);

/// data[r, c] * s[c]  (W -> W diag(s)).
std::vector<float> scaleColumns(const float *data, int64_t rows, int64_t cols,
                                const std::vector<float> &s);

/// data[r, c] / s[c]  (X -> X diag(1/s)).
std::vector<float> divideColumns(const float *data, int64_t rows, int64_t cols,
                                 const std::vector<float> &s);

} // namespace qforge::quant

#endif // QFORGE_QUANT_CHANNELSCALING_H
