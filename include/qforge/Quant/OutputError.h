//===- OutputError.h - How far a quantized layer is from the float one -*- C++ -*-===//
//
// Quantization algorithms are judged by what a layer computes, not by how
// close each weight is: the relative output error
//
//   ||X W^T - X What^T||_F / ||X W^T||_F      X [M, K], W and What [N, K]
//
// over calibration (or held-out) activations X, and the equivalent SQNR in
// dB, 20 log10(1 / relative error). Sums of squares are accumulated in double.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_OUTPUTERROR_H
#define QFORGE_QUANT_OUTPUTERROR_H

#include <cstddef>
#include <cstdint>
#include <vector>

namespace qforge::quant {

/// sum_k a[k] b[k] in f32 with eight interleaved partial sums (k mod 8),
/// added pairwise at the end: vectorisable without reassociation, and the
/// same result on every target.
float dot(const float *a, const float *b, int64_t n);

/// C [M, N] = A [M, K] B^T for B [N, K] (both row-major, so every output is
/// a dot product of two contiguous rows); every entry is dot() of its rows.
std::vector<float> matmulTransposed(const float *A, int64_t M, int64_t K,
                                    const float *B, int64_t N);

/// ||ref - approx|| / ||ref|| over `count` values: 0 when both are all zero,
/// +Inf when only ref is.
double relativeError(const float *ref, const float *approx, size_t count);

/// Signal-to-quantization-noise ratio of a relative error, in dB:
/// -20 log10(rel); +Inf for an exact result.
double sqnrDb(double relativeError);

/// At most `count` of the `rows` rows of `data` [rows, cols], evenly
/// strided (row i * rows / count), as one row-major block: the output
/// channels that error estimates sample (each channel of a per-channel or
/// grouped scheme is quantized on its own, so its codes are the layer's).
std::vector<float> strideSampleRows(const float *data, int64_t rows,
                                    int64_t cols, int64_t count);

/// ||X W^T - X What^T|| / ||X W^T||, computed as ||X (W - What)^T|| so that
/// small errors are not lost to cancellation.
double relativeOutputError(const float *X, int64_t M, int64_t K,
                           const float *W, const float *What, int64_t N);

} // namespace qforge::quant

#endif // QFORGE_QUANT_OUTPUTERROR_H
