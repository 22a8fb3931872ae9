//===- CodebooksTest.cpp - NF4 and FP4 E2M1 -------------------------------===//

#include "qforge/Quant/Codebooks.h"

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace qforge::quant;
using namespace qforge::quant::test;

namespace {

// As published (QLoRA appendix E / bitsandbytes), parsed as float32.
const float kPublishedNF4[16] = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230731010437f,
    0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f,
    0.7229568362236023f, 1.0f};

/// Nearest level by exhaustive search in double, ties to the lower code.
uint8_t nearestNF4(float x) {
  uint8_t best = 0;
  double bestDist = INFINITY;
  for (uint8_t i = 0; i < 16; ++i) {
    double d = std::fabs(static_cast<double>(x) - kPublishedNF4[i]);
    if (d < bestDist) {
      best = i;
      bestDist = d;
    }
  }
  return best;
}

TEST(NF4, TheSixteenLevels) {
  for (uint8_t i = 0; i < 16; ++i) {
    EXPECT_EQ(nf4Levels()[i], kPublishedNF4[i]) << int(i);
    EXPECT_EQ(decodeNF4(i), kPublishedNF4[i]) << int(i);
    EXPECT_EQ(encodeNF4(kPublishedNF4[i]), i) << int(i);
  }
}

TEST(NF4, ThresholdsAreTheMidpointsRoundedDown) {
  const auto &t = nf4Thresholds();
  for (size_t i = 0; i < t.size(); ++i) {
    double mid = (static_cast<double>(kPublishedNF4[i]) + kPublishedNF4[i + 1]) / 2;
    EXPECT_LE(static_cast<double>(t[i]), mid);
    EXPECT_GT(static_cast<double>(std::nextafter(t[i], 2.0f)), mid);
    EXPECT_EQ(encodeNF4(t[i]), i) << "at or below the midpoint: lower code";
    EXPECT_EQ(encodeNF4(std::nextafter(t[i], 2.0f)), i + 1);
    if (static_cast<double>(t[i]) == mid) {
      EXPECT_EQ(nearestNF4(t[i]), i) << "exact tie goes to the lower code";
    }
  }
}

TEST(NF4, MatchesExhaustiveNearestSearch) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> dist(-1.2f, 1.2f);
  for (int i = 0; i < 100000; ++i) {
    float x = dist(rng);
    ASSERT_EQ(encodeNF4(x), nearestNF4(x)) << x;
  }
}

TEST(NF4, OutOfRangeAndSpecials) {
  EXPECT_EQ(encodeNF4(2.0f), 15);
  EXPECT_EQ(encodeNF4(-2.0f), 0);
  EXPECT_EQ(encodeNF4(INFINITY), 15);
  EXPECT_EQ(encodeNF4(-INFINITY), 0);
  EXPECT_EQ(encodeNF4(NAN), 7) << "NaN -> the zero level";
  EXPECT_EQ(encodeNF4(-0.0f), 7);
  EXPECT_EQ(decodeNF4(0x17), decodeNF4(7)) << "only the low nibble is read";
}

TEST(FP4E2M1, TheSixteenCodes) {
  const float values[16] = {0.0f,  0.5f,  1.0f,  1.5f,  2.0f,  3.0f,  4.0f,  6.0f,
                            -0.0f, -0.5f, -1.0f, -1.5f, -2.0f, -3.0f, -4.0f, -6.0f};
  for (uint8_t code = 0; code < 16; ++code) {
    EXPECT_TRUE(sameFloat(fp4E2M1ToF32(code), values[code])) << int(code);
    EXPECT_TRUE(sameFloat(fp4E2M1ToF32(code), kRefE2M1.decode(code))) << int(code);
    EXPECT_EQ(f32ToFP4E2M1(values[code]), code) << int(code);
  }
}

TEST(FP4E2M1, TiesToEvenAndSaturation) {
  const float in[] = {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5.0f, 7.0f,
                      1e9f, INFINITY, -INFINITY, -5.0f, -0.25f, 0.2500001f};
  const uint8_t out[] = {0x0, 0x2, 0x2, 0x4, 0x4, 0x6, 0x6, 0x7,
                         0x7, 0x7, 0xF, 0xE, 0x8, 0x1};
  for (size_t i = 0; i < std::size(in); ++i)
    EXPECT_EQ(f32ToFP4E2M1(in[i]), out[i]) << in[i];
  EXPECT_EQ(f32ToFP4E2M1(NAN), 0x0) << "no NaN code: NaN -> +0";
  EXPECT_EQ(f32ToFP4E2M1(-NAN), 0x0);
}

TEST(FP4E2M1, MatchesExhaustiveNearestSearch) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-6.0f, 6.0f);
  for (int i = 0; i < 100000; ++i) {
    float x = dist(rng);
    ASSERT_EQ(f32ToFP4E2M1(x), nearestCode(kRefE2M1, x)) << x;
  }
}

// The int8 codebooks of the CPU kernels' int8-activation path: the ends at
// +-127, every level within step / 2 of its value, and NF4's by hand.
TEST(Int8Codebook, RoundsEachLevelToTheNearestStep) {
  for (auto [book, value] :
       {std::pair{nf4Int8Codebook(), +[](uint8_t c) { return decodeNF4(c); }},
        std::pair{fp4E2M1Int8Codebook(),
                  +[](uint8_t c) { return fp4E2M1ToF32(c); }}}) {
    int maxLevel = 0;
    for (uint8_t c = 0; c < 16; ++c) {
      float v = value(c);
      EXPECT_LE(std::fabs(book.levels[c] * book.step - v), book.step / 2)
          << int(c);
      maxLevel = std::max(maxLevel, std::abs(int(book.levels[c])));
    }
    EXPECT_EQ(maxLevel, 127);
  }
  EXPECT_FLOAT_EQ(nf4Int8Codebook().step, 1.0f / 127.0f);
  const int8_t nf4[16] = {-127, -88, -67, -50, -36, -23, -12, 0,
                          10,   20,  31,  43,  56,  71,  92,  127};
  for (int c = 0; c < 16; ++c)
    EXPECT_EQ(nf4Int8Codebook().levels[c], nf4[c]) << c;
  EXPECT_FLOAT_EQ(fp4E2M1Int8Codebook().step, 6.0f / 127.0f);
}

} // namespace
