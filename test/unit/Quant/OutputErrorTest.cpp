//===- OutputErrorTest.cpp - Error metrics, channel scaling, a8w8 ---------===//

#include "qforge/Quant/A8W8.h"
#include "qforge/Quant/ChannelScaling.h"
#include "qforge/Quant/OutputError.h"
#include "qforge/Quant/WeightQuant.h"

#include "SyntheticLayer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace qforge::quant;
using qforge::quant::test::Gaussian;

namespace {

std::vector<float> gaussianMatrix(int64_t rows, int64_t cols, uint32_t seed,
                                  double sigma = 1.0) {
  Gaussian g(seed);
  std::vector<float> v(static_cast<size_t>(rows * cols));
  for (float &x : v)
    x = static_cast<float>(sigma * g());
  return v;
}

TEST(OutputError, MatmulTransposed) {
  const int64_t M = 3, K = 19, N = 4; // K not a multiple of the 8 lanes
  std::vector<float> A = gaussianMatrix(M, K, 1), B = gaussianMatrix(N, K, 2);
  std::vector<float> C = matmulTransposed(A.data(), M, K, B.data(), N);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double ref = 0.0;
      for (int64_t k = 0; k < K; ++k)
        ref += static_cast<double>(A[m * K + k]) * B[n * K + k];
      EXPECT_NEAR(C[m * N + n], ref, 1e-5);
    }
}

TEST(OutputError, RelativeErrorAndSqnr) {
  float ref[] = {3.0f, 4.0f}, approx[] = {3.0f, 3.0f}, zero[] = {0.0f, 0.0f};
  EXPECT_DOUBLE_EQ(relativeError(ref, approx, 2), 0.2);
  EXPECT_DOUBLE_EQ(relativeError(ref, ref, 2), 0.0);
  EXPECT_DOUBLE_EQ(relativeError(zero, zero, 2), 0.0);
  EXPECT_EQ(relativeError(zero, ref, 2), std::numeric_limits<double>::infinity());
  EXPECT_NEAR(sqnrDb(0.1), 20.0, 1e-12);
  EXPECT_NEAR(sqnrDb(0.01), 40.0, 1e-12);
  EXPECT_EQ(sqnrDb(0.0), std::numeric_limits<double>::infinity());
}

// ||X (W - What)^T|| / ||X W^T|| agrees with computing both outputs in double.
TEST(OutputError, RelativeOutputErrorMatchesDirectComputation) {
  const int64_t M = 16, K = 40, N = 12;
  std::vector<float> X = gaussianMatrix(M, K, 3), W = gaussianMatrix(N, K, 4);
  std::vector<float> Wq = dequantize(
      quantizeWeightsRTN(W.data(), N, K, weightSpec(DType::Int4, 16)));
  double num = 0.0, den = 0.0;
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double y = 0.0, yq = 0.0;
      for (int64_t k = 0; k < K; ++k) {
        y += static_cast<double>(X[m * K + k]) * W[n * K + k];
        yq += static_cast<double>(X[m * K + k]) * Wq[n * K + k];
      }
      num += (y - yq) * (y - yq);
      den += y * y;
    }
  double rel = relativeOutputError(X.data(), M, K, W.data(), Wq.data(), N);
  EXPECT_NEAR(rel, std::sqrt(num / den), 1e-6);
  EXPECT_GT(rel, 0.01);
  EXPECT_EQ(relativeOutputError(X.data(), M, K, W.data(), W.data(), N), 0.0);
}

TEST(OutputError, StrideSampleRows) {
  // 5 rows of 2: 2 rows sampled are rows 0 and 2 (i * 5 / 2); asking for
  // more rows than there are gives them all.
  std::vector<float> m = {0, 1, 10, 11, 20, 21, 30, 31, 40, 41};
  EXPECT_EQ(strideSampleRows(m.data(), 5, 2, 2),
            (std::vector<float>{0, 1, 20, 21}));
  EXPECT_EQ(strideSampleRows(m.data(), 5, 2, 9), m);
}

