//===- DoubleQuantTest.cpp - Quantized scales -----------------------------===//

#include "qforge/Quant/DoubleQuant.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

using namespace qforge::quant;

namespace {

TEST(DoubleQuant, LayoutAndErrorBound) {
  // Absmax scales of 4-bit blocks: positive, spread over a decade.
  std::mt19937 rng(9);
  std::lognormal_distribution<float> dist(-4.0f, 0.5f);
  std::vector<float> scales(1000);
  for (float &s : scales)
    s = dist(rng);
  DoubleQuantScales dq = doubleQuantizeScales(scales);
  EXPECT_EQ(dq.blockSize, 256);
  ASSERT_EQ(dq.codes.size(), 1000u);
  ASSERT_EQ(dq.blockScales.size(), 4u) << "1000 = 3 * 256 + 232";
  double mean = std::accumulate(scales.begin(), scales.end(), 0.0) / 1000;
  EXPECT_EQ(dq.offset, static_cast<float>(mean));

  std::vector<float> back = dequantizeScales(dq);
  for (size_t i = 0; i < scales.size(); ++i) {
    size_t b = i / 256;
    float amax = 0;
    for (size_t j = b * 256; j < std::min<size_t>(scales.size(), (b + 1) * 256); ++j)
      amax = std::max(amax, std::fabs(scales[j] - dq.offset));
    EXPECT_EQ(dq.blockScales[b], amax / 127.0f);
    EXPECT_GE(dq.codes[i], -127) << "symmetric: -128 is never needed";
    float bound = dq.blockScales[b] / 2 + 4 * std::ldexp(std::fabs(scales[i]) + dq.offset, -24);
    EXPECT_LE(std::fabs(back[i] - scales[i]), bound) << i;
    // Bit-exact formula: two roundings, no FMA.
    float centered = static_cast<float>(dq.codes[i]) * dq.blockScales[b];
    EXPECT_EQ(back[i], centered + dq.offset);
  }
  // The largest deviation of each block lands on +-127.
  for (size_t b = 0; b < 4; ++b) {
    auto begin = dq.codes.begin() + static_cast<long>(b * 256);
    auto end = dq.codes.begin() + static_cast<long>(std::min<size_t>(1000, (b + 1) * 256));
    int8_t extreme = *std::max_element(begin, end, [](int8_t a, int8_t c) {
      return std::abs(a) < std::abs(c);
    });
    EXPECT_EQ(std::abs(extreme), 127) << "block " << b;
  }
}

TEST(DoubleQuant, ConstantScalesAreExact) {
  std::vector<float> scales(300, 0.125f);
  DoubleQuantScales dq = doubleQuantizeScales(scales, 256);
  EXPECT_EQ(dq.offset, 0.125f);
  EXPECT_EQ(dq.blockScales, (std::vector<float>{1.0f, 1.0f}));
  EXPECT_EQ(dequantizeScales(dq), scales);
}

TEST(DoubleQuant, SmallBlocksAndEmpty) {
  std::vector<float> scales = {1.0f, 2.0f, 3.0f};
  DoubleQuantScales dq = doubleQuantizeScales(scales, 2);
  EXPECT_EQ(dq.offset, 2.0f);
  EXPECT_EQ(dq.codes, (std::vector<int8_t>{-127, 0, 127}));
  EXPECT_EQ(dq.blockScales, (std::vector<float>{1.0f / 127, 1.0f / 127}));
  std::vector<float> back = dequantizeScales(dq);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_NEAR(back[i], scales[i], 1e-6f);
  DoubleQuantScales empty = doubleQuantizeScales({});
  EXPECT_TRUE(empty.codes.empty());
  EXPECT_TRUE(dequantizeScales(empty).empty());
}

} // namespace
