//===- PackedLayout.cpp - The CPU kernels' packed weight layout ----------===//

#include "qforge/Conversion/QFToCPU/PackedLayout.h"

#include <cstring>

namespace qforge::cpu {

std::string PackedLayout::verify() const {
  if (n <= 0 || k <= 0)
    return "empty weight";
  if (bits != 8 && bits != 4 && bits != 2)
    return "bits must be 8, 4 or 2";
  if (nr <= 0 || kb <= 0 || (kb * bits) % 8 != 0)
    return "block of " + std::to_string(kb) + " elements is not whole bytes";
  if (groupSize < 0 || (groupSize > 0 && groupSize % kb != 0))
    return "group size " + std::to_string(groupSize) +
           " is not a multiple of the block (" + std::to_string(kb) + ")";
  if (lookupOrder && (bits != 4 || kb != 32))
    return "the lookup order needs 4-bit codes in blocks of 32";
  if (dotOrder && (lookupOrder || 4 * nr != rowBlockBytes()))
    return "the dot order needs a row's block to be 4 bytes per row of the "
           "tile";
  return "";
}

namespace {

void putFloat(uint8_t *dst, float v) { std::memcpy(dst, &v, 4); }
float getFloat(const uint8_t *src) {
  float v;
  std::memcpy(&v, src, 4);
  return v;
}

} // namespace

std::vector<uint8_t> packWeights(const PackedLayout &l,
                                 const std::vector<uint8_t> &codes,
                                 const std::vector<float> &scales,
                                 const std::vector<float> &zeroTerms) {
  std::vector<uint8_t> out(l.totalBytes(), 0);
  int64_t groups = l.numGroups(), rbb = l.rowBlockBytes();
  uint8_t mask = l.bits == 8 ? 0xFF : uint8_t((1u << l.bits) - 1);
  for (int64_t t = 0; t < l.numTiles(); ++t) {
    uint8_t *tile = out.data() + t * l.tileBytes();
    for (int64_t g = 0; g < groups; ++g) {
      uint8_t *grp = tile + l.groupOffset(g);
      for (int64_t r = 0; r < l.nr; ++r) {
        int64_t row = t * l.nr + r;
        if (row >= l.n)
          continue; // padding rows: zero scales, zero codes
        putFloat(grp + 4 * r, scales[row * groups + g]);
        if (l.hasZeroTerm)
          putFloat(grp + 4 * (l.nr + r), zeroTerms[row * groups + g]);
      }
      uint8_t *blocks = grp + l.headerBytes();
      int64_t kBegin = g * l.effectiveGroup();
      for (int64_t b = 0; b < l.blocksInGroup(g); ++b)
        for (int64_t r = 0; r < l.nr; ++r) {
          int64_t row = t * l.nr + r;
          if (row >= l.n)
            continue;
          uint8_t *dst = blocks + b * l.blockBytes();
          for (int64_t byte = 0; byte < rbb; ++byte)
            for (unsigned field = 0; field < 8 / l.bits; ++field) {
              int64_t kk = kBegin + b * l.kb + l.elementOf(byte, field);
              if (kk >= l.k)
                continue; // K padding: code 0
              uint8_t code = codes[row * l.k + kk] & mask;
              dst[l.byteOffset(r, byte)] |= uint8_t(code << (field * l.bits));
            }
        }
    }
  }
  return out;
}

void unpackWeights(const PackedLayout &l, const std::vector<uint8_t> &bytes,
                   std::vector<uint8_t> &codes, std::vector<float> &scales,
                   std::vector<float> &zeroTerms) {
  int64_t groups = l.numGroups(), rbb = l.rowBlockBytes();
  uint8_t mask = l.bits == 8 ? 0xFF : uint8_t((1u << l.bits) - 1);
  codes.assign(l.n * l.k, 0);
  scales.assign(l.n * groups, 0.0f);
  zeroTerms.assign(l.hasZeroTerm ? l.n * groups : 0, 0.0f);
  for (int64_t t = 0; t < l.numTiles(); ++t) {
    const uint8_t *tile = bytes.data() + t * l.tileBytes();
    for (int64_t g = 0; g < groups; ++g) {
      const uint8_t *grp = tile + l.groupOffset(g);
      int64_t kBegin = g * l.effectiveGroup();
      for (int64_t r = 0; r < l.nr; ++r) {
        int64_t row = t * l.nr + r;
        if (row >= l.n)
          continue;
        scales[row * groups + g] = getFloat(grp + 4 * r);
        if (l.hasZeroTerm)
          zeroTerms[row * groups + g] = getFloat(grp + 4 * (l.nr + r));
        for (int64_t b = 0; b < l.blocksInGroup(g); ++b) {
          const uint8_t *src = grp + l.headerBytes() + b * l.blockBytes();
          for (int64_t byte = 0; byte < rbb; ++byte)
            for (unsigned field = 0; field < 8 / l.bits; ++field) {
              int64_t kk = kBegin + b * l.kb + l.elementOf(byte, field);
              if (kk < l.k)
                codes[row * l.k + kk] =
                    (src[l.byteOffset(r, byte)] >> (field * l.bits)) & mask;
            }
        }
      }
    }
  }
}

} // namespace qforge::cpu
