//===- Float16Test.cpp - float32 <-> f16 / bf16 and scale rounding --------===//

#include "qforge/Quant/Float16.h"

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace qforge::quant;
using namespace qforge::quant::test;

namespace {

TEST(Float16, EveryCodeDecodesAndRoundTrips) {
  for (uint32_t code = 0; code < 0x10000; ++code) {
    double expected = kRefF16.decode(code);
    float x = f16BitsToF32(static_cast<uint16_t>(code));
    ASSERT_TRUE(sameFloat(x, expected)) << std::hex << code;
    if (std::isnan(x))
      EXPECT_TRUE(std::isnan(f16BitsToF32(f32ToF16Bits(x)))) << std::hex << code;
    else
      EXPECT_EQ(f32ToF16Bits(x), code) << std::hex << code;
  }
}

TEST(Float16, TiesToEvenAndOverflow) {
  // 1 + 2^-11 is halfway between 1 and 1 + 2^-10.
  EXPECT_EQ(f32ToF16Bits(1.0f + std::ldexp(1.0f, -11)), 0x3C00);
  EXPECT_EQ(f32ToF16Bits(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02);
  EXPECT_EQ(f32ToF16Bits(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)),
            0x3C01);
  EXPECT_EQ(f32ToF16Bits(65504.0f), 0x7BFF);
  EXPECT_EQ(f32ToF16Bits(65519.0f), 0x7BFF);
  EXPECT_EQ(f32ToF16Bits(65520.0f), 0x7C00) << "tie rounds to even: Inf";
  EXPECT_EQ(f32ToF16Bits(-1e9f), 0xFC00);
  EXPECT_EQ(f32ToF16Bits(std::ldexp(1.0f, -25)), 0x0000) << "tie with zero";
  EXPECT_EQ(f32ToF16Bits(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(f32ToF16Bits(-0.0f), 0x8000);
}

TEST(BFloat16, EveryCodeRoundTrips) {
  for (uint32_t code = 0; code < 0x10000; ++code) {
    float x = bf16BitsToF32(static_cast<uint16_t>(code));
    // bf16 is the top half of an f32.
    ASSERT_EQ(bitsOf(x), code << 16);
    if (std::isnan(x))
      EXPECT_TRUE(std::isnan(bf16BitsToF32(f32ToBF16Bits(x))));
    else
      EXPECT_EQ(f32ToBF16Bits(x), code) << std::hex << code;
  }
}

TEST(BFloat16, RoundsToNearestEven) {
  EXPECT_EQ(f32ToBF16Bits(floatOf(0x3F808000)), 0x3F80) << "tie, even below";
  EXPECT_EQ(f32ToBF16Bits(floatOf(0x3F818000)), 0x3F82) << "tie, even above";
  EXPECT_EQ(f32ToBF16Bits(floatOf(0x3F808001)), 0x3F81);
  EXPECT_EQ(f32ToBF16Bits(floatOf(0x3F807FFF)), 0x3F80);
  EXPECT_EQ(f32ToBF16Bits(floatOf(0x7F7FFFFF)), 0x7F80) << "overflow to Inf";
  EXPECT_EQ(f32ToBF16Bits(floatOf(0x00008000)), 0x0000) << "subnormal tie";
  EXPECT_EQ(f32ToBF16Bits(floatOf(0x00018000)), 0x0002);
  // A NaN whose payload sits only in the low half must stay NaN.
  EXPECT_TRUE(std::isnan(bf16BitsToF32(f32ToBF16Bits(floatOf(0x7F800001)))));
  EXPECT_EQ(f32ToBF16Bits(floatOf(0xFF800001)) & 0x8000, 0x8000);
}

TEST(ScaleDType, RoundingIsToTheStoredValue) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(1e-6f, 100.0f);
  for (int i = 0; i < 1000; ++i) {
    float x = dist(rng);
    EXPECT_EQ(roundToScaleDType(x, ScaleDType::F32), x);
    float h = roundToScaleDType(x, ScaleDType::F16);
    EXPECT_EQ(h, f16BitsToF32(f32ToF16Bits(x)));
    float b = roundToScaleDType(x, ScaleDType::BF16);
    EXPECT_EQ(bitsOf(b) & 0xFFFF, 0u);
    // Nearest: no representable neighbour is closer.
    float bUp = bf16BitsToF32(static_cast<uint16_t>(f32ToBF16Bits(x) + 1));
    float bDown = bf16BitsToF32(static_cast<uint16_t>(f32ToBF16Bits(x) - 1));
    EXPECT_LE(std::fabs(b - x), std::fabs(bUp - x));
    EXPECT_LE(std::fabs(b - x), std::fabs(bDown - x));
  }
  EXPECT_EQ(roundToScaleDType(0.1f, ScaleDType::F16), 0.0999755859375f);
  EXPECT_EQ(roundToScaleDType(0.1f, ScaleDType::BF16), 0.10009765625f);
}

} // namespace
