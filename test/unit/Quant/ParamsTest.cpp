//===- ParamsTest.cpp - Scale / zero-point choice and layouts -------------===//

#include "qforge/Quant/Params.h"

#include "qforge/Quant/Float16.h"
#include "qforge/Quant/QuantizeTensor.h"
#include "qforge/Quant/Rounding.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace qforge::quant;

namespace {

QuantSpec spec(DType type, bool symmetric = true,
               ScaleDType scaleType = ScaleDType::F32) {
  QuantSpec s;
  s.dtype = type;
  s.symmetric = symmetric;
  s.scaleType = scaleType;
  return s;
}

Range range(float lo, float hi) {
  Range r;
  r.add(lo);
  r.add(hi);
  return r;
}

TEST(Params, SymmetricSigned) {
  QuantParams p = chooseParams(range(-3.0f, 5.0f), spec(DType::Int8));
  EXPECT_EQ(p.scale, 5.0f / 127.0f);
  EXPECT_EQ(p.zeroPoint, 0);
  // -amax maps to -127; the full [-128, 127] stays usable by clamping.
  EXPECT_EQ(quantizeInt(-5.0f, p.scale, 0, intRange(DType::Int8)), -127);
  EXPECT_EQ(quantizeInt(-6.0f, p.scale, 0, intRange(DType::Int8)), -128);
  EXPECT_EQ(chooseParams(range(-7.0f, 2.0f), spec(DType::Int4)).scale, 1.0f);
  EXPECT_EQ(chooseParams(range(-4.0f, 2.0f), spec(DType::Int2)).scale, 4.0f);
}

TEST(Params, SymmetricUnsignedCentresTheZeroPoint) {
  QuantParams p = chooseParams(range(-3.0f, 5.0f), spec(DType::UInt8));
  EXPECT_EQ(p.zeroPoint, 128);
  EXPECT_EQ(p.scale, 5.0f / 127.0f);
  QuantParams p4 = chooseParams(range(-1.0f, 7.0f), spec(DType::UInt4));
  EXPECT_EQ(p4.zeroPoint, 8);
  EXPECT_EQ(p4.scale, 1.0f);
}

TEST(Params, Asymmetric) {
  QuantParams p = chooseParams(range(-1.0f, 3.0f), spec(DType::UInt8, false));
  EXPECT_EQ(p.scale, 4.0f / 255.0f);
  EXPECT_EQ(p.zeroPoint, 64); // 1 / (4/255) = 63.75
  QuantParams s8 = chooseParams(range(-1.0f, 3.0f), spec(DType::Int8, false));
  EXPECT_EQ(s8.scale, 4.0f / 255.0f);
  EXPECT_EQ(s8.zeroPoint, -64); // -128 + 63.75
  // The range is widened to include 0 so that 0 is exact.
  QuantParams pos = chooseParams(range(2.0f, 6.0f), spec(DType::UInt8, false));
  EXPECT_EQ(pos.scale, 6.0f / 255.0f);
  EXPECT_EQ(pos.zeroPoint, 0);
  QuantParams neg = chooseParams(range(-6.0f, -2.0f), spec(DType::UInt4, false));
  EXPECT_EQ(neg.scale, 6.0f / 15.0f);
  EXPECT_EQ(neg.zeroPoint, 15);
  EXPECT_EQ(quantizeInt(0.0f, neg.scale, neg.zeroPoint, intRange(DType::UInt4)), 15);
}

TEST(Params, ZeroAndEmptyRangesGiveScaleOne) {
  for (DType type : {DType::Int8, DType::UInt8, DType::Int4, DType::F8E4M3FN,
                     DType::NF4, DType::FP4E2M1}) {
    for (bool symmetric : {true, false}) {
      QuantParams p = chooseParams(range(0.0f, 0.0f), spec(type, symmetric));
      EXPECT_EQ(p.scale, 1.0f) << dtypeName(type);
      QuantParams e = chooseParams(Range(), spec(type, symmetric));
      EXPECT_EQ(e.scale, 1.0f) << dtypeName(type);
      // Whatever the zero point, 0 quantizes and dequantizes back to 0.
      int32_t q = quantizeValue(type, 0.0f, p.scale, p.zeroPoint);
      EXPECT_EQ(dequantizeValue(type, q, p.scale, p.zeroPoint), 0.0f);
    }
  }
}

TEST(Params, ReducedRange) {
  QuantSpec s = spec(DType::UInt8, false);
  s.reduceRange = true;
  QuantParams p = chooseParams(range(-1.0f, 3.0f), s);
  EXPECT_EQ(p.scale, 4.0f / 127.0f);
  s = spec(DType::Int8);
  s.reduceRange = true;
  EXPECT_EQ(chooseParams(range(-1.0f, 3.0f), s).scale, 3.0f / 63.0f);
}

TEST(Params, FloatFormats) {
  EXPECT_EQ(chooseParams(range(-896.0f, 10.0f), spec(DType::F8E4M3FN)).scale, 2.0f);
  EXPECT_EQ(chooseParams(range(-1.0f, 57344.0f), spec(DType::F8E5M2)).scale, 1.0f);
  EXPECT_EQ(chooseParams(range(-3.0f, 12.0f), spec(DType::FP4E2M1)).scale, 2.0f);
  QuantParams nf4 = chooseParams(range(-0.3f, 0.2f), spec(DType::NF4));
  EXPECT_EQ(nf4.scale, 0.3f);
  EXPECT_EQ(nf4.zeroPoint, 0);
  // Float formats ignore `symmetric`.
  EXPECT_EQ(chooseParams(range(1.0f, 3.0f), spec(DType::NF4, false)).zeroPoint, 0);
}

// ONNX DynamicQuantizeLinear's documented examples.
TEST(Params, DynamicQuantizeLinearExamples) {
  std::vector<float> x = {0, 2, -3, -2.5f, 1.34f, 0.5f};
  QuantSpec s = spec(DType::UInt8, false);
  TensorParams p = chooseTensorParams(x.data(), {6}, s);
  EXPECT_FLOAT_EQ(p.scales[0], 0.0196078438f);
  EXPECT_EQ(p.scales[0], 5.0f / 255.0f);
  EXPECT_EQ(p.zeroPoint(0), 153);
  std::vector<float> y = {-1.0f, -2.1f, -1.3f, -2.5f, -3.34f, -4.0f};
  p = chooseTensorParams(y.data(), {6}, s);
  EXPECT_EQ(p.zeroPoint(0), 255);
  EXPECT_FLOAT_EQ(p.scales[0], 0.0156862754f);
}

TEST(Params, ScaleDTypeRoundingIsWhatQuantizationUses) {
  // 1/127 is not representable in f16 or bf16.
  for (ScaleDType st : {ScaleDType::F16, ScaleDType::BF16}) {
    QuantParams p = chooseParams(range(-1.0f, 1.0f), spec(DType::Int8, true, st));
    EXPECT_EQ(p.scale, roundToScaleDType(1.0f / 127.0f, st));
    EXPECT_NE(p.scale, 1.0f / 127.0f);
    // The asymmetric zero point is derived from the rounded scale.
    QuantParams a = chooseParams(range(-1.0f, 3.0f), spec(DType::UInt8, false, st));
    float rounded = roundToScaleDType(4.0f / 255.0f, st);
    EXPECT_EQ(a.scale, rounded);
    EXPECT_EQ(a.zeroPoint, static_cast<int32_t>(roundHalfEven(1.0f / rounded)));
  }
  // Scales too small for f16 become its smallest subnormal, never 0.
  QuantParams tiny = chooseParams(range(-1e-9f, 1e-9f), spec(DType::Int8, true, ScaleDType::F16));
  EXPECT_EQ(tiny.scale, std::ldexp(1.0f, -24));
  // Too large for f16: its largest finite.
  QuantParams huge = chooseParams(range(-1e9f, 1e9f), spec(DType::Int8, true, ScaleDType::F16));
  EXPECT_EQ(huge.scale, 65504.0f);
}

TEST(Params, NonFiniteValuesDoNotWidenTheRange) {
  std::vector<float> x = {1.0f, NAN, -2.0f, INFINITY, -INFINITY};
  TensorParams p = chooseTensorParams(x.data(), {5}, spec(DType::Int8));
  EXPECT_EQ(p.scales[0], 2.0f / 127.0f);
}

TEST(Layout, ScaleShapes) {
  Shape s = {2, 5, 3};
  EXPECT_EQ(scaleShape(s, ScaleLayout::perTensor()), Shape{});
  EXPECT_EQ(scaleShape(s, ScaleLayout::perAxis(1)), Shape{5});
  EXPECT_EQ(scaleShape(s, ScaleLayout::perAxis(-1)), Shape{3});
  EXPECT_EQ(scaleShape(s, ScaleLayout::blocked(1, 2)), (Shape{2, 3, 3}));
  EXPECT_EQ(scaleShape(s, ScaleLayout::blocked(1, 5)), (Shape{2, 1, 3}));
  EXPECT_EQ(scaleShape(s, ScaleLayout::blocked(-3, 4)), (Shape{1, 5, 3}));
  EXPECT_NE(verifyLayout(s, ScaleLayout::perAxis(3)), "");
  EXPECT_NE(verifyLayout(s, ScaleLayout::perAxis(-4)), "");
  EXPECT_NE(verifyLayout(s, ScaleLayout::blocked(0, 0)), "");
  EXPECT_NE(verifyLayout({}, ScaleLayout::perAxis(0)), "");
  EXPECT_EQ(verifyLayout({}, ScaleLayout::perTensor()), "");
}

TEST(Layout, IndexerMatchesNestedLoops) {
  Shape s = {3, 7, 4};
  for (int64_t axis = 0; axis < 3; ++axis) {
    for (int64_t block : {1, 2, 3, 7, 9}) {
      ScaleLayout layout = ScaleLayout::blocked(axis, block);
      Shape ss = scaleShape(s, layout);
      ScaleIndexer index(s, layout);
      int64_t flat = 0;
      for (int64_t i = 0; i < s[0]; ++i)
        for (int64_t j = 0; j < s[1]; ++j)
          for (int64_t k = 0; k < s[2]; ++k, ++flat) {
            int64_t c[3] = {i, j, k};
            c[axis] /= block;
            EXPECT_EQ(index(flat), (c[0] * ss[1] + c[1]) * ss[2] + c[2]);
          }
      ScaleIndexer perAxis(s, ScaleLayout::perAxis(axis));
      flat = 0;
      for (int64_t i = 0; i < s[0]; ++i)
        for (int64_t j = 0; j < s[1]; ++j)
          for (int64_t k = 0; k < s[2]; ++k, ++flat) {
            int64_t c[3] = {i, j, k};
            EXPECT_EQ(perAxis(flat), c[axis]);
          }
    }
  }
}

TEST(Params, RunsShareOneScale) {
  // forEachRun visits every element once, in order, in runs whose elements
  // all have the scale index it passes (what the quantize loops rely on),
  // for every layout kind, axis and block size, including ragged blocks.
  for (Shape s : {Shape{4, 5, 6}, Shape{3, 10}, Shape{7}, Shape{2, 1, 9}})
    for (int64_t axis = 0; axis < int64_t(s.size()); ++axis) {
      std::vector<ScaleLayout> layouts = {ScaleLayout::perTensor(),
                                          ScaleLayout::perAxis(axis)};
      for (int64_t block : {1, 2, 4, 7, 64})
        layouts.push_back(ScaleLayout::blocked(axis, block));
      for (const ScaleLayout &layout : layouts) {
        ScaleIndexer index(s, layout);
        int64_t n = numElements(s), next = 0, runs = 0;
        index.forEachRun(n, [&](int64_t first, int64_t length, int64_t id) {
          ASSERT_EQ(first, next);
          ASSERT_GE(length, 1);
          for (int64_t i = first; i < first + length; ++i)
            ASSERT_EQ(index(i), id) << "element " << i;
          next = first + length;
          ++runs;
        });
        EXPECT_EQ(next, n);
        if (layout.kind == ScaleLayout::Kind::Tensor)
          EXPECT_EQ(runs, 1);
      }
    }
}

TEST(Params, PerChannel) {
  // [2, 3]: per output channel (axis 0) and per column (axis 1).
  std::vector<float> w = {1.0f, -4.0f, 2.0f, //
                          0.5f, 0.25f, -0.125f};
  TensorParams rows = chooseTensorParams(w.data(), {2, 3}, [] {
    QuantSpec s = spec(DType::Int8);
    s.layout = ScaleLayout::perAxis(0);
    return s;
  }());
  EXPECT_EQ(rows.scales, (std::vector<float>{4.0f / 127, 0.5f / 127}));
  EXPECT_TRUE(rows.zeroPoints.empty()) << "all-zero zero points are omitted";
  QuantSpec cs = spec(DType::UInt8, false);
  cs.layout = ScaleLayout::perAxis(-1);
  TensorParams cols = chooseTensorParams(w.data(), {2, 3}, cs);
  EXPECT_EQ(cols.scales, (std::vector<float>{1.0f / 255, 4.25f / 255, 2.125f / 255}));
  EXPECT_EQ(cols.zeroPoints, (std::vector<int32_t>{0, 240, 15}));
}

TEST(Params, PerGroupWithPartialLastGroup) {
  // [2, 5] in groups of 2 along K: groups {0,1}, {2,3}, {4} per row.
  std::vector<float> w = {1.0f, -2.0f, 3.0f, 4.0f, -10.0f, //
                          0.0f, 0.0f, -1.0f, 0.5f, 6.0f};
  QuantSpec s = spec(DType::Int4);
  s.layout = ScaleLayout::blocked(1, 2);
  std::vector<Range> ranges = computeRanges(w.data(), {2, 5}, s.layout);
  ASSERT_EQ(ranges.size(), 6u);
  EXPECT_EQ(ranges[2].min, -10.0f);
  EXPECT_EQ(ranges[2].max, -10.0f);
  TensorParams p = chooseTensorParams(ranges, s);
  EXPECT_EQ(p.scales, (std::vector<float>{2.0f / 7, 4.0f / 7, 10.0f / 7, //
                                          1.0f, 1.0f / 7, 6.0f / 7}));
  std::vector<int32_t> q = quantizeTensor(w.data(), {2, 5}, DType::Int4, p);
  // 1 / f32(2/7) is 3.4999998 in float32, not a tie (numpy agrees).
  EXPECT_EQ(q, (std::vector<int32_t>{3, -7, 5, 7, -7, 0, 0, -7, 3, 7}));
}

} // namespace
