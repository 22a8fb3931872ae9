//===- CholeskyTest.cpp - The inverse-Hessian factor ----------------------===//
//
// The tiled, parallel factorization and inverse must compute exactly what
// the textbook loops below compute (the implementation GPTQ used before they
// were tiled), for any executor: bit-identical doubles, not "close".

#include "qforge/Quant/Cholesky.h"
#include "qforge/Quant/Gptq.h"

#include "Executors.h"
#include "SyntheticLayer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace qforge::quant;
using namespace qforge::quant::test;

namespace {

/// A = R R^T, R upper, column by column from the last; sums in ascending k.
bool textbookCholeskyUpper(const std::vector<double> &A, int64_t K,
                           std::vector<double> &R, int64_t *badPivot) {
  R.assign(static_cast<size_t>(K * K), 0.0);
  for (int64_t j = K - 1; j >= 0; --j) {
    const double *rj = R.data() + j * K;
    double d = A[j * K + j];
    for (int64_t k = j + 1; k < K; ++k)
      d -= rj[k] * rj[k];
    if (!(d > 0.0) || !std::isfinite(d)) {
      *badPivot = j;
      return false;
    }
    double rjj = std::sqrt(d);
    R[j * K + j] = rjj;
    for (int64_t i = 0; i < j; ++i) {
      double *ri = R.data() + i * K;
      double s = A[i * K + j];
      for (int64_t k = j + 1; k < K; ++k)
        s -= ri[k] * rj[k];
      ri[j] = s / rjj;
    }
  }
  return true;
}

/// U = R^-1 row by row: u R = e_i by forward substitution.
std::vector<double> textbookInverse(const std::vector<double> &R, int64_t K) {
  std::vector<double> U(static_cast<size_t>(K * K), 0.0);
  std::vector<double> t(static_cast<size_t>(K));
  for (int64_t i = 0; i < K; ++i) {
    std::fill(t.begin(), t.end(), 0.0);
    for (int64_t k = i; k < K; ++k) {
      const double *rk = R.data() + k * K;
      double u = ((k == i ? 1.0 : 0.0) - t[k]) / rk[k];
      U[i * K + k] = u;
      for (int64_t j = k + 1; j < K; ++j)
        t[j] += u * rk[j];
    }
  }
  return U;
}

/// X^T X + I of Gaussian X [2K, K]: well conditioned, dense.
std::vector<double> randomSpd(int64_t K, uint32_t seed) {
  Gaussian g(seed);
  std::vector<float> X(static_cast<size_t>(2 * K * K));
  for (float &x : X)
    x = static_cast<float>(g());
  std::vector<double> A;
  accumulateHessian(A, X.data(), 2 * K, K);
  for (int64_t i = 0; i < K; ++i)
    A[i * K + i] += 1.0;
  return A;
}

// Sizes around the tiles' edges (16 lanes, 64-row tiles, 16-column passes,
// 8-wide register tiles, 128-column panels).
const int64_t kSizes[] = {1, 2, 7, 15, 16, 17, 63, 64, 65, 100, 129, 530};

TEST(Cholesky, FactorIsTheTextbookFactorBitForBit) {
  for (int64_t K : kSizes) {
    std::vector<double> A = randomSpd(K, 3 + static_cast<uint32_t>(K)), ref;
    int64_t bad = -1;
    ASSERT_TRUE(textbookCholeskyUpper(A, K, ref, &bad));
    forEachVectorWidth([&](int bits) {
      for (const auto &[name, executor] : allExecutors()) {
        // Garbage below the diagonal must be overwritten with zeros.
        std::vector<double> R(static_cast<size_t>(K * K), 7.0);
        ASSERT_TRUE(choleskyUpper(A.data(), K, R.data(), &bad, executor));
        EXPECT_EQ(R, ref) << "K = " << K << ", " << name << ", " << bits
                          << "-bit vectors";
      }
    });
  }
}

TEST(Cholesky, InverseIsTheTextbookInverseBitForBit) {
  for (int64_t K : kSizes) {
    std::vector<double> A = randomSpd(K, 5 + static_cast<uint32_t>(K)), R;
    int64_t bad = -1;
    ASSERT_TRUE(textbookCholeskyUpper(A, K, R, &bad));
    std::vector<double> ref = textbookInverse(R, K);
    std::vector<float> refFloat(ref.begin(), ref.end());
    forEachVectorWidth([&](int bits) {
      for (const auto &[name, executor] : allExecutors()) {
        std::string what = "K = " + std::to_string(K) + ", " + name + ", " +
                           std::to_string(bits) + "-bit vectors";
        std::vector<double> U(static_cast<size_t>(K * K), 7.0);
        invertUpperTriangular(R.data(), K, U.data(), executor);
        EXPECT_EQ(U, ref) << what;
        std::vector<float> Uf(static_cast<size_t>(K * K), 7.0f);
        invertUpperTriangular(R.data(), K, Uf.data(), executor);
        EXPECT_EQ(Uf, refFloat) << what;
      }
    });
  }
}

// U is upper triangular with U^T U = A^-1, i.e. A U^T U = I.
TEST(Cholesky, UpperCholeskyOfInverse) {
  const int64_t K = 40;
  std::vector<double> A = randomSpd(K, 12), U;
  ASSERT_TRUE(upperCholeskyOfInverse(A, K, U));
  for (int64_t i = 0; i < K; ++i) {
    EXPECT_GT(U[i * K + i], 0.0);
    for (int64_t j = 0; j < i; ++j)
      EXPECT_EQ(U[i * K + j], 0.0);
  }
  double worst = 0.0;
  for (int64_t i = 0; i < K; ++i)
    for (int64_t j = 0; j < K; ++j) {
      double v = 0.0; // (A U^T U)[i, j]
      for (int64_t k = 0; k < K; ++k) {
        double utu = 0.0;
        for (int64_t l = 0; l <= std::min(k, j); ++l)
          utu += U[l * K + k] * U[l * K + j];
        v += A[i * K + k] * utu;
      }
      worst = std::max(worst, std::fabs(v - (i == j ? 1.0 : 0.0)));
    }
  EXPECT_LT(worst, 1e-10);
}

// Not positive definite: the same failing column as the textbook loops,
// whichever tile it falls in.
TEST(Cholesky, NotPositiveDefinite) {
  for (int64_t K : {int64_t(3), int64_t(40), int64_t(150)}) {
    // 2 * ones - I has eigenvalue -1.
    std::vector<double> B(static_cast<size_t>(K * K), 2.0);
    for (int64_t i = 0; i < K; ++i)
      B[i * K + i] = 1.0;
    // An SPD matrix with one diagonal entry driven negative mid-tile.
    std::vector<double> C = randomSpd(K, 9);
    C[(K / 3) * K + K / 3] = -1.0;
    for (const std::vector<double> *A : {&B, &C}) {
      std::vector<double> ref, U, R(static_cast<size_t>(K * K));
      int64_t refBad = -1;
      ASSERT_FALSE(textbookCholeskyUpper(*A, K, ref, &refBad));
      for (const auto &[name, executor] : allExecutors()) {
        int64_t bad = -1;
        EXPECT_FALSE(choleskyUpper(A->data(), K, R.data(), &bad, executor));
        EXPECT_EQ(bad, refBad) << "K = " << K << ", " << name;
        bad = -1;
        EXPECT_FALSE(upperCholeskyOfInverse(*A, K, U, &bad, executor));
        EXPECT_EQ(bad, refBad);
      }
    }
  }
}

} // namespace