TEST(ChannelScaling, StatisticsAndScaling) {
  // 3 rows x 2 columns.
  float X[] = {1.0f, -8.0f, -3.0f, 2.0f,
               2.0f, std::numeric_limits<float>::infinity()};
  std::vector<float> amax = columnAbsMax(X, 3, 2);
  EXPECT_EQ(amax, (std::vector<float>{3.0f, 8.0f}));
  std::vector<float> mean = columnMeanAbs(X, 3, 2);
  EXPECT_FLOAT_EQ(mean[0], 2.0f);
  EXPECT_FLOAT_EQ(mean[1], 10.0f / 3.0f);

  std::vector<float> s = {2.0f, 0.5f};
  std::vector<float> a = {1.0f, 3.0f, -5.0f, 7.0f};
  EXPECT_EQ(scaleColumns(a.data(), 2, 2, s),
            (std::vector<float>{2.0f, 1.5f, -10.0f, 3.5f}));
  EXPECT_EQ(divideColumns(a.data(), 2, 2, s),
            (std::vector<float>{0.5f, 6.0f, -2.5f, 14.0f}));

  // The migration leaves the product unchanged (up to float rounding).
  const int64_t M = 8, K = 64, N = 8;
  std::vector<float> Xr = gaussianMatrix(M, K, 5), W = gaussianMatrix(N, K, 6);
  Gaussian g(7);
  std::vector<float> sc(K);
  for (float &v : sc)
    v = static_cast<float>(std::exp(g()));
  std::vector<float> xs = divideColumns(Xr.data(), M, K, sc);
  std::vector<float> ws = scaleColumns(W.data(), N, K, sc);
  std::vector<float> y = matmulTransposed(Xr.data(), M, K, W.data(), N);
  std::vector<float> y2 = matmulTransposed(xs.data(), M, K, ws.data(), N);
  EXPECT_LT(relativeError(y.data(), y2.data(), y.size()), 1e-6);
}

TEST(A8W8, PerTokenActivations) {
  float X[] = {1.0f, -2.54f, 0.5f, 0.0f, 0.0f, 0.0f};
  QuantizedTensor q = quantizeActivationsPerToken(X, 2, 3);
  EXPECT_EQ(q.dtype, DType::Int8);
  EXPECT_EQ(q.params.layout, ScaleLayout::perAxis(0));
  EXPECT_FLOAT_EQ(q.params.scales[0], 2.54f / 127.0f);
  EXPECT_EQ(q.params.scales[1], 1.0f); // an all-zero row
  EXPECT_TRUE(q.params.zeroPoints.empty());
  EXPECT_EQ(q.values[1], -127);
  EXPECT_EQ(q.values[0], 50);
}

// Integer accumulation, then * xs[m] * ws[n]: the same as the float product
// of the dequantized operands up to float rounding, and exactly the integer
// dot product.
TEST(A8W8, MatmulIsTheDequantizedProduct) {
  const int64_t M = 6, K = 300, N = 5;
  std::vector<float> X = gaussianMatrix(M, K, 8), W = gaussianMatrix(N, K, 9);
  QuantizedTensor xq = quantizeActivationsPerToken(X.data(), M, K);
  for (const QuantSpec &spec :
       {weightSpec(DType::Int8, 0), weightSpec(DType::Int8, -1)}) {
    QuantizedTensor wq = quantizeWeightsRTN(W.data(), N, K, spec);
    std::vector<float> y = a8w8Matmul(xq, wq);
    std::vector<float> xd = dequantize(xq), wd = dequantize(wq);
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        int64_t acc = 0;
        double ref = 0.0;
        for (int64_t k = 0; k < K; ++k) {
          acc += static_cast<int64_t>(xq.values[m * K + k]) * wq.values[n * K + k];
          ref += static_cast<double>(xd[m * K + k]) * wd[n * K + k];
        }
        float ws = wq.params.scales[spec.layout.kind == ScaleLayout::Kind::Axis ? n : 0];
        EXPECT_EQ(y[m * N + n],
                  (static_cast<float>(acc) * xq.params.scales[m]) * ws);
        EXPECT_NEAR(y[m * N + n], ref, 1e-4 * (1.0 + std::fabs(ref)));
      }
  }
}

} // namespace
