//===- Cholesky.cpp - The inverse-Hessian factor GPTQ uses ----------------===//
//
// The textbook loops (kept in test/unit/Quant/CholeskyTest.cpp as the
// reference these must match bit for bit):
//
//   factor, for j = K-1 .. 0:
//     R[j,j] = sqrt(A[j,j] - sum_{k>j} R[j,k]^2)
//     R[i,j] = (A[i,j] - sum_{k>j} R[i,k] R[j,k]) / R[j,j]     for i < j
//   invert, for each row i (u R = e_i):
//     u[k] = ([k == i] - t[k]) / R[k,k],  t[j] += u[k] R[k,j]   for k = i ..
//
// with every sum taken in ascending k. Each R[i,j] is a chain that begins
// with the newest column (k = j+1), so the factor cannot be blocked over
// columns without changing its rounding; it is blocked over rows instead:
// 16 rows' chains advance together (one register tile, the broadcast R[j,k]
// shared) over a copy of their rows laid out column by column, and the rows
// of a 64-row tile are split over the executor. The inverse's rows are
// independent; a tile of rows applies 16 columns' updates to a register
// tile before storing it, each element still receiving them in order.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quant/Cholesky.h"

#include "PanelUpdate.h"
#include "Vectors.h"

#include <algorithm>
#include <cmath>

