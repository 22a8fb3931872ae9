//===- QuantizeTensorTest.cpp - Whole-tensor quantization -----------------===//

#include "qforge/Quant/QuantizeTensor.h"

#include "qforge/Quant/Codebooks.h"
#include "qforge/Quant/Float8.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace qforge::quant;

namespace {

std::vector<float> randomData(size_t n, unsigned seed, float lo, float hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

struct Config {
  DType type;
  bool symmetric;
  ScaleLayout layout;
};

// Every value inside its group's range comes back within half a step (plus
// float32 rounding of the division and the product).
TEST(QuantizeTensor, IntegerRoundTripErrorIsHalfAStep) {
  Shape shape = {6, 37};
  std::vector<float> x = randomData(6 * 37, 1, -3.0f, 2.0f);
  const Config configs[] = {
      {DType::Int8, true, ScaleLayout::perTensor()},
      {DType::UInt8, false, ScaleLayout::perTensor()},
      {DType::Int8, true, ScaleLayout::perAxis(0)},
      {DType::UInt8, false, ScaleLayout::perAxis(1)},
      {DType::Int4, true, ScaleLayout::blocked(1, 8)},
      {DType::UInt4, false, ScaleLayout::blocked(1, 8)},
      {DType::Int4, true, ScaleLayout::blocked(0, 4)},
      {DType::Int2, true, ScaleLayout::blocked(1, 16)},
      {DType::Int16, false, ScaleLayout::perAxis(0)},
  };
  for (const Config &c : configs) {
    QuantSpec spec;
    spec.dtype = c.type;
    spec.symmetric = c.symmetric;
    spec.layout = c.layout;
    QuantizedTensor q = quantize(x, shape, spec);
    ASSERT_EQ(verifyParams(shape, c.type, q.params), "");
    std::vector<float> y = dequantize(q);
    ScaleIndexer index(shape, c.layout);
    IntRange r = intRange(c.type);
    for (size_t i = 0; i < x.size(); ++i) {
      ASSERT_GE(q.values[i], r.min);
      ASSERT_LE(q.values[i], r.max);
      float scale = q.params.scales[index(static_cast<int64_t>(i))];
      float bound = 0.5f * scale * 1.0001f;
      EXPECT_LE(std::fabs(y[i] - x[i]), bound)
          << dtypeName(c.type) << " element " << i;
    }
  }
}

TEST(QuantizeTensor, Float8PerChannelRelativeError) {
  Shape shape = {4, 64};
  std::vector<float> x = randomData(256, 2, -100.0f, 100.0f);
  for (DType type : {DType::F8E4M3FN, DType::F8E5M2}) {
    QuantSpec spec;
    spec.dtype = type;
    spec.layout = ScaleLayout::perAxis(0);
    QuantizedTensor q = quantize(x, shape, spec);
    std::vector<float> y = dequantize(q);
    // Half an ulp of a 3- (2-) bit mantissa, or the subnormal step.
    float rel = type == DType::F8E4M3FN ? 1.0f / 16 : 1.0f / 8;
    for (size_t i = 0; i < x.size(); ++i) {
      float scale = q.params.scales[i / 64];
      float sub = type == DType::F8E4M3FN ? std::ldexp(1.0f, -10) : std::ldexp(1.0f, -17);
      EXPECT_LE(std::fabs(y[i] - x[i]), std::fabs(x[i]) * rel * 1.0001f + sub * scale) << i;
    }
  }
}

TEST(QuantizeTensor, NF4BlockwiseIsNearestLevelTimesAbsmax) {
  Shape shape = {2, 100};
  std::vector<float> x = randomData(200, 3, -1.0f, 1.0f);
  x[0] = -5.0f; // dominates the first block
  QuantSpec spec;
  spec.dtype = DType::NF4;
  spec.layout = ScaleLayout::blocked(1, 64); // blocks of 64, 36
  QuantizedTensor q = quantize(x, shape, spec);
  ASSERT_EQ(q.params.scales.size(), 4u);
  EXPECT_EQ(q.params.scales[0], 5.0f);
  EXPECT_EQ(q.values[0], 0) << "absmax of a block is exactly -1 or 1";
  ScaleIndexer index(shape, spec.layout);
  std::vector<float> y = dequantize(q);
  for (size_t i = 0; i < x.size(); ++i) {
    float s = q.params.scales[index(static_cast<int64_t>(i))];
    EXPECT_EQ(q.values[i], encodeNF4(x[i] / s));
    EXPECT_EQ(y[i], nf4Levels()[q.values[i]] * s);
  }
}

TEST(QuantizeTensor, FP4WithScale) {
  std::vector<float> x = {0.0f, 2.5f, 4.8f, 8.6f, -30.0f, 13.0f};
  TensorParams p;
  p.scales = {2.0f};
  std::vector<int32_t> q = quantizeTensor(x.data(), {6}, DType::FP4E2M1, p);
  // 1.25 -> 1.0 (tie to even), 2.4 -> 2, 4.3 -> 4, -15 -> -6, 6.5 -> 6.
  EXPECT_EQ(q, (std::vector<int32_t>{0x0, 0x2, 0x4, 0x6, 0xF, 0x7}));
  std::vector<float> y = dequantizeTensor(q.data(), {6}, DType::FP4E2M1, p);
  EXPECT_EQ(y, (std::vector<float>{0.0f, 2.0f, 4.0f, 8.0f, -12.0f, 12.0f}));
}

TEST(QuantizeTensor, SpecialValuesPerType) {
  EXPECT_EQ(quantizeValue(DType::UInt8, NAN, 0.1f, 7), 7);
  EXPECT_EQ(quantizeValue(DType::Int4, INFINITY, 0.1f, 0), 7);
  EXPECT_EQ(quantizeValue(DType::Int4, -INFINITY, 0.1f, 0), -8);
  EXPECT_EQ(quantizeValue(DType::F8E4M3FN, INFINITY, 2.0f, 0), 0x7E);
  EXPECT_EQ(quantizeValue(DType::F8E4M3FN, INFINITY, 2.0f, 0, false), 0x7F);
  EXPECT_EQ(quantizeValue(DType::F8E5M2, -INFINITY, 2.0f, 0, false), 0xFC);
  EXPECT_EQ(quantizeValue(DType::F8E5M2, 1e6f, 2.0f, 0), 0x7B);
  EXPECT_EQ(quantizeValue(DType::NF4, NAN, 2.0f, 0), 7);
  EXPECT_EQ(quantizeValue(DType::FP4E2M1, NAN, 2.0f, 0), 0);
  // FP4 follows ONNX, which adds the float zero point +0 before the cast.
  EXPECT_EQ(quantizeValue(DType::FP4E2M1, -0.0f, 2.0f, 0), 0x0);
  EXPECT_EQ(quantizeValue(DType::FP4E2M1, -0.1f, 2.0f, 0), 0x8);
  EXPECT_EQ(quantizeValue(DType::F8E4M3FN, -0.0f, 2.0f, 0), 0x80);
  EXPECT_EQ(dequantizeValue(DType::F8E4M3FN, 0x38, 3.0f, 0), 3.0f);
  EXPECT_EQ(dequantizeValue(DType::Int8, -3, 0.5f, -1), -1.0f);
}

TEST(QuantizeTensor, VerifyParamsReportsMismatches) {
  TensorParams p;
  p.layout = ScaleLayout::perAxis(0);
  p.scales = {1.0f, 2.0f};
  EXPECT_EQ(verifyParams({2, 3}, DType::Int8, p), "");
  EXPECT_NE(verifyParams({3, 3}, DType::Int8, p), "");
  p.zeroPoints = {0};
  EXPECT_NE(verifyParams({2, 3}, DType::Int8, p), "");
  p.zeroPoints = {0, 300};
  EXPECT_NE(verifyParams({2, 3}, DType::UInt8, p), "");
  p.zeroPoints = {0, 1};
  EXPECT_NE(verifyParams({2, 3}, DType::F8E4M3FN, p), "");
  p.zeroPoints.clear();
  p.scales = {1.0f, 0.0f};
  EXPECT_NE(verifyParams({2, 3}, DType::Int8, p), "");
  p.scales = {1.0f, NAN};
  EXPECT_NE(verifyParams({2, 3}, DType::Int8, p), "");
}

TEST(QuantizeTensor, EmptyTensor) {
  QuantSpec spec;
  spec.layout = ScaleLayout::blocked(1, 4);
  QuantizedTensor q = quantize({}, {3, 0}, spec);
  EXPECT_TRUE(q.values.empty());
  EXPECT_EQ(q.params.scales.size(), 0u);
  EXPECT_TRUE(dequantize(q).empty());
}

} // namespace
