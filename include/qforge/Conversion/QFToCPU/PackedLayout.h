//===- PackedLayout.h - The CPU kernels' packed weight layout ---*- C++ -*-===//
//
// What `--qf-pack-weights` writes and the packed kernels of
// `--qf-lower-to-cpu` read. Plain C++17 (no MLIR), so that tests and
// qforge-bench can build and inspect the same bytes.
//
// A weight W[N, K] with scales per group of G along K (channel and tensor
// scales are one group of the whole, padded K) is stored as:
//
//   for each tile t of NR output rows (rows >= N are zero padding):
//     for each group g:
//       header: NR f32 scales, then (if hasZeroTerm) NR f32 zero terms
//       for each block b of KB elements along K in the group:
//         for each row r of the tile: KB codes packed in KB * bits / 8 bytes
//
// Within one row's block of B = KB * bits / 8 bytes, element j of the block
// is field p = j / B of byte j % B, at bit p * bits: a vector load of the B
// bytes followed by (v >> p * bits) & mask gives elements [p*B, (p+1)*B),
// consecutive along K (4-bit: byte j = e[j] | e[j + B] << 4).
//
// Codes are unsigned fields: integer weights are stored offset to unsigned
// (symmetric: q + 2^(bits-1), zero term = scale * 2^(bits-1); asymmetric: q,
// zero term = scale * zero_point), 8-bit symmetric integers as their two's
// complement byte (no zero term), float and NF4 codes as their bit patterns.
// The dot-order layout differs: symmetric integers of any width are stored
// q + 2^(bits-1) without zero terms (its kernel derives them from the
// scale).
// The kernel computes sum_k x * (code - zp) * s as
//   s * sum_k x * code - zeroTerm * sum_k x     per group.
// K is padded to whole blocks with code 0 (the kernel reads x masked there).
//
// Lookup order (4-bit table codes, blocks of 32, for the byte-shuffle decode
// of NF4/FP4 on AVX2): byte b of a row's 16 holds elements
// 8 * (b / 4) + b % 4 (low nibble) and 8 * (b / 4) + 4 + b % 4 (high), so
// that in-lane byte/word unpacks of the four looked-up byte planes yield
// consecutive K elements.
//
// Dot order (the int8-activation layout: 4-bit codes, NR = 8, blocks of 64,
// so a row's block is 32 bytes): a block's 256 bytes are 8 vectors of 32
// bytes, vector j holding bytes 4j .. 4j+3 of each row in turn (row r at
// 4r). A 4-byte dot product per 32-bit lane (vpmaddubsw + vpmaddwd, sdot,
// VNNI) against 4 broadcast activation bytes then yields one output row per
// lane, with no horizontal sums.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_CONVERSION_QFTOCPU_PACKEDLAYOUT_H
#define QFORGE_CONVERSION_QFTOCPU_PACKEDLAYOUT_H

#include <cstdint>
#include <string>
#include <vector>

namespace qforge::cpu {

struct PackedLayout {
  int64_t n = 0, k = 0;  ///< Logical weight shape [N, K].
  unsigned bits = 8;     ///< 8, 4 or 2 bits per code.
  int64_t nr = 4;        ///< Output rows per tile.
  int64_t kb = 32;       ///< Elements of one row per block.
  int64_t groupSize = 0; ///< Along K; a multiple of kb, or 0 for one group.
  bool hasZeroTerm = false;
  bool lookupOrder = false; ///< see above; bits == 4 and kb == 32 only
  bool dotOrder = false;    ///< see above; nr * 4 == rowBlockBytes() only

  static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

  int64_t paddedK() const { return ceilDiv(k, kb) * kb; }
  /// Group size as used for offsets (the padded K for a single group).
  int64_t effectiveGroup() const { return groupSize > 0 ? groupSize : paddedK(); }
  int64_t numTiles() const { return ceilDiv(n, nr); }
  int64_t numGroups() const { return ceilDiv(k, effectiveGroup()); }
  /// Elements of K in group g (the last one may be partial).
  int64_t groupElems(int64_t g) const {
    int64_t begin = g * effectiveGroup();
    int64_t end = begin + effectiveGroup();
    return (end < k ? end : k) - begin;
  }
  int64_t blocksInGroup(int64_t g) const { return ceilDiv(groupElems(g), kb); }
  int64_t rowBlockBytes() const { return kb * bits / 8; }
  int64_t blockBytes() const { return nr * rowBlockBytes(); }
  int64_t headerBytes() const { return nr * 4 * (hasZeroTerm ? 2 : 1); }
  int64_t groupBytes(int64_t g) const {
    return headerBytes() + blocksInGroup(g) * blockBytes();
  }
  /// Bytes of a full (not last) group.
  int64_t fullGroupBytes() const {
    return headerBytes() + (effectiveGroup() / kb) * blockBytes();
  }
  int64_t tileBytes() const {
    int64_t bytes = 0;
    for (int64_t g = 0; g < numGroups(); ++g)
      bytes += groupBytes(g);
    return bytes;
  }
  int64_t totalBytes() const { return numTiles() * tileBytes(); }
  /// Offset of group g's header within its tile.
  int64_t groupOffset(int64_t g) const { return g * fullGroupBytes(); }

  /// Offset within a block of byte `byte` of row r's block.
  int64_t byteOffset(int64_t r, int64_t byte) const {
    if (dotOrder)
      return (byte / 4) * (4 * nr) + 4 * r + byte % 4;
    return r * rowBlockBytes() + byte;
  }

  /// Element of the block held by field `field` of byte `byte` of a row's
  /// block.
  int64_t elementOf(int64_t byte, unsigned field) const {
    if (lookupOrder)
      return 8 * (byte / 4) + 4 * field + byte % 4;
    return field * rowBlockBytes() + byte;
  }

  /// Empty if the parameters are consistent; otherwise why not.
  std::string verify() const;

  friend bool operator==(const PackedLayout &a, const PackedLayout &b) {
    return a.n == b.n && a.k == b.k && a.bits == b.bits && a.nr == b.nr &&
           a.kb == b.kb && a.groupSize == b.groupSize &&
           a.hasZeroTerm == b.hasZeroTerm && a.lookupOrder == b.lookupOrder &&
           a.dotOrder == b.dotOrder;
  }
  friend bool operator!=(const PackedLayout &a, const PackedLayout &b) {
    return !(a == b);
  }
};

/// Packs `codes` (N*K unsigned fields, row-major, each < 2^bits), `scales`
/// and `zeroTerms` (N * numGroups() each, row-major; zeroTerms ignored unless
/// hasZeroTerm) into layout's bytes.
std::vector<uint8_t> packWeights(const PackedLayout &layout,
                                 const std::vector<uint8_t> &codes,
                                 const std::vector<float> &scales,
                                 const std::vector<float> &zeroTerms);

/// The inverse, for tests: codes, scales and zero terms of the logical rows.
void unpackWeights(const PackedLayout &layout, const std::vector<uint8_t> &bytes,
                   std::vector<uint8_t> &codes, std::vector<float> &scales,
                   std::vector<float> &zeroTerms);

} // namespace qforge::cpu

#endif // QFORGE_CONVERSION_QFTOCPU_PACKEDLAYOUT_H
