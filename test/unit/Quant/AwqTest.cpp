//===- AwqTest.cpp - AWQ --------------------------------------------------===//

#include "qforge/Quant/Awq.h"
#include "qforge/Quant/Gptq.h"

#include "qforge/Quant/ChannelScaling.h"
#include "qforge/Quant/WeightQuant.h"

#include "SyntheticLayer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace qforge::quant;
using namespace qforge::quant::test;

namespace {

/// AWQ's search uses the first 256 calibration rows (as a sample would be).
constexpr int64_t kAwqRows = 256;

AwqResult runAwq(const SyntheticLayer &L, const QuantSpec &spec,
                 const AwqOptions &options = {}) {
  std::string error;
  std::optional<AwqResult> r = awqQuantize(L.W.data(), L.N, L.K, L.Xcal.data(),
                                           kAwqRows, spec, options, &error);
  EXPECT_TRUE(r.has_value()) << error;
  return r ? std::move(*r) : AwqResult{};
}

/// The weight the quantized layer effectively applies to X: Q(W s) / s.
std::vector<float> effectiveWeight(const AwqResult &r) {
  std::vector<float> dq = dequantize(r.weights);
  return divideColumns(dq.data(), r.weights.shape[0], r.weights.shape[1],
                       r.inputScales);
}

TEST(Awq, BeatsRtnAtW4G128) {
  const SyntheticLayer &L = standardLayer();
  QuantSpec spec = weightSpec(DType::Int4, 128);
  QuantizedTensor rtn = quantizeWeightsRTN(L.W.data(), L.N, L.K, spec);
  AwqResult r = runAwq(L, spec);
  expectWellFormed(r.weights);
  double rtnErr = evalError(L, dequantize(rtn));
  double awqErr = evalError(L, effectiveWeight(r));
  EXPECT_LT(awqErr, 0.6 * rtnErr);
  EXPECT_GT(r.alpha, 0.0);
  EXPECT_LT(r.alpha, 1.0);

  // The grid: gridSize + 1 candidates, α = 0 is exactly RTN, the result is
  // the grid's minimum.
  ASSERT_EQ(r.gridErrors.size(), 21u);
  EXPECT_NEAR(r.gridErrors[0],
              relativeOutputError(L.Xcal.data(), kAwqRows, L.K, L.W.data(),
                                  dequantize(rtn).data(), L.N),
              1e-9);
  EXPECT_EQ(r.calibrationError,
            *std::min_element(r.gridErrors.begin(), r.gridErrors.end()));
  EXPECT_EQ(r.gridErrors[static_cast<size_t>(std::lround(r.alpha * 20))],
            r.calibrationError);

  // s = mean|x|^α normalised so that max(s) * min(s) = 1; the outlier
  // channels get the largest scales.
  std::vector<float> meanAbs = columnMeanAbs(L.Xcal.data(), kAwqRows, L.K);
  float smax = *std::max_element(r.inputScales.begin(), r.inputScales.end());
  float smin = *std::min_element(r.inputScales.begin(), r.inputScales.end());
  EXPECT_NEAR(smax * smin, 1.0, 1e-5);
  for (int64_t c : L.outlierChannels)
    EXPECT_GT(r.inputScales[c], 1.0f);
  for (int64_t k = 1; k < L.K; ++k) {
    if (meanAbs[k] > meanAbs[0]) {
      EXPECT_GE(r.inputScales[k], r.inputScales[0]);
    }
  }

  // The weights are RTN of W diag(s), bit for bit.
  std::vector<float> ws = scaleColumns(L.W.data(), L.N, L.K, r.inputScales);
  QuantizedTensor ref = quantizeWeightsRTN(ws.data(), L.N, L.K, spec);
  EXPECT_EQ(r.weights.values, ref.values);
  EXPECT_EQ(r.weights.params.scales, ref.params.scales);
  EXPECT_TRUE(r.clipRatios.empty());
}

// The clip search (auto_clip) lowers the error further. It runs after the
// scale search, so the unclipped result is RTN of W diag(s) with the same s.
TEST(Awq, ClipSearch) {
  const SyntheticLayer &L = standardLayer();
  QuantSpec spec = weightSpec(DType::UInt4, 128, false);
  AwqOptions o;
  o.clipSearch = true;
  AwqResult clipped = runAwq(L, spec, o);
  expectWellFormed(clipped.weights);
  AwqResult plain;
  plain.inputScales = clipped.inputScales;
  std::vector<float> ws = scaleColumns(L.W.data(), L.N, L.K, plain.inputScales);
  plain.weights = quantizeWeightsRTN(ws.data(), L.N, L.K, spec);
  double plainCal =
      *std::min_element(clipped.gridErrors.begin(), clipped.gridErrors.end());

  ASSERT_EQ(clipped.clipRatios.size(), clipped.weights.params.scales.size());
  size_t shrunk = 0;
  for (float r : clipped.clipRatios) {
    EXPECT_GE(r, 0.55f - 1e-6f);
    EXPECT_LE(r, 1.0f);
    shrunk += r < 1.0f;
  }
  EXPECT_GT(shrunk, 0u);
  EXPECT_LT(clipped.calibrationError, plainCal);
  EXPECT_LT(evalError(L, effectiveWeight(clipped)),
            evalError(L, effectiveWeight(plain)));
  // Groups that kept ratio 1 kept RTN's parameters.
  for (size_t i = 0; i < clipped.clipRatios.size(); ++i)
    if (clipped.clipRatios[i] == 1.0f) {
      ASSERT_EQ(clipped.weights.params.scales[i], plain.weights.params.scales[i]);
      ASSERT_EQ(clipped.weights.params.zeroPoint(i), plain.weights.params.zeroPoint(i));
    }
}

// Grouped NF4 and per-channel w4 (a coarser grid): still better than RTN.
TEST(Awq, OtherFormats) {
  const SyntheticLayer &L = standardLayer();
  AwqOptions o;
  o.gridSize = 10;
  for (const char *name : {"nf4g64", "w4"}) {
    SCOPED_TRACE(name);
    QuantSpec spec = weightSpec(*Scheme::parse(name));
    AwqResult r = runAwq(L, spec, o);
    expectWellFormed(r.weights);
    double rtn = evalError(
        L, dequantize(quantizeWeightsRTN(L.W.data(), L.N, L.K, spec)));
    EXPECT_LT(evalError(L, effectiveWeight(r)), 0.8 * rtn);
  }
}

// A statistic from the full calibration set, with a small sample for the
// error: the same kind of result.
TEST(Awq, GivenStatistic) {
  const SyntheticLayer &L = standardLayer();
  QuantSpec spec = weightSpec(DType::Int4, 128);
  AwqOptions o;
  o.activationMeanAbs = columnMeanAbs(L.Xcal.data(), L.Mcal, L.K);
  o.gridSize = 10;
  std::string error;
  std::optional<AwqResult> r = awqQuantize(L.W.data(), L.N, L.K, L.Xcal.data(),
                                           64, spec, o, &error);
  ASSERT_TRUE(r.has_value()) << error;
  double rtn = evalError(
      L, dequantize(quantizeWeightsRTN(L.W.data(), L.N, L.K, spec)));
  EXPECT_LT(evalError(L, effectiveWeight(*r)), 0.7 * rtn);

  o.activationMeanAbs.pop_back();
  EXPECT_FALSE(awqQuantize(L.W.data(), L.N, L.K, L.Xcal.data(), 64, spec, o,
                           &error)
                   .has_value());
  EXPECT_NE(error.find("activationMeanAbs has 511 entries"), std::string::npos)
      << error;
}

TEST(Awq, InvalidInputs) {
  const SyntheticLayer L = makeSyntheticLayer(8, 64, 16, 4, 21, 0);
  std::string error;
  QuantSpec bad = weightSpec(DType::Int4, 32);
  bad.layout = ScaleLayout::blocked(0, 4);
  EXPECT_FALSE(awqQuantize(L.W.data(), L.N, L.K, L.Xcal.data(), L.Mcal, bad,
                           {}, &error)
                   .has_value());
  EXPECT_NE(error.find("AWQ: weight groups must run along K"),
            std::string::npos)
      << error;
  std::vector<float> X = L.Xcal;
  X[3] = std::nanf("");
  EXPECT_FALSE(awqQuantize(L.W.data(), L.N, L.K, X.data(), L.Mcal,
                           weightSpec(DType::Int4, 32), {}, &error)
                   .has_value());
  EXPECT_NE(error.find("non-finite"), std::string::npos) << error;
  AwqOptions o;
  o.clipSearch = true;
  o.maxShrink = 1.0;
  EXPECT_FALSE(awqQuantize(L.W.data(), L.N, L.K, L.Xcal.data(), L.Mcal,
                           weightSpec(DType::Int4, 32), o, &error)
                   .has_value());
}

} // namespace

