//===- OutputError.cpp - How far a quantized layer is from the float one --===//

#include "qforge/Quant/OutputError.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qforge::quant {
float dot(const float *a, const float *b, int64_t n) {
  float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t k = 0;
  for (; k + 8 <= n; k += 8)
    for (int l = 0; l < 8; ++l)
      acc[l] += a[k + l] * b[k + l];
  for (; k < n; ++k)
    acc[0] += a[k] * b[k];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) +
         ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

std::vector<float> matmulTransposed(const float *A, int64_t M, int64_t K,
                                    const float *B, int64_t N) {
  std::vector<float> C(static_cast<size_t>(M * N));
  // Four rows of A share each row of B (one pass over B per four rows, not
  // per row); every entry is still summed exactly as dot() sums it.
  int64_t m = 0;
  for (; m + 4 <= M; m += 4) {
    const float *a0 = A + m * K, *a1 = a0 + K, *a2 = a1 + K, *a3 = a2 + K;
    for (int64_t n = 0; n < N; ++n) {
      const float *b = B + n * K;
      float c[4][8] = {};
      int64_t k = 0;
      for (; k + 8 <= K; k += 8)
        for (int l = 0; l < 8; ++l) {
          float bv = b[k + l];
          c[0][l] += a0[k + l] * bv;
          c[1][l] += a1[k + l] * bv;
          c[2][l] += a2[k + l] * bv;
          c[3][l] += a3[k + l] * bv;
        }
      for (; k < K; ++k) {
        c[0][0] += a0[k] * b[k];
        c[1][0] += a1[k] * b[k];
        c[2][0] += a2[k] * b[k];
        c[3][0] += a3[k] * b[k];
      }
      for (int r = 0; r < 4; ++r)
        C[(m + r) * N + n] = ((c[r][0] + c[r][1]) + (c[r][2] + c[r][3])) +
                             ((c[r][4] + c[r][5]) + (c[r][6] + c[r][7]));
    }
  }
  for (; m < M; ++m)
    for (int64_t n = 0; n < N; ++n)
      C[m * N + n] = dot(A + m * K, B + n * K, K);
  return C;
}

double relativeError(const float *ref, const float *approx, size_t count) {
  double num = 0.0, den = 0.0;
  for (size_t i = 0; i < count; ++i) {
    double r = ref[i], d = r - static_cast<double>(approx[i]);
    num += d * d;
    den += r * r;
  }
  if (num == 0.0)
    return 0.0;
  if (den == 0.0)
    return std::numeric_limits<double>::infinity();
  return std::sqrt(num / den);
}

double sqnrDb(double relativeError) {
  if (relativeError == 0.0)
    return std::numeric_limits<double>::infinity();
  return -20.0 * std::log10(relativeError);
}

std::vector<float> strideSampleRows(const float *data, int64_t rows,
                                    int64_t cols, int64_t count) {
  count = std::min(rows, count);
  std::vector<float> out(static_cast<size_t>(count * cols));
  for (int64_t i = 0; i < count; ++i)
    std::copy_n(data + (i * rows / count) * cols, cols,
                out.begin() + i * cols);
  return out;
}

double relativeOutputError(const float *X, int64_t M, int64_t K,
                           const float *W, const float *What, int64_t N) {
  std::vector<float> diff(static_cast<size_t>(N * K));
  for (int64_t i = 0; i < N * K; ++i)
    diff[i] = W[i] - What[i];
  std::vector<float> ref = matmulTransposed(X, M, K, W, N);
  std::vector<float> err = matmulTransposed(X, M, K, diff.data(), N);
  // ||err|| / ||ref||, with relativeError's conventions for zeros.
  double num = 0.0, den = 0.0;
  for (size_t i = 0; i < ref.size(); ++i) {
    num += static_cast<double>(err[i]) * err[i];
    den += static_cast<double>(ref[i]) * ref[i];
  }
  if (num == 0.0)
    return 0.0;
  if (den == 0.0)
    return std::numeric_limits<double>::infinity();
  return std::sqrt(num / den);
}

} // namespace qforge::quant
