//===- SmoothQuantTest.cpp - SmoothQuant with int8 activations ------------===//

#include "qforge/Quant/SmoothQuant.h"

#include "qforge/Quant/A8W8.h"
#include "qforge/Quant/ChannelScaling.h"
#include "qforge/Quant/WeightQuant.h"

#include "SyntheticLayer.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace qforge::quant;
using namespace qforge::quant::test;

namespace {

TEST(SmoothQuant, Scales) {
  // W [2, 3]: column absmax 4, 0.25, 0 (a dead weight column).
  float W[] = {4.0f, -0.25f, 0.0f, -1.0f, 0.125f, 0.0f};
  std::vector<float> act = {16.0f, 1.0f, 9.0f};
  std::vector<float> s = smoothQuantScales(act, W, 2, 3, 0.5f);
  EXPECT_FLOAT_EQ(s[0], 2.0f);         // sqrt(16) / sqrt(4)
  EXPECT_FLOAT_EQ(s[1], 2.0f);         // sqrt(1) / sqrt(0.25)
  EXPECT_FLOAT_EQ(s[2], 3.0f / std::sqrt(1e-5f)); // weight max clamped
  // α = 1: all into the weights; α = 0: s = 1 / max|W|.
  s = smoothQuantScales(act, W, 2, 3, 1.0f);
  EXPECT_FLOAT_EQ(s[0], 16.0f);
  s = smoothQuantScales(act, W, 2, 3, 0.0f);
  EXPECT_FLOAT_EQ(s[0], 0.25f);
  EXPECT_FLOAT_EQ(s[1], 4.0f);
  // An activation channel that is always 0 gets the 1e-5 floor, not 0.
  s = smoothQuantScales({0.0f, 1.0f, 1.0f}, W, 2, 3, 0.5f);
  EXPECT_FLOAT_EQ(s[0], 1e-5f);
}

/// Relative error of the simulated a8w8 layer (per-token int8 activations,
/// per-channel int8 weights) on the held-out rows, with smoothing scales s
/// (empty: none).
double a8w8Error(const SyntheticLayer &L, const SmoothQuantResult *sq) {
  std::vector<float> ref =
      matmulTransposed(L.Xeval.data(), L.Meval, L.K, L.W.data(), L.N);
  std::vector<float> y;
  if (!sq) {
    QuantizedTensor x = quantizeActivationsPerToken(L.Xeval.data(), L.Meval, L.K);
    QuantizedTensor w = quantizeWeightsRTN(L.W.data(), L.N, L.K, a8w8WeightSpec());
    y = a8w8Matmul(x, w);
  } else {
    std::vector<float> xs = divideColumns(L.Xeval.data(), L.Meval, L.K, sq->inputScales);
    y = a8w8Matmul(quantizeActivationsPerToken(xs.data(), L.Meval, L.K), sq->weights);
  }
  return relativeError(ref.data(), y.data(), ref.size());
}

// With outlier input channels, per-token int8 activations lose the small
// channels; smoothing (statistics from the calibration rows) fixes most of it.
TEST(SmoothQuant, BeatsPlainA8W8WithOutliers) {
  const SyntheticLayer &L = standardLayer();
  std::vector<float> amax = columnAbsMax(L.Xcal.data(), L.Mcal, L.K);
  SmoothQuantResult sq = smoothQuant(L.W.data(), L.N, L.K, amax);
  expectWellFormed(sq.weights);
  EXPECT_EQ(sq.weights.dtype, DType::Int8);
  EXPECT_EQ(sq.weights.params.layout, ScaleLayout::perAxis(0));
  double plain = a8w8Error(L, nullptr), smooth = a8w8Error(L, &sq);
  EXPECT_LT(smooth, 0.4 * plain);
  EXPECT_LT(smooth, 0.015);
  // The outlier channels are divided down the most.
  for (int64_t c : L.outlierChannels)
    EXPECT_GT(sq.inputScales[c], 5.0f);
  // The weights are RTN of W diag(s).
  std::vector<float> ws = scaleColumns(L.W.data(), L.N, L.K, sq.inputScales);
  EXPECT_EQ(sq.weights.values,
            quantizeWeightsRTN(ws.data(), L.N, L.K, a8w8WeightSpec()).values);
}

// α trades activation against weight difficulty: the default 0.5 is near the
// best here, and both extremes are worse.
TEST(SmoothQuant, AlphaSweep) {
  const SyntheticLayer &L = standardLayer();
  std::vector<float> amax = columnAbsMax(L.Xcal.data(), L.Mcal, L.K);
  auto err = [&](float alpha) {
    SmoothQuantResult sq = smoothQuant(L.W.data(), L.N, L.K, amax, alpha);
    return a8w8Error(L, &sq);
  };
  double mid = err(0.5f);
  EXPECT_LT(mid, err(0.1f));
  EXPECT_LT(mid, err(0.9f));
}

// Without outliers there is little to gain, and smoothing does little harm.
TEST(SmoothQuant, HarmlessWithoutOutliers) {
  const SyntheticLayer L = makeSyntheticLayer(256, 256, 256, 128, 22, 0);
  std::vector<float> amax = columnAbsMax(L.Xcal.data(), L.Mcal, L.K);
  SmoothQuantResult sq = smoothQuant(L.W.data(), L.N, L.K, amax);
  EXPECT_LT(a8w8Error(L, &sq), 1.25 * a8w8Error(L, nullptr));
}

} // namespace
