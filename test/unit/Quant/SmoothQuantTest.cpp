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
  // W [2, 3]: column absmax 4, 0.25, 0 (a dead weight column). Without the
  // activation floor, the paper's formula.
  float W[] = {4.0f, -0.25f, 0.0f, -1.0f, 0.125f, 0.0f};
  std::vector<float> act = {16.0f, 1.0f, 9.0f};
  std::vector<float> s = smoothQuantScales(act, W, 2, 3, 0.5f, 0.0f);
  EXPECT_FLOAT_EQ(s[0], 2.0f);         // sqrt(16) / sqrt(4)
  EXPECT_FLOAT_EQ(s[1], 2.0f);         // sqrt(1) / sqrt(0.25)
  EXPECT_FLOAT_EQ(s[2], 3.0f / std::sqrt(1e-5f)); // weight max clamped
  // α = 1: all into the weights; α = 0: s = 1 / max|W|.
  s = smoothQuantScales(act, W, 2, 3, 1.0f, 0.0f);
  EXPECT_FLOAT_EQ(s[0], 16.0f);
  s = smoothQuantScales(act, W, 2, 3, 0.0f, 0.0f);
  EXPECT_FLOAT_EQ(s[0], 0.25f);
  EXPECT_FLOAT_EQ(s[1], 4.0f);
  // An activation channel that is always 0 gets the 1e-5 floor, not 0.
  s = smoothQuantScales({0.0f, 1.0f, 1.0f}, W, 2, 3, 0.5f, 0.0f);
  EXPECT_FLOAT_EQ(s[0], 1e-5f);
}

TEST(SmoothQuant, ActivationFloor) {
  float W[] = {4.0f, -0.25f, 0.0f, -1.0f, 0.125f, 0.0f};
  // Median of the live maxima {16, 1, 9} is 9: the default floor (0.5)
  // raises channel 1's max to 4.5; the others are above it.
  std::vector<float> s = smoothQuantScales({16.0f, 1.0f, 9.0f}, W, 2, 3);
  EXPECT_FLOAT_EQ(s[0], 2.0f);
  EXPECT_FLOAT_EQ(s[1], std::sqrt(4.5f) / 0.5f);
  // A channel never non-zero in calibration counts as floor x median of
  // the live ones ({1, 1}: 0.5), so that when it fires on other inputs it is
  // not multiplied by 1e5.
  s = smoothQuantScales({0.0f, 1.0f, 1.0f}, W, 2, 3);
  EXPECT_FLOAT_EQ(s[0], std::sqrt(0.5f) / 2.0f);
  // No channel ever non-zero: the statistics say nothing, no smoothing.
  s = smoothQuantScales({0.0f, 0.0f, 0.0f}, W, 2, 3);
  EXPECT_EQ(s, std::vector<float>(3, 1.0f));
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

// Channels that are zero on every calibration row but not on other inputs
// (image borders, rarely firing features; a small calibration set): the
// paper's formula divides them by 1e-5, so on held-out rows they swamp the
// per-token int8 scale. The activation floor keeps SmoothQuant within
// reach of plain a8w8 there, and its gain on the outliers.
TEST(SmoothQuant, GeneralizesPastChannelsDeadInCalibration) {
  SyntheticLayer L = makeSyntheticLayer(256, 256, 128, 128, 5);
  for (int64_t c = 0; c < L.K; c += 16)
    for (int64_t m = 0; m < L.Mcal; ++m)
      L.Xcal[m * L.K + c] = 0.0f;
  std::vector<float> amax = columnAbsMax(L.Xcal.data(), L.Mcal, L.K);
  SmoothQuantResult paper = smoothQuant(L.W.data(), L.N, L.K, amax, 0.5f,
                                        a8w8WeightSpec(), 0.0f);
  SmoothQuantResult floored = smoothQuant(L.W.data(), L.N, L.K, amax);
  double plain = a8w8Error(L, nullptr);
  double unfloored = a8w8Error(L, &paper), smooth = a8w8Error(L, &floored);
  EXPECT_GT(unfloored, 5 * plain) << unfloored << " vs plain " << plain;
  EXPECT_LT(smooth, plain) << smooth << " vs plain " << plain;
}

// Without outliers there is little to gain, and smoothing does little harm.
TEST(SmoothQuant, HarmlessWithoutOutliers) {
  const SyntheticLayer L = makeSyntheticLayer(256, 256, 256, 128, 22, 0);
  std::vector<float> amax = columnAbsMax(L.Xcal.data(), L.Mcal, L.K);
  SmoothQuantResult sq = smoothQuant(L.W.data(), L.N, L.K, amax);
  EXPECT_LT(a8w8Error(L, &sq), 1.25 * a8w8Error(L, nullptr));
}

} // namespace
