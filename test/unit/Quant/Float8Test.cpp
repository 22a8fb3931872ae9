//===- Float8Test.cpp - float32 <-> E4M3FN / E5M2 -------------------------===//

#include "qforge/Quant/Float8.h"

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace qforge::quant;
using namespace qforge::quant::test;

namespace {

struct F8Case {
  const char *name;
  SmallFloat ref;
  uint8_t (*encode)(float, bool);
  float (*decode)(uint8_t);
  uint8_t maxCode;      // largest finite magnitude
  float maxValue;
  uint8_t overflowCode; // what saturate=false gives for +overflow
};

const F8Case kCases[] = {
    {"E4M3FN", kRefE4M3FN, f32ToF8E4M3FN, f8E4M3FNToF32, 0x7E, 448.0f, 0x7F},
    {"E5M2", kRefE5M2, f32ToF8E5M2, f8E5M2ToF32, 0x7B, 57344.0f, 0x7C},
};

class Float8Test : public ::testing::TestWithParam<F8Case> {};

TEST_P(Float8Test, EveryCodeDecodesLikeTheDefinition) {
  const F8Case &c = GetParam();
  for (int code = 0; code < 256; ++code) {
    double expected = c.ref.decode(static_cast<uint32_t>(code));
    float got = c.decode(static_cast<uint8_t>(code));
    EXPECT_TRUE(sameFloat(got, expected))
        << c.name << " code 0x" << std::hex << code << ": got " << got
        << ", expected " << expected;
  }
}

TEST_P(Float8Test, EveryCodeRoundTrips) {
  const F8Case &c = GetParam();
  for (int code = 0; code < 256; ++code) {
    float x = c.decode(static_cast<uint8_t>(code));
    for (bool saturate : {true, false}) {
      uint8_t back = c.encode(x, saturate);
      if (std::isnan(x)) {
        // NaN stays NaN with its sign (one canonical code per sign).
        EXPECT_TRUE(std::isnan(c.decode(back))) << std::hex << code;
        EXPECT_EQ(back & 0x80, code & 0x80) << std::hex << code;
      } else if (std::isinf(x)) {
        uint8_t expected = saturate ? (c.maxCode | (code & 0x80)) : code;
        EXPECT_EQ(back, expected) << std::hex << code;
      } else {
        EXPECT_EQ(back, code) << "saturate=" << saturate << std::hex << " 0x"
                              << code;
      }
    }
  }
}

// Midway between two neighbouring codes the even code wins; one float32 ulp
// off the midpoint decides the other way.
TEST_P(Float8Test, TiesRoundToEvenEverywhere) {
  const F8Case &c = GetParam();
  for (uint32_t code = 0; code < c.maxCode; ++code) {
    double lo = c.ref.decode(code), hi = c.ref.decode(code + 1);
    float mid = static_cast<float>((lo + hi) / 2);
    ASSERT_EQ(static_cast<double>(mid), (lo + hi) / 2) << "midpoint not exact";
    uint8_t even = (code & 1) ? code + 1 : code;
    for (float sign : {1.0f, -1.0f}) {
      uint8_t s = sign < 0 ? 0x80 : 0;
      EXPECT_EQ(c.encode(sign * mid, true), even | s) << "mid " << sign * mid;
      EXPECT_EQ(c.encode(sign * std::nextafter(mid, 0.0f), true), code | s);
      EXPECT_EQ(c.encode(sign * std::nextafter(mid, INFINITY), true),
                (code + 1) | s);
    }
  }
}

// An exhaustive nearest-code search as the reference encoder, on values
// spread over all binades of the format, subnormals included.
TEST_P(Float8Test, MatchesExhaustiveNearestSearch) {
  const F8Case &c = GetParam();
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> expDist(-22.0f, std::log2(c.maxValue));
  for (int i = 0; i < 20000; ++i) {
    float x = std::exp2(expDist(rng)) * ((rng() & 1) ? -1.0f : 1.0f);
    if (std::fabs(x) > c.maxValue)
      continue;
    EXPECT_EQ(c.encode(x, true), nearestCode(c.ref, x)) << x;
  }
}

TEST_P(Float8Test, SaturationAndOverflow) {
  const F8Case &c = GetParam();
  const float inf = INFINITY;
  const float big[] = {inf, 1e30f, 3.4028235e38f, c.maxValue * 2};
  for (float x : big) {
    EXPECT_EQ(c.encode(x, true), c.maxCode) << x;
    EXPECT_EQ(c.encode(-x, true), c.maxCode | 0x80) << x;
    EXPECT_EQ(c.encode(x, false), c.overflowCode) << x;
    EXPECT_EQ(c.encode(-x, false), c.overflowCode | 0x80) << x;
  }
  EXPECT_EQ(c.encode(c.maxValue, false), c.maxCode);
  // The tie between max finite and the next (virtual) code: max finite has an
  // odd mantissa in E5M2 (1.11b) and an even one in E4M3FN (1.110b).
  double prev = c.ref.decode(c.maxCode - 1u);
  float beyond = static_cast<float>(2.0 * c.maxValue - prev);
  float tie = (c.maxValue + beyond) / 2;
  bool tieOverflows = (c.maxCode & 1) != 0;
  EXPECT_EQ(c.encode(tie, false), tieOverflows ? c.overflowCode : c.maxCode);
  EXPECT_EQ(c.encode(tie, true), c.maxCode);
  EXPECT_EQ(c.encode(std::nextafter(tie, 0.0f), false), c.maxCode);
  EXPECT_EQ(c.encode(std::nextafter(tie, inf), false), c.overflowCode);
  EXPECT_EQ(c.encode(std::nextafter(tie, inf), true), c.maxCode);
}

TEST_P(Float8Test, NaNKeepsItsSign) {
  const F8Case &c = GetParam();
  float nan = std::numeric_limits<float>::quiet_NaN();
  for (bool saturate : {true, false}) {
    uint8_t pos = c.encode(nan, saturate), neg = c.encode(-nan, saturate);
    EXPECT_TRUE(std::isnan(c.decode(pos)));
    EXPECT_TRUE(std::isnan(c.decode(neg)));
    EXPECT_EQ(pos & 0x80, 0);
    EXPECT_EQ(neg & 0x80, 0x80);
  }
}

TEST_P(Float8Test, SubnormalsAndZeros) {
  const F8Case &c = GetParam();
  float tiny = static_cast<float>(c.ref.decode(1)); // smallest subnormal
  EXPECT_EQ(c.encode(tiny, true), 1);
  EXPECT_EQ(c.encode(-tiny, true), 0x81);
  EXPECT_EQ(c.encode(tiny / 2, true), 0) << "tie with zero goes to zero";
  EXPECT_EQ(c.encode(-tiny / 2, true), 0x80) << "keeps the sign of zero";
  EXPECT_EQ(c.encode(std::nextafter(tiny / 2, 1.0f), true), 1);
  EXPECT_EQ(c.encode(tiny * 1.5f, true), 2) << "tie between codes 1 and 2";
  EXPECT_EQ(c.encode(0.0f, true), 0);
  EXPECT_EQ(c.encode(-0.0f, true), 0x80);
  EXPECT_EQ(c.encode(std::numeric_limits<float>::denorm_min(), true), 0);
  EXPECT_EQ(c.encode(-std::numeric_limits<float>::min(), true), 0x80);
}

INSTANTIATE_TEST_SUITE_P(Formats, Float8Test, ::testing::ValuesIn(kCases),
                         [](const auto &info) { return info.param.name; });

TEST(Float8, KnownValues) {
  EXPECT_EQ(f32ToF8E4M3FN(1.0f), 0x38);
  EXPECT_EQ(f32ToF8E4M3FN(-2.0f), 0xC0);
  EXPECT_EQ(f32ToF8E4M3FN(448.0f), 0x7E);
  EXPECT_EQ(f32ToF8E4M3FN(0.001953125f), 0x01); // 2^-9
  EXPECT_TRUE(std::isnan(f8E4M3FNToF32(0x7F)));
  EXPECT_EQ(f8E4M3FNToF32(0x78), 256.0f) << "0x78 is a number in E4M3FN";
  EXPECT_EQ(f32ToF8E5M2(1.0f), 0x3C);
  EXPECT_EQ(f32ToF8E5M2(57344.0f), 0x7B);
  EXPECT_EQ(f8E5M2ToF32(0x7C), INFINITY);
  EXPECT_EQ(f8E5M2ToF32(0x01), std::ldexp(1.0f, -16));
  // The canonical NaNs (those of ml_dtypes).
  EXPECT_EQ(f32ToF8E4M3FN(NAN), 0x7F);
  EXPECT_EQ(f32ToF8E5M2(NAN), 0x7E);
  EXPECT_EQ(f32ToF8E5M2(-NAN), 0xFE);
}

// Rounding happens once, from the float32 value: 1 + 2^-4 + 2^-20 is just
// above the E4M3FN tie 1 + 2^-4 and must round up. Rounding to f16 first
// would drop the 2^-20 and then round the tie down to 1.0 (double rounding).
TEST(Float8, NoDoubleRounding) {
  float x = 1.0f + std::ldexp(1.0f, -4) + std::ldexp(1.0f, -20);
  EXPECT_EQ(f32ToF8E4M3FN(x), 0x39);
  float y = 1.0f + std::ldexp(1.0f, -3) + std::ldexp(1.0f, -20);
  EXPECT_EQ(f32ToF8E5M2(y), 0x3D);
}

} // namespace
