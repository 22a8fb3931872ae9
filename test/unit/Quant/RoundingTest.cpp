//===- RoundingTest.cpp - Round-half-even and integer quantization --------===//

#include "qforge/Quant/Rounding.h"

#include <gtest/gtest.h>

#include <cfenv>
#include <cmath>
#include <limits>

using namespace qforge::quant;

namespace {

TEST(Rounding, HalfToEven) {
  const float in[] = {-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 3.5f, 4.5f,
                      -3.5f, 0.4999999f, 0.5000001f, 2.4f, 2.6f, -2.6f};
  const float out[] = {-2.0f, -2.0f, -0.0f, 0.0f, 2.0f, 2.0f, 4.0f, 4.0f,
                       -4.0f, 0.0f,       1.0f,       2.0f, 3.0f, -3.0f};
  for (size_t i = 0; i < std::size(in); ++i)
    EXPECT_EQ(roundHalfEven(in[i]), out[i]) << in[i];
  EXPECT_TRUE(std::signbit(roundHalfEven(-0.5f)));
  EXPECT_TRUE(std::signbit(roundHalfEven(-0.2f)));
  // The largest float below 0.5 must not round up (x + 0.5 tricks do).
  EXPECT_EQ(roundHalfEven(std::nextafter(0.5f, 0.0f)), 0.0f);
  // From 2^23 on floats are integers; ties are at x.5 just below it.
  EXPECT_EQ(roundHalfEven(8388607.5f), 8388608.0f);
  EXPECT_EQ(roundHalfEven(8388606.5f), 8388606.0f);
  EXPECT_EQ(roundHalfEven(16777216.0f), 16777216.0f);
  EXPECT_EQ(roundHalfEven(INFINITY), INFINITY);
  EXPECT_TRUE(std::isnan(roundHalfEven(NAN)));
}

TEST(Rounding, IndependentOfTheRoundingMode) {
  const float in[] = {-2.5f, -1.5f, 0.5f, 1.5f, 2.5f, 2.7f, -2.7f, 1.2f};
  for (int mode : {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO}) {
    ASSERT_EQ(std::fesetround(mode), 0);
    for (float x : in) {
      volatile float v = x; // keep the call at run time
      float got = roundHalfEven(v);
      std::fesetround(FE_TONEAREST);
      EXPECT_EQ(got, std::nearbyint(x)) << x << " mode " << mode;
      std::fesetround(mode);
    }
    std::fesetround(FE_TONEAREST);
  }
}

struct IntCase {
  DType type;
  int32_t min, max;
};

TEST(QuantizeInt, RangesOfEveryIntegerType) {
  const IntCase cases[] = {
      {DType::Int8, -128, 127}, {DType::UInt8, 0, 255},
      {DType::Int16, -32768, 32767}, {DType::UInt16, 0, 65535},
      {DType::Int4, -8, 7},     {DType::UInt4, 0, 15},
      {DType::Int2, -2, 1},     {DType::UInt2, 0, 3},
  };
  for (const IntCase &c : cases) {
    IntRange r = intRange(c.type);
    EXPECT_EQ(r.min, c.min) << dtypeName(c.type);
    EXPECT_EQ(r.max, c.max) << dtypeName(c.type);
    int32_t zp = c.min < 0 ? 0 : (c.max + 1) / 2;
    EXPECT_EQ(quantizeInt(1e9f, 1.0f, zp, r), c.max);
    EXPECT_EQ(quantizeInt(-1e9f, 1.0f, zp, r), c.min);
    EXPECT_EQ(quantizeInt(INFINITY, 1.0f, zp, r), c.max);
    EXPECT_EQ(quantizeInt(-INFINITY, 1.0f, zp, r), c.min);
    EXPECT_EQ(quantizeInt(NAN, 1.0f, zp, r), zp) << "NaN is the zero point";
    // Every value of the type is reached exactly, and nothing beyond.
    for (int32_t q = c.min - 3; q <= c.max + 3; ++q) {
      int32_t expected = std::min(std::max(q, c.min), c.max);
      EXPECT_EQ(quantizeInt(static_cast<float>(q - zp) * 0.25f, 0.25f, zp, r),
                expected);
    }
  }
}

TEST(QuantizeInt, ReducedRanges) {
  EXPECT_EQ(intRange(DType::UInt8, true).max, 127);
  EXPECT_EQ(intRange(DType::UInt8, true).min, 0);
  EXPECT_EQ(intRange(DType::Int8, true).min, -64);
  EXPECT_EQ(intRange(DType::Int8, true).max, 63);
  EXPECT_EQ(intRange(DType::Int4, true).min, -4);
  EXPECT_EQ(intRange(DType::Int4, true).max, 3);
  EXPECT_EQ(intRange(DType::Int2, true).max, 1) << "2-bit types keep their range";
}

TEST(QuantizeInt, TiesAndZeroPoint) {
  IntRange u8 = intRange(DType::UInt8);
  EXPECT_EQ(quantizeInt(0.5f, 1.0f, 128, u8), 128);
  EXPECT_EQ(quantizeInt(1.5f, 1.0f, 128, u8), 130);
  EXPECT_EQ(quantizeInt(-0.5f, 1.0f, 128, u8), 128);
  EXPECT_EQ(quantizeInt(-1.5f, 1.0f, 128, u8), 126);
  EXPECT_EQ(quantizeInt(5.0f, 2.0f, 3, u8), 5) << "2.5 -> 2, then + 3";
  // The tie is decided before adding the zero point: with zp = 1 it stays 2 + 1
  // (rounding x/s + zp = 3.5 would give 4).
  EXPECT_EQ(quantizeInt(5.0f, 2.0f, 1, u8), 3);
}

// x / scale is a true division. Multiplying by 1/scale gives 15.5 for
// 1.55f / 0.1f and 1.4999999 for 0.105f / 0.07f; the quotients are 15.499999
// and 1.5 (values found with numpy's float32 arithmetic).
TEST(QuantizeInt, DividesRatherThanMultipliesByReciprocal) {
  IntRange i8 = intRange(DType::Int8);
  EXPECT_EQ(quantizeInt(1.55f, 0.1f, 0, i8), 15);
  EXPECT_EQ(quantizeInt(0.105f, 0.07f, 0, i8), 2);
  EXPECT_EQ(quantizeInt(-0.105f, 0.07f, 0, i8), -2);
}

TEST(QuantizeInt, Dequantize) {
  EXPECT_EQ(dequantizeInt(0, 2.0f, 128), -256.0f);
  EXPECT_EQ(dequantizeInt(255, 2.0f, 128), 254.0f);
  EXPECT_EQ(dequantizeInt(-8, 0.5f, 0), -4.0f);
}

} // namespace