namespace qforge::quant {
namespace {

/// Rows whose chains advance together (one register tile).
constexpr int64_t kLanes = 16;
/// Rows per tile of the factorization (kLanes-row parts run in parallel).
constexpr int64_t kTileRows = 4 * kLanes;

/// s[l] -= t[k * kLanes + l] * b[k] for k = 0 .. len-1, in that order.
template <int Bytes>
inline __attribute__((always_inline)) void
chainsMinusDotWith(const double *t, const double *b, int64_t len, double *s) {
  using V = vec::Vector<double, Bytes>;
  using U = vec::Unaligned<double, Bytes>;
  constexpr int64_t kPerVec = Bytes / sizeof(double);
  constexpr int64_t kVecs = kLanes / kPerVec;
  V acc[kVecs];
  for (int64_t v = 0; v < kVecs; ++v)
    acc[v] = *reinterpret_cast<const U *>(s + kPerVec * v);
  for (int64_t k = 0; k < len; ++k) {
    const double bk = b[k];
    const double *tk = t + k * kLanes;
    for (int64_t v = 0; v < kVecs; ++v)
      acc[v] -= *reinterpret_cast<const U *>(tk + kPerVec * v) * bk;
  }
  for (int64_t v = 0; v < kVecs; ++v)
    *reinterpret_cast<U *>(s + kPerVec * v) = acc[v];
}

QFORGE_QUANT_TARGET_WIDE void chainsMinusDotWide(const double *t,
                                                 const double *b, int64_t len,
                                                 double *s) {
  chainsMinusDotWith<32>(t, b, len, s);
}

void chainsMinusDot(const double *t, const double *b, int64_t len,
                    double *s) {
  if (QFORGE_QUANT_WIDE_VECTORS && kernelVectorBits() == 256)
    chainsMinusDotWide(t, b, len, s);
  else
    chainsMinusDotWith<16>(t, b, len, s);
}

} // namespace

bool choleskyUpper(const double *A, int64_t K, double *R, int64_t *badPivot,
                   const ParallelFor &parallelFor) {
  // A tile's rows, column by column: part p (lanes [16p, 16p+16)) holds
  // column k of its rows at part(p)[(k - i0) * kLanes + lane].
  std::vector<double> tile(static_cast<size_t>(kTileRows * K));
  std::vector<double> rowOfJ(static_cast<size_t>(K));
  for (int64_t i1 = K; i1 > 0;) {
    const int64_t i0 = std::max<int64_t>(0, i1 - kTileRows);
    const int64_t rows = i1 - i0;
    const int64_t parts = (rows + kLanes - 1) / kLanes;
    std::fill(tile.begin(), tile.end(), 0.0);
    auto part = [&](int64_t p) { return tile.data() + p * kLanes * K; };
    auto at = [&](int64_t k, int64_t r) -> double & {
      return part(r / kLanes)[(k - i0) * kLanes + r % kLanes];
    };
    auto initChains = [&](int64_t p, int64_t j, int64_t limit, double *s) {
      for (int64_t l = 0; l < kLanes; ++l) {
        int64_t r = p * kLanes + l;
        s[l] = r < limit ? A[(i0 + r) * K + j] : 0.0;
      }
    };

    // Columns right of the tile: rows below it are final.
    runParallel(parallelFor, parts, [&](int64_t p) {
      double *t = part(p);
      double s[kLanes];
      for (int64_t j = K - 1; j >= i1; --j) {
        const double *rj = R + j * K;
        initChains(p, j, rows, s);
        chainsMinusDot(t + (j + 1 - i0) * kLanes, rj + j + 1, K - j - 1, s);
        for (int64_t l = 0; l < kLanes; ++l)
          t[(j - i0) * kLanes + l] = s[l] / rj[j];
      }
    });

    // The tile's own triangle, column by column.
    for (int64_t j = i1 - 1; j >= i0; --j) {
      const int64_t c = j - i0;
      const int64_t len = K - j - 1;
      for (int64_t k = j + 1; k < K; ++k)
        rowOfJ[k - j - 1] = at(k, c);
      double d = A[j * K + j];
      for (int64_t k = 0; k < len; ++k)
        d -= rowOfJ[k] * rowOfJ[k];
      if (!(d > 0.0) || !std::isfinite(d)) {
        if (badPivot)
          *badPivot = j;
        return false;
      }
      const double rjj = std::sqrt(d);
      at(j, c) = rjj;
      for (int64_t p = 0; p * kLanes < c; ++p) {
        double *t = part(p);
        double s[kLanes];
        initChains(p, j, c, s);
        chainsMinusDot(t + (j + 1 - i0) * kLanes, rowOfJ.data(), len, s);
        for (int64_t l = 0; l < kLanes && p * kLanes + l < c; ++l)
          t[(j - i0) * kLanes + l] = s[l] / rjj;
      }
    }

    for (int64_t r = 0; r < rows; ++r) {
      const int64_t i = i0 + r;
      double *ri = R + i * K;
      std::fill(ri, ri + i, 0.0);
      for (int64_t k = i; k < K; ++k)
        ri[k] = at(k, r);
    }
    i1 = i0;
  }
  return true;
}

namespace {

/// Rows of U computed together, and the columns of R applied per pass. A
/// tile packs R's panels once for all its rows: with 16-row tiles, copying
/// R (read from memory again by every tile) took half the inverse's time of
/// a 4096-column Hessian; 64 rows take it from 1.5 s to 0.9 s on 2 threads
/// (Zen 3). Rows are independent, so the tile size does not change a bit.
constexpr int64_t kInverseRows = 64;
constexpr int64_t kInverseCols = 16;
/// Columns of a pass's rows of R packed together: 16 rows of 128 doubles,
/// 16 KB, stay in L1 while the tile's rows pass over them. (Read in place,
/// R's rows are 8 * K bytes apart: with K a power of two they fall into the
/// same cache sets and evict each other.)
constexpr int64_t kInverseChunk = 128;

template <typename T>
void invertUpper(const double *R, int64_t K, T *U,
                 const ParallelFor &parallelFor) {
  const int64_t tiles = (K + kInverseRows - 1) / kInverseRows;
  runParallel(parallelFor, tiles, [&](int64_t tileIndex) {
    const int64_t i0 = tileIndex * kInverseRows;
    const int64_t rows = std::min(kInverseRows, K - i0);
    // Running sums t and the solution u of each row, indexed by column.
    std::vector<double> sums(static_cast<size_t>(rows * K), 0.0);
    std::vector<double> sol(static_cast<size_t>(rows * K), 0.0);
    std::vector<double> panel(static_cast<size_t>(kInverseCols * kInverseChunk));
    for (int64_t k0 = i0; k0 < K; k0 += kInverseCols) {
      const int64_t k1 = std::min(K, k0 + kInverseCols);
      // Solve the columns of this pass, row by row.
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t i = i0 + r;
        double *t = sums.data() + r * K;
        double *u = sol.data() + r * K;
        for (int64_t k = std::max(k0, i); k < k1; ++k) {
          const double *rk = R + k * K;
          u[k] = ((k == i ? 1.0 : 0.0) - t[k]) / rk[k];
          for (int64_t j = k + 1; j < k1; ++j)
            t[j] += u[k] * rk[j];
        }
      }
      // Their contributions to the columns right of the pass. Rows starting
      // inside it (the tile's first pass) apply fewer columns: alone.
      for (int64_t jb = k1; jb < K; jb += kInverseChunk) {
        const int64_t cols = std::min(K - jb, kInverseChunk);
        for (int64_t k = k0; k < k1; ++k)
          std::copy_n(R + k * K + jb, cols, panel.data() + (k - k0) * cols);
        for (int64_t r = 0; r < rows; ++r) {
          const int64_t kb = std::max(k0, i0 + r);
          if (kb >= k1)
            continue;
          double *t = sums.data() + r * K + jb;
          const double *u = sol.data() + r * K + k0;
          if (kb == k0 && r + 1 < rows && i0 + r + 1 <= k0) {
            double *t2[2] = {t, t + K};
            const double *u2[2] = {u, u + K};
            updateRowsFromPanel<PanelOp::Add, 2>(t2, u2, panel.data(), 0,
                                                 k1 - k0, cols);
            ++r;
          } else {
            updateRowsFromPanel<PanelOp::Add, 1>(&t, &u, panel.data(), kb - k0,
                                                 k1 - k0, cols);
          }
        }
      }
    }
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t i = i0 + r;
      T *ui = U + i * K;
      const double *u = sol.data() + r * K;
      for (int64_t k = 0; k < K; ++k)
        ui[k] = k < i ? T(0) : static_cast<T>(u[k]);
    }
  });
}

} // namespace

void invertUpperTriangular(const double *R, int64_t K, double *U,
                           const ParallelFor &parallelFor) {
  invertUpper(R, K, U, parallelFor);
}

void invertUpperTriangular(const double *R, int64_t K, float *U,
                           const ParallelFor &parallelFor) {
  invertUpper(R, K, U, parallelFor);
}

bool upperCholeskyOfInverse(const std::vector<double> &A, int64_t K,
                            std::vector<double> &U, int64_t *badPivot,
                            const ParallelFor &parallelFor) {
  std::vector<double> R(static_cast<size_t>(K * K));
  if (!choleskyUpper(A.data(), K, R.data(), badPivot, parallelFor))
    return false;
  U.assign(static_cast<size_t>(K * K), 0.0);
  invertUpperTriangular(R.data(), K, U.data(), parallelFor);
  return true;
}

} // namespace qforge::quant
