//===- WeightQuantTest.cpp - RTN on [N, K] weights, scheme -> spec --------===//

#include "qforge/Quant/WeightQuant.h"

#include "SyntheticLayer.h"

#include <gtest/gtest.h>

using namespace qforge::quant;
using qforge::quant::test::Gaussian;

namespace {

std::vector<float> gaussianMatrix(int64_t rows, int64_t cols, uint32_t seed) {
  Gaussian g(seed);
  std::vector<float> v(static_cast<size_t>(rows * cols));
  for (float &x : v)
    x = static_cast<float>(g());
  return v;
}

QuantSpec specOf(const char *text) {
  std::optional<Scheme> s = Scheme::parse(text);
  EXPECT_TRUE(s.has_value()) << text;
  return weightSpec(*s);
}

TEST(WeightQuant, SpecFromScheme) {
  QuantSpec s = specOf("w4g128");
  EXPECT_EQ(s.dtype, DType::Int4);
  EXPECT_TRUE(s.symmetric);
  EXPECT_EQ(s.layout, ScaleLayout::blocked(1, 128));

  s = specOf("w4g128asym");
  EXPECT_EQ(s.dtype, DType::UInt4);
  EXPECT_FALSE(s.symmetric);

  s = specOf("w8");
  EXPECT_EQ(s.dtype, DType::Int8);
  EXPECT_EQ(s.layout, ScaleLayout::perAxis(0));

  s = specOf("w8-tensor");
  EXPECT_EQ(s.layout, ScaleLayout::perTensor());

  s = specOf("w2g64asym");
  EXPECT_EQ(s.dtype, DType::UInt2);

  s = specOf("nf4g64-bf16");
  EXPECT_EQ(s.dtype, DType::NF4);
  EXPECT_EQ(s.scaleType, ScaleDType::BF16);
  EXPECT_EQ(s.layout, ScaleLayout::blocked(1, 64));

  EXPECT_EQ(specOf("fp8").dtype, DType::F8E4M3FN);
  EXPECT_EQ(specOf("fp8e5m2").dtype, DType::F8E5M2);
  EXPECT_EQ(specOf("fp4g32").dtype, DType::FP4E2M1);
  // a8w8 quantizes its weights as w8 does.
  EXPECT_EQ(specOf("a8w8").dtype, DType::Int8);
}

TEST(WeightQuant, VerifyWeightSpec) {
  EXPECT_EQ(verifyWeightSpec(4, 10, weightSpec(DType::Int4, 3)), "");
  EXPECT_EQ(verifyWeightSpec(4, 10, weightSpec(DType::Int8, 0)), "");
  EXPECT_EQ(verifyWeightSpec(4, 10, weightSpec(DType::Int8, -1)), "");
  QuantSpec s = weightSpec(DType::Int8, 0);
  s.layout = ScaleLayout::perAxis(-2);
  EXPECT_EQ(verifyWeightSpec(4, 10, s), "");
  s.layout = ScaleLayout::perAxis(1);
  EXPECT_NE(verifyWeightSpec(4, 10, s).find("per output channel"),
            std::string::npos);
  s.layout = ScaleLayout::blocked(0, 2);
  EXPECT_NE(verifyWeightSpec(4, 10, s).find("along K"), std::string::npos);
  s.layout = ScaleLayout::blocked(1, 0);
  EXPECT_NE(verifyWeightSpec(4, 10, s), "");
}

TEST(WeightQuant, ScaleIndexMatchesScaleIndexer) {
  const int64_t N = 5, K = 37;
  for (const QuantSpec &spec :
       {weightSpec(DType::Int4, 8), weightSpec(DType::Int8, 0),
        weightSpec(DType::Int8, -1), weightSpec(DType::UInt4, 37, false),
        weightSpec(DType::Int4, 100)}) {
    ScaleIndexer index({N, K}, spec.layout);
    EXPECT_EQ(numWeightGroups(K, spec) * (spec.layout.kind == ScaleLayout::Kind::Tensor ? 1 : N),
              numElements(scaleShape({N, K}, spec.layout)));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k)
        ASSERT_EQ(weightScaleIndex(spec, K, n, k), index(n * K + k));
  }
}

// RTN is QuantizeTensor's quantize(): same parameters, same codes, bit for
// bit, including a partial last group.
TEST(WeightQuant, RtnIsQuantize) {
  const int64_t N = 24, K = 100;
  std::vector<float> W = gaussianMatrix(N, K, 3);
  for (const char *scheme : {"w8", "w8-tensor", "w4g32", "w4g32asym", "w2g64",
                             "w2g64asym", "nf4g64", "fp8", "fp4g32",
                             "w4g32-f16", "w8asym"}) {
    SCOPED_TRACE(scheme);
    QuantSpec spec = specOf(scheme);
    QuantizedTensor rtn = quantizeWeightsRTN(W.data(), N, K, spec);
    QuantizedTensor ref = quantize(W, {N, K}, spec);
    EXPECT_EQ(rtn.dtype, ref.dtype);
    EXPECT_EQ(rtn.shape, ref.shape);
    EXPECT_EQ(rtn.values, ref.values);
    EXPECT_EQ(rtn.params.scales, ref.params.scales);
    EXPECT_EQ(rtn.params.zeroPoints, ref.params.zeroPoints);
    qforge::quant::test::expectWellFormed(rtn);
  }
}

} // namespace
