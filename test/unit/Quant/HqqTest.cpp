//===- HqqTest.cpp - HQQ --------------------------------------------------===//

#include "qforge/Quant/Hqq.h"

#include "qforge/Quant/WeightQuant.h"

#include "SyntheticLayer.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace qforge::quant;
using namespace qforge::quant::test;

namespace {

HqqResult runHqq(const float *W, int64_t N, int64_t K, const QuantSpec &spec,
                 const HqqOptions &options = {}) {
  std::string error;
  std::optional<HqqResult> r = hqqQuantize(W, N, K, spec, options, &error);
  EXPECT_TRUE(r.has_value()) << error;
  return r ? std::move(*r) : HqqResult{};
}

double meanAbsError(const std::vector<float> &a, const std::vector<float> &b) {
  double e = 0.0;
  for (size_t i = 0; i < a.size(); ++i)
    e += std::fabs(static_cast<double>(a[i]) - b[i]);
  return e / static_cast<double>(a.size());
}

// w4g64 asymmetric: lower weight error (the lp objective, mean |e|, and the
// L2 reconstruction error) and lower output error than RTN's min/max.
TEST(Hqq, BeatsRtnAtW4G64Asym) {
  const SyntheticLayer &L = standardLayer();
  QuantSpec spec = weightSpec(DType::UInt4, 64, false);
  std::vector<float> rtn =
      dequantize(quantizeWeightsRTN(L.W.data(), L.N, L.K, spec));
  HqqResult r = runHqq(L.W.data(), L.N, L.K, spec);
  expectWellFormed(r.weights);
  EXPECT_EQ(r.weights.dtype, DType::UInt4);
  EXPECT_FALSE(r.weights.params.zeroPoints.empty());
  std::vector<float> hqq = dequantize(r.weights);
  EXPECT_NEAR(r.initialMeanAbsError, meanAbsError(L.W, rtn), 1e-9);
  EXPECT_NEAR(r.finalMeanAbsError, meanAbsError(L.W, hqq), 1e-9);
  EXPECT_LT(r.finalMeanAbsError, 0.97 * r.initialMeanAbsError);
  double rtnRel = relativeError(L.W.data(), rtn.data(), rtn.size());
  double hqqRel = relativeError(L.W.data(), hqq.data(), hqq.size());
  EXPECT_LT(hqqRel, 0.985 * rtnRel);
  EXPECT_LT(evalError(L, hqq), 0.985 * evalError(L, rtn));
  // The codes are what quantizeTensor makes of W with those parameters.
  EXPECT_EQ(r.weights.values, quantizeTensor(L.W.data(), {L.N, L.K},
                                             spec.dtype, r.weights.params));
}

// At 2 bits the min/max range wastes much more, and HQQ recovers more.
TEST(Hqq, W2G64Asym) {
  const SyntheticLayer &L = standardLayer();
  QuantSpec spec = weightSpec(DType::UInt2, 64, false);
  std::vector<float> rtn =
      dequantize(quantizeWeightsRTN(L.W.data(), L.N, L.K, spec));
  HqqResult r = runHqq(L.W.data(), L.N, L.K, spec);
  expectWellFormed(r.weights);
  std::vector<float> hqq = dequantize(r.weights);
  EXPECT_LT(relativeError(L.W.data(), hqq.data(), hqq.size()),
            0.85 * relativeError(L.W.data(), rtn.data(), rtn.size()));
  EXPECT_LT(evalError(L, hqq), 0.85 * evalError(L, rtn));
}

// Each group keeps its best iterate, starting from RTN: never worse than RTN
// in mean |e|, in any mode, for every group.
TEST(Hqq, NeverWorseThanRtnPerGroup) {
  const SyntheticLayer L = makeSyntheticLayer(64, 200, 4, 4, 31, 0);
  for (bool optimizeScale : {false, true})
    for (bool stepUnits : {false, true})
      for (const QuantSpec &spec :
           {weightSpec(DType::UInt4, 64, false), weightSpec(DType::Int4, 32),
            weightSpec(DType::UInt8, 0, false), weightSpec(DType::UInt2, -1, false)}) {
        HqqOptions o;
        o.optimizeScale = optimizeScale;
        o.stepUnits = stepUnits;
        o.earlyStop = false;
        HqqResult r = runHqq(L.W.data(), L.N, L.K, spec, o);
        expectWellFormed(r.weights);
        std::vector<float> hqq = dequantize(r.weights);
        std::vector<float> rtn =
            dequantize(quantizeWeightsRTN(L.W.data(), L.N, L.K, spec));
        ScaleIndexer index({L.N, L.K}, spec.layout);
        std::vector<double> eh(r.weights.params.scales.size()), er(eh.size());
        for (int64_t i = 0; i < L.N * L.K; ++i) {
          eh[index(i)] += std::fabs(static_cast<double>(L.W[i]) - hqq[i]);
          er[index(i)] += std::fabs(static_cast<double>(L.W[i]) - rtn[i]);
        }
        for (size_t g = 0; g < eh.size(); ++g)
          ASSERT_LE(eh[g], er[g] * (1.0 + 1e-12)) << g;
        if (!optimizeScale && spec.symmetric) {
          EXPECT_EQ(hqq, rtn); // nothing to fit
        }
      }
}

// In step units the fit does not depend on the weights' magnitude: W * 4
// gives the same codes and exactly 4x the scales.
TEST(Hqq, ScaleInvariant) {
  const SyntheticLayer L = makeSyntheticLayer(32, 256, 4, 4, 32, 0);
  std::vector<float> W4(L.W.size());
  for (size_t i = 0; i < W4.size(); ++i)
    W4[i] = 4.0f * L.W[i];
  QuantSpec spec = weightSpec(DType::UInt4, 64, false);
  HqqResult a = runHqq(L.W.data(), L.N, L.K, spec);
  HqqResult b = runHqq(W4.data(), L.N, L.K, spec);
  EXPECT_EQ(a.weights.values, b.weights.values);
  EXPECT_EQ(a.weights.params.zeroPoints, b.weights.params.zeroPoints);
  for (size_t i = 0; i < a.weights.params.scales.size(); ++i)
    ASSERT_EQ(4.0f * a.weights.params.scales[i], b.weights.params.scales[i]);
}

// The scale dtype is honoured: the fitted scales are representable.
TEST(Hqq, ScaleDType) {
  const SyntheticLayer L = makeSyntheticLayer(16, 128, 4, 4, 33, 0);
  QuantSpec spec = weightSpec(DType::UInt4, 64, false, ScaleDType::F16);
  HqqResult r = runHqq(L.W.data(), L.N, L.K, spec);
  expectWellFormed(r.weights);
  for (float s : r.weights.params.scales)
    ASSERT_EQ(roundScale(s, ScaleDType::F16), s);
}

TEST(Hqq, InvalidInputs) {
  const SyntheticLayer L = makeSyntheticLayer(4, 64, 4, 4, 34, 0);
  std::string error;
  EXPECT_FALSE(hqqQuantize(L.W.data(), L.N, L.K, weightSpec(DType::NF4, 64),
                           {}, &error)
                   .has_value());
  EXPECT_NE(error.find("HQQ: needs an integer storage type, got nf4"),
            std::string::npos)
      << error;
  HqqOptions o;
  o.lpNorm = 0.0f;
  EXPECT_FALSE(hqqQuantize(L.W.data(), L.N, L.K,
                           weightSpec(DType::UInt4, 64, false), o, &error)
                   .has_value());
  std::vector<float> W = L.W;
  W[0] = INFINITY;
  EXPECT_FALSE(hqqQuantize(W.data(), L.N, L.K,
                           weightSpec(DType::UInt4, 64, false), {}, &error)
                   .has_value());
}

} // namespace
