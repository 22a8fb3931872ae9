//===- Cholesky.h - The inverse-Hessian factor GPTQ uses --------*- C++ -*-===//
//
// GPTQ needs U, upper triangular with U^T U = H^-1. Factoring H = R R^T with
// R *upper* triangular (Cholesky run from the last column backwards) gives
// H^-1 = R^-T R^-1 = U^T U with U = R^-1: two cubic steps instead of the
// reference's three (chol, invert, chol again), and the factorization is the
// only place a matrix that is not positive definite shows up.
//
// Both steps are tiled for the caches and run their independent rows on a
// ParallelFor, but every element is computed by the same sequence of double
// operations as the plain textbook loops (dot products and substitutions
// summed in ascending column order, no FMA): results are bit-identical for
// any executor, thread count or host.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_CHOLESKY_H
#define QFORGE_QUANT_CHOLESKY_H

#include "qforge/Quant/Parallel.h"

#include <cstdint>
#include <vector>

namespace qforge::quant {

/// R [K, K] (row-major, zero below the diagonal) upper triangular with a
/// positive diagonal and A = R R^T, for a symmetric A [K, K] of which only
/// the upper triangle is read. Returns false when A is not positive definite
/// (a pivot <= 0 or not finite); `*badPivot` then holds that column, the
/// first one failing from the last column backwards.
bool choleskyUpper(const double *A, int64_t K, double *R,
                   int64_t *badPivot = nullptr,
                   const ParallelFor &parallelFor = {});

/// U = R^-1 [K, K] (row-major, zero below the diagonal) for R upper
/// triangular with a nonzero diagonal; computed in double, stored as the
/// output's type.
void invertUpperTriangular(const double *R, int64_t K, double *U,
                           const ParallelFor &parallelFor = {});
void invertUpperTriangular(const double *R, int64_t K, float *U,
                           const ParallelFor &parallelFor = {});

/// The factor GPTQ uses: U upper triangular with U^T U = A^-1 for a
/// symmetric positive definite A [K, K] (only its upper triangle is read).
/// Returns false when A is not positive definite (see choleskyUpper).
bool upperCholeskyOfInverse(const std::vector<double> &A, int64_t K,
                            std::vector<double> &U, int64_t *badPivot = nullptr,
                            const ParallelFor &parallelFor = {});

} // namespace qforge::quant

#endif // QFORGE_QUANT_CHOLESKY_H
