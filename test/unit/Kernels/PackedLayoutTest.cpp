// The packed weight layout (include/qforge/Conversion/QFToCPU/PackedLayout.h)
// byte for byte on a small hand-checked case, and round trips on ragged
// shapes (N not a multiple of the tile, K not a multiple of the block or the
// group).
#include "qforge/Conversion/QFToCPU/PackedLayout.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

namespace {

using qforge::cpu::PackedLayout;

float floatAt(const std::vector<uint8_t> &bytes, size_t offset) {
  float f;
  std::memcpy(&f, &bytes[offset], 4);
  return f;
}

TEST(PackedLayout, FourBitBytesByHand) {
  // One row, K = 40, blocks of 32 (16 bytes: byte j = e[j] | e[j+16] << 4),
  // one group, tiles of 2 rows (row 1 is padding), zero terms.
  PackedLayout l;
  l.n = 1;
  l.k = 40;
  l.bits = 4;
  l.nr = 2;
  l.kb = 32;
  l.groupSize = 0;
  l.hasZeroTerm = true;
  ASSERT_EQ(l.verify(), "");
  EXPECT_EQ(l.paddedK(), 64);
  EXPECT_EQ(l.numGroups(), 1);
  EXPECT_EQ(l.blocksInGroup(0), 2);
  EXPECT_EQ(l.headerBytes(), 16);
  EXPECT_EQ(l.tileBytes(), 16 + 2 * 2 * 16);
  std::vector<uint8_t> codes(40);
  for (int i = 0; i < 40; ++i)
    codes[i] = uint8_t(i % 16);
  std::vector<uint8_t> bytes = packWeights(l, codes, {0.5f}, {4.0f});
  ASSERT_EQ(int64_t(bytes.size()), l.totalBytes());
  EXPECT_EQ(floatAt(bytes, 0), 0.5f); // scale of row 0
  EXPECT_EQ(floatAt(bytes, 4), 0.0f); // padding row
  EXPECT_EQ(floatAt(bytes, 8), 4.0f); // zero term of row 0
  // Block 0, row 0: byte j = codes[j] | codes[j + 16] << 4.
  for (int j = 0; j < 16; ++j)
    EXPECT_EQ(bytes[16 + j], uint8_t(codes[j] | codes[j + 16] << 4)) << j;
  // Block 0, row 1 (padding): zeros.
  for (int j = 0; j < 16; ++j)
    EXPECT_EQ(bytes[32 + j], 0) << j;
  // Block 1, row 0: elements 32..39, then K padding (code 0).
  for (int j = 0; j < 16; ++j) {
    uint8_t lo = j < 8 ? codes[32 + j] : 0;
    EXPECT_EQ(bytes[48 + j], lo) << j;
  }
}

TEST(PackedLayout, TwoBitFieldOrder) {
  PackedLayout l;
  l.n = 1;
  l.k = 64;
  l.bits = 2;
  l.nr = 1;
  l.kb = 64;
  ASSERT_EQ(l.verify(), "");
  std::vector<uint8_t> codes(64);
  for (int i = 0; i < 64; ++i)
    codes[i] = uint8_t((i / 16) ^ (i & 3));
  std::vector<uint8_t> bytes = packWeights(l, codes, {1.0f}, {});
  // Byte j holds elements j, j+16, j+32, j+48 from the low bits up.
  for (int j = 0; j < 16; ++j)
    EXPECT_EQ(bytes[4 + j], uint8_t(codes[j] | codes[j + 16] << 2 |
                                    codes[j + 32] << 4 | codes[j + 48] << 6));
}

TEST(PackedLayout, LookupOrderByHand) {
  // NF4/FP4 on AVX2: byte b holds elements 8 * (b / 4) + b % 4 (low nibble)
  // and 8 * (b / 4) + 4 + b % 4 (high nibble).
  PackedLayout l;
  l.n = 1;
  l.k = 32;
  l.bits = 4;
  l.nr = 1;
  l.kb = 32;
  l.lookupOrder = true;
  ASSERT_EQ(l.verify(), "");
  std::vector<uint8_t> codes(32);
  for (int i = 0; i < 32; ++i)
    codes[i] = uint8_t((i * 7) % 16);
  std::vector<uint8_t> bytes = packWeights(l, codes, {1.0f}, {});
  for (int b = 0; b < 16; ++b)
    EXPECT_EQ(bytes[4 + b], uint8_t(codes[8 * (b / 4) + b % 4] |
                                    codes[8 * (b / 4) + 4 + b % 4] << 4))
        << b;
  l.kb = 64;
  EXPECT_NE(l.verify(), "");
}

TEST(PackedLayout, DotOrderByHand) {
  // The int8-activation layout: 8-row tiles, blocks of 64 (32 bytes a row),
  // vector j of a block holds bytes 4j .. 4j+3 of rows 0..7 in turn; byte b
  // of a row holds elements b (low nibble) and 32 + b (high nibble).
  PackedLayout l;
  l.n = 5; // rows 5..7 are padding
  l.k = 64;
  l.bits = 4;
  l.nr = 8;
  l.kb = 64;
  l.hasZeroTerm = true;
  l.dotOrder = true;
  ASSERT_EQ(l.verify(), "");
  std::vector<uint8_t> codes(5 * 64);
  for (size_t i = 0; i < codes.size(); ++i)
    codes[i] = uint8_t((i * 5 + i / 64) % 16);
  std::vector<uint8_t> bytes =
      packWeights(l, codes, std::vector<float>(5, 1.0f),
                  std::vector<float>(5, 2.0f));
  const uint8_t *block = bytes.data() + l.headerBytes();
  for (int j = 0; j < 8; ++j)
    for (int r = 0; r < 8; ++r)
      for (int c = 0; c < 4; ++c) {
        int e = 4 * j + c;
        uint8_t want =
            r < 5 ? uint8_t(codes[r * 64 + e] | codes[r * 64 + 32 + e] << 4) : 0;
        EXPECT_EQ(block[32 * j + 4 * r + c], want) << j << " " << r << " " << c;
      }
  l.nr = 4; // 4 bytes a row would not fill a row's 32-byte block
  EXPECT_NE(l.verify().find("dot order"), std::string::npos);
}

TEST(PackedLayout, RejectsInconsistentLayouts) {
  PackedLayout l;
  l.n = 4;
  l.k = 64;
  l.bits = 4;
  l.kb = 32;
  l.groupSize = 48;
  EXPECT_NE(l.verify().find("not a multiple of the block"), std::string::npos);
  l.groupSize = 64;
  l.bits = 3;
  EXPECT_NE(l.verify(), "");
}

TEST(PackedLayout, RoundTripsRaggedShapes) {
  std::mt19937 rng(3);
  for (unsigned bits : {8u, 4u, 2u})
    for (int64_t n : {1, 5, 8, 13})
      for (int64_t k : {3, 64, 130, 257})
        for (int64_t group : {0, 64, 128}) {
          PackedLayout l;
          l.n = n;
          l.k = k;
          l.bits = bits;
          l.nr = 4;
          l.kb = bits == 2 ? 64 : 32;
          l.groupSize = group;
          l.hasZeroTerm = group != 0;
          l.lookupOrder = bits == 4 && (n + k) % 2 == 1;
          if (bits == 4 && group != 0 && n % 2 == 0) {
            // The int8-activation layout: 8-row tiles in dot order.
            l.nr = 8;
            l.kb = 64;
            l.lookupOrder = false;
            l.dotOrder = true;
          }
          ASSERT_EQ(l.verify(), "");
          std::uniform_int_distribution<int> code(0, (1 << bits) - 1);
          std::vector<uint8_t> codes(n * k);
          for (uint8_t &c : codes)
            c = uint8_t(code(rng));
          std::vector<float> scales(n * l.numGroups()), zts(scales.size());
          for (size_t i = 0; i < scales.size(); ++i) {
            scales[i] = float(i) + 0.25f;
            zts[i] = -float(i);
          }
          std::vector<uint8_t> bytes = packWeights(l, codes, scales, zts);
          ASSERT_EQ(int64_t(bytes.size()), l.totalBytes());
          std::vector<uint8_t> codes2;
          std::vector<float> scales2, zts2;
          unpackWeights(l, bytes, codes2, scales2, zts2);
          EXPECT_EQ(codes2, codes) << bits << " " << n << " " << k << " " << group;
          EXPECT_EQ(scales2, scales);
          if (l.hasZeroTerm) {
            EXPECT_EQ(zts2, zts);
          }
        }
}

} // namespace