// From statistics alone (X^T X and mean |x|, what qforge-calibrate records),
// AWQ makes the same choice as from the activations themselves: the pseudo
// rows reproduce every output error it measures.
TEST(Awq, FromGramMatrixMatchesActivations) {
  const SyntheticLayer &L = standardLayer();
  QuantSpec spec = weightSpec(DType::Int4, 128);
  std::vector<double> H(size_t(L.K) * size_t(L.K), 0.0);
  accumulateHessian(H, L.Xcal.data(), kAwqRows, L.K);
  std::vector<float> Hf(H.begin(), H.end());
  std::vector<float> meanAbs = columnMeanAbs(L.Xcal.data(), kAwqRows, L.K);
  std::string error;
  std::optional<AwqResult> fromGram = awqQuantizeFromGram(
      L.W.data(), L.N, L.K, Hf.data(), meanAbs, spec, {}, /*percDamp=*/1e-6,
      &error);
  ASSERT_TRUE(fromGram) << error;
  AwqResult direct = runAwq(L, spec);
  EXPECT_EQ(fromGram->alpha, direct.alpha);
  ASSERT_EQ(fromGram->gridErrors.size(), direct.gridErrors.size());
  for (size_t i = 0; i < direct.gridErrors.size(); ++i)
    EXPECT_NEAR(fromGram->gridErrors[i], direct.gridErrors[i],
                1e-3 * direct.gridErrors[i]);
  QuantizedTensor rtn = quantizeWeightsRTN(L.W.data(), L.N, L.K, spec);
  EXPECT_LT(evalError(L, effectiveWeight(*fromGram)),
            0.6 * evalError(L, dequantize(rtn)));

  std::vector<float> wrong(L.K - 1, 1.0f);
  EXPECT_FALSE(awqQuantizeFromGram(L.W.data(), L.N, L.K, Hf.data(), wrong,
                                   spec, {}, 0.01, &error));
  EXPECT_NE(error.find("mean |x| has"), std::string::npos);
}
