//===- PackingTest.cpp - Sub-byte packing ---------------------------------===//

#include "qforge/Quant/Packing.h"

#include <gtest/gtest.h>

#include <random>

using namespace qforge::quant;

namespace {

TEST(Packing, Int4LowNibbleFirst) {
  std::vector<int32_t> v = {1, 2, 3};
  EXPECT_EQ(packBits(v.data(), v.size(), 4), (std::vector<uint8_t>{0x21, 0x03}));
  std::vector<int32_t> s = {-1, 7, -8};
  EXPECT_EQ(pack(DType::Int4, s), (std::vector<uint8_t>{0x7F, 0x08}));
  EXPECT_EQ(unpack(DType::Int4, {0x7F, 0x08}, 3), s);
  EXPECT_EQ(unpack(DType::UInt4, {0x7F, 0x08}, 3),
            (std::vector<int32_t>{15, 7, 8}));
}

TEST(Packing, TwoBitsFromBitZero) {
  std::vector<int32_t> v = {1, 2, 3, 0, 1};
  EXPECT_EQ(pack(DType::UInt2, v), (std::vector<uint8_t>{0x39, 0x01}));
  EXPECT_EQ(unpack(DType::UInt2, {0x39, 0x01}, 5), v);
  std::vector<int32_t> s = {-2, -1, 0, 1};
  EXPECT_EQ(pack(DType::Int2, s), (std::vector<uint8_t>{0x4E}));
  EXPECT_EQ(unpack(DType::Int2, {0x4E}, 4), s);
}

TEST(Packing, ByteAndHalfWordTypes) {
  std::vector<int32_t> i8 = {-128, -1, 0, 127};
  EXPECT_EQ(pack(DType::Int8, i8), (std::vector<uint8_t>{0x80, 0xFF, 0x00, 0x7F}));
  EXPECT_EQ(unpack(DType::Int8, pack(DType::Int8, i8), 4), i8);
  std::vector<int32_t> i16 = {-2, 0x1234};
  EXPECT_EQ(pack(DType::Int16, i16), (std::vector<uint8_t>{0xFE, 0xFF, 0x34, 0x12}));
  EXPECT_EQ(unpack(DType::Int16, pack(DType::Int16, i16), 2), i16);
  EXPECT_EQ(unpack(DType::UInt16, {0xFE, 0xFF}, 1), (std::vector<int32_t>{65534}));
  // float8 codes are bit patterns, never sign-extended.
  EXPECT_EQ(unpack(DType::F8E4M3FN, {0xFE}, 1), (std::vector<int32_t>{0xFE}));
  EXPECT_EQ(unpack(DType::NF4, {0xF0}, 2), (std::vector<int32_t>{0, 15}));
}

TEST(Packing, RoundTripsEveryTypeAndLength) {
  std::mt19937 rng(1);
  const DType types[] = {DType::Int8,  DType::UInt8,    DType::Int16,
                         DType::UInt16, DType::Int4,    DType::UInt4,
                         DType::Int2,  DType::UInt2,    DType::F8E4M3FN,
                         DType::F8E5M2, DType::FP4E2M1, DType::NF4};
  for (DType type : types) {
    unsigned bits = bitWidth(type);
    int32_t lo = 0, hi = static_cast<int32_t>((1u << bits) - 1);
    if (isSignedIntegerType(type)) {
      lo = -(1 << (bits - 1));
      hi = (1 << (bits - 1)) - 1;
    }
    std::uniform_int_distribution<int32_t> dist(lo, hi);
    for (size_t n = 0; n <= 17; ++n) {
      std::vector<int32_t> v(n);
      for (int32_t &x : v)
        x = dist(rng);
      std::vector<uint8_t> bytes = pack(type, v);
      ASSERT_EQ(bytes.size(), (n * bits + 7) / 8);
      EXPECT_EQ(unpack(type, bytes, n), v) << dtypeName(type) << " n=" << n;
      // Padding bits of a partial last byte are zero.
      if (bits < 8 && (n * bits) % 8 != 0) {
        EXPECT_EQ(bytes.back() >> ((n * bits) % 8), 0) << dtypeName(type);
      }
    }
  }
}

TEST(Packing, OutOfRangeValuesKeepTheirLowBits) {
  std::vector<int32_t> v = {0x13, -9};
  EXPECT_EQ(packBits(v.data(), v.size(), 4), (std::vector<uint8_t>{0x73}));
}

} // namespace
