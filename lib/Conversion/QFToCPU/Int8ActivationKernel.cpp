//===- Int8ActivationKernel.cpp - Integer weights x int8 activations -----===//
//
//   prologue, per lhs row m and weight group g (G elements of K):
//     s[m][g]  = max |x[m, g]| / 127 (1 when 0)
//     xq[m, k] = roundeven(x[m, k] / s[m][g]) in [-127, 127]   (i8)
//     zs[m][g] = s[m][g] * sum of xq[m, g]                      (zero terms)
//   parallel for each pair of adjacent tiles of 8 weight rows x block of 64
//   lhs rows:
//     for each block of MR lhs rows (each tile in turn; single rows: both
//     tiles at once), for each group g:
//       dot[i] = sum over the group of code[., k] * xq[i, k]   (exact, i32)
//       acc[i] += (wscale[., g] * s[i][g]) * dot[i] - zeroTerm[., g] * zs[i][g]
//     y[i][n0 .. n0+8] = epilogue(acc[i])
// dot and acc are vectors over the tile's 8 rows: the codes are stored in
// dot order (PackedLayout.h), so one 32-byte load holds 4 consecutive codes
// of each row, and their products with 4 activation bytes broadcast to every
// lane (vpmaddubsw, then vpmaddwd with ones) sum into that row's lane. No
// horizontal reductions.
//
// Integer codes are stored unsigned (the zero point is in the zero term,
// symmetric codes + 2^(bits-1)) and on AVX2 multiplied as nibbles (0..15):
// 4-bit codes as they are, asymmetric 8-bit codes u as 16 * (u >> 4) +
// (u & 15), two nibble dots per code. So vpmaddubsw (unsigned x signed
// bytes, pairs summed in i16) cannot saturate: |2 * 15 * 127| per pair (see
// kVectorsPerI16 for the sums). Symmetric 8-bit codes and NF4 / FP4 codes
// (looked up with vpshufb as their signed int8 level, |level| <= 127) use
// the sign trick instead: one operand's sign moved onto the other, so that
// vpmaddubsw's unsigned operand is an absolute value (|q| <= 128 for
// 8-bit codes, |x| <= 127 against table levels), pairs <= 2 * 128 * 127,
// widened at once (vpmaddwd).
//
// With VNNI (AVX-VNNI or AVX512-VNNI + VL), vpdpbusd sums the 4 products of
// unsigned and signed bytes straight into the i32 lane, exactly for any
// byte: one instruction per 32 products instead of vpmaddubsw + a share of
// vpmaddwd + vpaddd, 8-bit codes and table levels whole (no nibble split,
// half the multiplies; table levels are stored + 128 as unsigned bytes
// there). The portable path (no AVX2) has the same shape, its
// dots as widening arithmetic: the kernel tests run it, so the VNNI path
// differs from tested code only in the instruction --qf-lower-cpu-lookups
// picks for the tagged dots.
//
//===----------------------------------------------------------------------===//

#include "Int8ActivationKernel.h"
#include "KernelLoops.h"
#include "WeightSource.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace qforge::cpu {

std::optional<quant::Int8Codebook> int8CodebookFor(quant::WeightFormat format) {
  switch (format) {
  case quant::WeightFormat::NF4:
    return quant::nf4Int8Codebook();
  case quant::WeightFormat::FP4:
    return quant::fp4E2M1Int8Codebook();
  default:
    return std::nullopt;
  }
}

int int8CodeTableOffset(const KernelConfig &cfg) {
  return cfg.int8Dot == Int8DotKind::X86MaddUbs ? 0 : 128;
}

unsigned int8ActivationBits(const quant::Scheme &scheme) {
  if (scheme.weight == quant::WeightFormat::Int8)
    return 8;
  if (scheme.weight == quant::WeightFormat::Int4 ||
      int8CodebookFor(scheme.weight))
    return 4;
  return 0;
}

bool takesInt8Activations(const quant::Scheme &scheme) {
  if (scheme.activation != quant::ActivationMode::None)
    return false;
  unsigned bits = int8ActivationBits(scheme);
  if (bits == 0)
    return false;
  return scheme.granularity != quant::Granularity::Group ||
         scheme.groupSize % int8ActivationBlock(bits) == 0;
}

namespace {

/// lhs rows per block against one tile (AVX2: MR x (i16 + i32
/// accumulators) + 2 code and 2 activation vectors fit the 16 registers for
/// 4-bit integers; asymmetric 8-bit integers keep two i16 sums per row: 3
/// rows spilled. The sign trick (signed table levels, symmetric 8-bit
/// codes) has one i32 accumulator per row; 2 rows measured no faster than
/// 4 for table levels.)
constexpr int64_t kRowsPerTile = 4;
constexpr int64_t kRowsPerTileSplit = 2;

struct Int8ActivationKernel {
  const KernelConfig &cfg;
  const KernelIO &io;
  const PackedLayout &l;
  Value blob;
  const Int8CodeTable *codebook; ///< table codes (NF4, FP4), else null
  Value xq;        ///< [M, groups * G / 4] i32: 4 int8 each, zero past K
  Value xScale;    ///< [M, groups] f32
  Value xZeroSum;  ///< [M, groups] f32: s * sum of xq (hasOffsetTerms())

  int64_t groupElems() const { return l.effectiveGroup(); }
  int64_t numGroups() const { return l.numGroups(); }

  Value allocRows(KB &k, Value numRows, int64_t cols, Type elt) {
    return memref::AllocOp::create(
        k.b, k.loc, MemRefType::get({ShapedType::kDynamic, cols}, elt),
        ValueRange{numRows}, k.b.getI64IntegerAttr(64));
  }

  void prologue(KB &k, Value numRows) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t vl = cfg.vl, gElems = groupElems(), groups = numGroups();
    Type f32 = b.getF32Type(), i32 = b.getI32Type(), i8 = b.getI8Type();
    Type xElt = cast<MemRefType>(io.x.getType()).getElementType();
    VectorType vf = k.vec(vl, f32), vi = k.vec(vl, i32);
    xq = allocRows(k, numRows, groups * gElems / 4, i32);
    xScale = allocRows(k, numRows, groups, f32);
    if (hasOffsetTerms())
      xZeroSum = allocRows(k, numRows, groups, f32);
    int64_t steps = gElems / vl;
    scf::ForOp::create(
        b, loc, k.idx(0), numRows, k.idx(1), ValueRange{},
        [&](OpBuilder &rb, Location, Value m, ValueRange) {
          scf::ForOp::create(
              rb, loc, KB{rb, loc}.idx(0), KB{rb, loc}.idx(groups),
              KB{rb, loc}.idx(1), ValueRange{},
              [&](OpBuilder &gb, Location, Value g, ValueRange) {
                KB gk{gb, loc};
                Value kBegin = gk.mul(g, gk.idx(gElems));
                // Lanes past K read 0 (and quantize to 0).
                auto readX = [&](KB &sk, Value s) {
                  Value kk = sk.add(kBegin, sk.mul(s, sk.idx(vl)));
                  return sk.toF32(sk.read(sk.vec(vl, xElt), io.x, {m, kk},
                                          sk.zero(xElt), vl,
                                          /*inBounds=*/false));
                };
                SmallVector<Value> amax = loopWithAccs(
                    gk, steps, ValueRange{gk.zero(vf)},
                    [&](OpBuilder &sb, Value s, ValueRange cur) {
                      KB sk{sb, loc};
                      Value a = math::AbsFOp::create(sb, loc, readX(sk, s));
                      return SmallVector<Value>{
                          arith::MaximumFOp::create(sb, loc, a, cur[0])};
                    });
                Value mx = vector::ReductionOp::create(
                    gb, loc, vector::CombiningKind::MAXIMUMF, amax[0],
                    gk.f32(0.0f));
                Value s = arith::DivFOp::create(gb, loc, mx, gk.f32(127.0f));
                Value isZero = arith::CmpFOp::create(
                    gb, loc, arith::CmpFPredicate::OEQ, s, gk.f32(0.0f));
                s = arith::SelectOp::create(gb, loc, isZero, gk.f32(1.0f), s);
                memref::StoreOp::create(gb, loc, s, xScale, ValueRange{m, g});
                Value inv = gk.splat(
                    vf, arith::DivFOp::create(gb, loc, gk.f32(1.0f), s));
                Value lo = gk.splat(vf, gk.f32(-127.0f));
                Value hi = gk.splat(vf, gk.f32(127.0f));
                SmallVector<Value> qsum = loopWithAccs(
                    gk, steps, ValueRange{gk.zero(vi)},
                    [&](OpBuilder &sb, Value st, ValueRange cur) {
                      KB sk{sb, loc};
                      Value q = arith::MulFOp::create(sb, loc, readX(sk, st), inv);
                      q = math::RoundEvenOp::create(sb, loc, q);
                      // maximumf/minimumf keep a NaN, which becomes 0 below.
                      q = arith::MinimumFOp::create(
                          sb, loc, arith::MaximumFOp::create(sb, loc, q, lo), hi);
                      Value isNan = arith::CmpFOp::create(
                          sb, loc, arith::CmpFPredicate::UNO, q, q);
                      q = arith::SelectOp::create(sb, loc, isNan, sk.zero(vf), q);
                      Value qi = arith::FPToSIOp::create(sb, loc, vi, q);
                      Value word = sk.add(sk.mul(g, sk.idx(gElems / 4)),
                                          sk.mul(st, sk.idx(vl / 4)));
                      Value bytes =
                          arith::TruncIOp::create(sb, loc, sk.vec(vl, i8), qi);
                      vector::StoreOp::create(
                          sb, loc,
                          vector::BitCastOp::create(sb, loc, sk.vec(vl / 4, i32),
                                                    bytes),
                          xq, ValueRange{m, word});
                      return SmallVector<Value>{sk.add(cur[0], qi)};
                    });
                if (xZeroSum) {
                  Value sum = vector::ReductionOp::create(
                      gb, loc, vector::CombiningKind::ADD, qsum[0]);
                  Value zs = arith::MulFOp::create(
                      gb, loc, arith::SIToFPOp::create(gb, loc, f32, sum), s);
                  memref::StoreOp::create(gb, loc, zs, xZeroSum,
                                          ValueRange{m, g});
                }
                scf::YieldOp::create(gb, loc);
              });
          scf::YieldOp::create(rb, loc);
        });
  }

  /// What vector j of a block contributes, as nibble codes (0..15, vector<32
  /// x i8>) against activation words: `low` parts sum with weight 1, `high`
  /// parts with weight 16.
  ///   4-bit integers: low nibbles (elements 4j..) against word j, high
  ///     nibbles (32 + 4j..) against word 8 + j, both `low`.
  ///   8-bit integers u = 16 * (u >> 4) + (u & 15): both nibbles are elements
  ///     4j.., against word j.
  ///   4-bit table codes: as 4-bit integers, each code then looked up
  ///     (vpshufb) as its level byte (signed, or + 128 unsigned, split as
  ///     8-bit integers where the dot wants nibbles: AArch64 sdot).
  /// When the dot takes whole bytes (wholeBytes()), 8-bit codes and level
  /// bytes are one `low` part each, not split.
  /// Each part: the codes and the offset of their activation word from j.
  struct NibbleParts {
    SmallVector<std::pair<Value, int64_t>> low, high;
  };
  /// Whether 8-bit codes and table levels are multiplied whole rather than
  /// as two nibbles: where the dot takes unsigned bytes as they are (VNNI's
  /// vpdpbusd, the portable widening arithmetic; not vpmaddubsw, whose i16
  /// pair sums could saturate, nor AArch64's sdot of signed bytes), or with
  /// the sign trick (AVX2 without VNNI: signed table levels, symmetric
  /// 8-bit codes).
  bool wholeBytes() const {
    return signTrick() || cfg.int8Dot == Int8DotKind::Generic ||
           cfg.int8Dot == Int8DotKind::X86Vnni;
  }
  /// Table codes on AVX2 without VNNI: the table holds the signed levels
  /// (|level| <= 127), each part one dotSignedGroupsOf4 (vpsignb,
  /// vpmaddubsw(|x|, .), vpmaddwd) into the i32 accumulators: half the
  /// multiplies of splitting level + 128 into nibbles, and no offset term.
  bool signedLevels() const { return codebook && codebook->offset == 0; }
  /// Symmetric 8-bit codes on AVX2 without VNNI: stored q + 128, taken back
  /// to q (xor 0x80) and multiplied as vpmaddubsw(|q|, x * sign(q)), widened
  /// at once: one vpmaddubsw per 32 products instead of two nibble dots,
  /// and no offset term.
  bool signedInt8Codes() const {
    return l.bits == 8 && !l.hasZeroTerm && !codebook &&
           cfg.int8Dot == Int8DotKind::X86MaddUbs;
  }
  bool signTrick() const { return signedLevels() || signedInt8Codes(); }
  /// Other integer codes on AVX2 without VNNI: nibbles, vpmaddubsw into i16
  /// sums, widened by vpmaddwd.
  bool i16Sums() const {
    return cfg.int8Dot == Int8DotKind::X86MaddUbs && !codebook &&
           !signedInt8Codes();
  }
  /// Whether the codes carry an offset (zero terms, symmetric q +
  /// 2^(bits-1), levels + 128) whose term needs s * sum(xq).
  bool hasOffsetTerms() const { return !signTrick(); }
  bool hasHighParts() const {
    return (l.bits == 8 || codebook) && !wholeBytes();
  }
  int64_t rowsPerTile() const {
    return hasHighParts() ? kRowsPerTileSplit : kRowsPerTile;
  }
  int64_t blockElems() const { return l.kb; }

  NibbleParts partsOf(KB &k, Value bytes) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    Type i8 = b.getI8Type();
    VectorType v32i8 = k.vec(32, i8);
    Value mask = k.splat(v32i8, k.intConst(i8, 0x0F));
    Value four = k.splat(v32i8, k.intConst(i8, 4));
    auto lowNibble = [&](Value v) {
      return arith::AndIOp::create(b, loc, v, mask).getResult();
    };
    auto highNibble = [&](Value v) {
      return arith::ShRUIOp::create(b, loc, v, four).getResult();
    };
    NibbleParts parts;
    if (l.bits == 8 && wholeBytes()) {
      Value code = bytes;
      if (signedInt8Codes()) // q + 128 -> q
        code = arith::XOrIOp::create(b, loc, bytes,
                                     k.splat(v32i8, k.intConst(i8, -128)));
      parts.low.push_back({code, 0});
      return parts;
    }
    if (l.bits == 8) {
      parts.low.push_back({lowNibble(bytes), 0});
      parts.high.push_back({highNibble(bytes), 0});
      return parts;
    }
    std::pair<Value, int64_t> codes[2] = {{lowNibble(bytes), 0},
                                          {highNibble(bytes), 8}};
    for (auto [code, word] : codes) {
      if (!codebook) {
        parts.low.push_back({code, word});
        continue;
      }
      // A gather of the 16-byte table by the codes: vpshufb after
      // --qf-lower-cpu-lookups.
      Value index =
          arith::ExtUIOp::create(b, loc, k.vec(32, b.getI32Type()), code);
      Value all = vector::ConstantMaskOp::create(
          b, loc, k.vec(32, b.getI1Type()), vector::ConstantMaskKind::AllTrue);
      Value level = vector::GatherOp::create(b, loc, v32i8, codebook->table,
                                             ValueRange{k.idx(0)}, index, all,
                                             k.zero(v32i8));
      if (wholeBytes()) {
        parts.low.push_back({level, word});
        continue;
      }
      parts.low.push_back({lowNibble(level), word});
      parts.high.push_back({highNibble(level), word});
    }
    return parts;
  }

  /// On AVX2 the products of up to 4 vectors of a block stay in i16 sums
  /// (vpmaddubsw) until they are widened into the i32 accumulators
  /// (vpmaddwd): per vector and i16 lane at most 2 parts x 2 products x
  /// 15 x 127 = 7620 in either sum, 4 x 7620 = 30480 < 2^15.
  static constexpr int64_t kVectorsPerI16 = 4;
  /// 32-byte vectors per block of a tile (8 rows x 32 bytes).
  static constexpr int64_t kVectorsPerBlock = 8;

  /// The 4 activation bytes of row m at 32-bit word `word` of xq, in every
  /// lane: vector<32 x i8> (vpbroadcastd from memory on AVX2).
  Value broadcastX(KB &k, Value m, Value word) {
    Value w = memref::LoadOp::create(k.b, k.loc, xq, ValueRange{m, word});
    Value v = vector::BroadcastOp::create(k.b, k.loc,
                                          k.vec(8, k.b.getI32Type()), w);
    return vector::BitCastOp::create(k.b, k.loc, k.vec(32, k.b.getI8Type()), v);
  }

  /// One block (at word0 = its first 32-bit word of xq, bytes at stepBases)
  /// of rows m0 .. m0+mr into the i32 accumulators `cur` [t * mr + i]
  /// (vector<8 x i32>, lane r = row r of tile t).
  SmallVector<Value> step(KB &sk, ArrayRef<Value> stepBases, Value word0,
                          Value m0, int64_t mr, ValueRange cur) {
    OpBuilder &sb = sk.b;
    Location loc = sk.loc;
    int64_t tiles = stepBases.size(), lanes = tiles * mr;
    bool high = hasHighParts(), i16 = i16Sums();
    VectorType v32i8 = sk.vec(32, sb.getI8Type());
    VectorType v16i16 = sk.vec(16, sb.getI16Type());
    VectorType v8i32 = sk.vec(8, sb.getI32Type());
    SmallVector<Value> rows;
    for (int64_t i = 0; i < mr; ++i)
      rows.push_back(sk.add(m0, sk.idx(i)));
    for (Value base : stepBases)
      prefetchPackedAhead(sk, blob, base, l.blockBytes(), l.totalBytes());
    auto times16 = [&](Value v) {
      return arith::ShLIOp::create(
          sb, loc, v, sk.splat(v8i32, sk.intConst(sb.getI32Type(), 4)));
    };
    // Vector j (index) of the block into `sums`: the i16 pair sums on AVX2
    // without VNNI ([at] the low parts, [lanes + at] the high parts), else
    // the i32 accumulators.
    auto vectorBody = [&](KB &vk, Value j, SmallVector<Value> sums) {
      OpBuilder &vb = vk.b;
      SmallVector<NibbleParts> parts;
      for (Value base : stepBases)
        parts.push_back(partsOf(
            vk, vector::LoadOp::create(
                    vb, loc, v32i8, blob,
                    ValueRange{vk.add(base, vk.mul(j, vk.idx(32)))})));
      Value wordJ = vk.add(word0, j);
      // |code| of signed 8-bit codes, taken once for all rows.
      DenseMap<Value, Value> absCodes;
      auto absCode = [&](Value code) {
        Value &v = absCodes[code];
        if (!v)
          v = math::AbsIOp::create(vb, loc, code);
        return v;
      };
      for (int64_t i = 0; i < mr; ++i) {
        // The activation words this vector needs, each broadcast once (and
        // its absolute value taken once, for signed levels).
        DenseMap<int64_t, Value> words, absWords;
        auto x = [&](int64_t offset) {
          Value &v = words[offset];
          if (!v)
            v = broadcastX(vk, rows[i], vk.add(wordJ, vk.idx(offset)));
          return v;
        };
        auto absX = [&](int64_t offset) {
          Value &v = absWords[offset];
          if (!v)
            v = math::AbsIOp::create(vb, loc, x(offset));
          return v;
        };
        for (int64_t t = 0; t < tiles; ++t) {
          int64_t at = t * mr + i;
          auto sumParts = [&](ArrayRef<std::pair<Value, int64_t>> ps,
                              Value into) {
            if (!i16) {
              for (auto [code, offset] : ps) {
                if (signedLevels())
                  into = dotSignedGroupsOf4(vk, x(offset), code, absX(offset),
                                            into);
                else if (signedInt8Codes())
                  into = dotSignedGroupsOf4(vk, code, x(offset),
                                            absCode(code), into);
                else
                  into = dotGroupsOf4(vk, code, x(offset), into,
                                      cfg.int8Dot);
              }
              return into;
            }
            Value sum;
            for (auto [code, offset] : ps) {
              Value p = pairProductsU8S8(vk, code, x(offset));
              sum = sum ? vk.add(sum, p) : p;
            }
            return vk.add(into, sum);
          };
          if (!i16) {
            sums[at] = sumParts(parts[t].low, sums[at]);
            if (high)
              sums[at] = vk.add(sums[at], times16(sumParts(parts[t].high,
                                                           vk.zero(v8i32))));
            continue;
          }
          sums[at] = sumParts(parts[t].low, sums[at]);
          if (high)
            sums[lanes + at] = sumParts(parts[t].high, sums[lanes + at]);
        }
      }
      return sums;
    };
    SmallVector<Value> acc(cur.begin(), cur.end());
    for (int64_t c = 0; c < kVectorsPerBlock; c += kVectorsPerI16) {
      SmallVector<Value> sums =
          i16 ? SmallVector<Value>((high ? 2 : 1) * lanes, sk.zero(v16i16))
              : acc;
      for (int64_t j = c; j < c + kVectorsPerI16; ++j)
        sums = vectorBody(sk, sk.idx(j), sums);
      if (!i16) {
        acc = sums;
        continue;
      }
      for (int64_t at = 0; at < lanes; ++at) {
        acc[at] = sk.add(acc[at], pairSumsI16(sk, sums[at]));
        if (high)
          acc[at] = sk.add(acc[at], times16(pairSumsI16(sk, sums[lanes + at])));
      }
    }
    return acc;
  }

  /// One group (g: index, `size` valid elements) of rows m0 .. m0+mr and
  /// the tiles at tileBases. state[t * mr + i] (vector<8 x f32>, lane r for
  /// weight row r of tile t and lhs row m0 + i): the scaled dot products
  /// minus the zero-term corrections of the groups so far.
  SmallVector<Value> group(KB &k, ArrayRef<Value> tileBases, Value g,
                           int64_t size, Value m0, int64_t mr,
                           ValueRange state) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t tiles = tileBases.size(), lanes = tiles * mr, nr = l.nr;
    VectorType vf = k.vec(nr, b.getF32Type());
    SmallVector<Value> groupBases;
    for (Value tileBase : tileBases)
      groupBases.push_back(
          k.add(tileBase, k.mul(g, k.idx(l.fullGroupBytes()))));
    Value wordBegin = k.mul(g, k.idx(groupElems() / 4));
    int64_t steps = (size + blockElems() - 1) / blockElems();
    SmallVector<Value> inits(lanes, k.zero(k.vec(nr, b.getI32Type())));
    SmallVector<Value> dots = loopWithAccs(
        k, steps, inits, [&](OpBuilder &sb, Value s, ValueRange cur) {
          KB sk{sb, loc};
          SmallVector<Value> stepBases;
          for (Value base : groupBases)
            stepBases.push_back(
                sk.add(sk.add(base, sk.idx(l.headerBytes())),
                       sk.mul(s, sk.idx(l.blockBytes()))));
          Value word0 =
              sk.add(wordBegin, sk.mul(s, sk.idx(blockElems() / 4)));
          return step(sk, stepBases, word0, m0, mr, cur);
        });
    // Header: NR scales, then (asymmetric integer codes) NR zero terms.
    // Symmetric integer codes are q + 2^(bits-1): the offset term is
    // scale * 2^(bits-1) (times zs). Table codes are levels (+ 128 where the
    // table is unsigned), each level worth `step`: the dots take
    // scale * step and the offset term is scale * 128 * step.
    SmallVector<Value> scales, zeroTerms;
    for (Value base : groupBases) {
      scales.push_back(loadPackedF32s(k, blob, base, nr));
      zeroTerms.push_back(
          l.hasZeroTerm ? loadPackedF32s(k, blob, k.add(base, k.idx(4 * nr)), nr)
                        : scales.back());
    }
    SmallVector<Value> next(state.begin(), state.end());
    for (int64_t i = 0; i < mr; ++i) {
      Value m = k.add(m0, k.idx(i));
      Value xsScalar = memref::LoadOp::create(b, loc, xScale, ValueRange{m, g});
      if (codebook)
        xsScalar = arith::MulFOp::create(b, loc, xsScalar,
                                         k.f32(codebook->step));
      Value xs = k.splat(vf, xsScalar);
      Value negZs;
      if (xZeroSum) {
        Value zs = memref::LoadOp::create(b, loc, xZeroSum, ValueRange{m, g});
        if (codebook)
          zs = arith::MulFOp::create(
              b, loc, zs, k.f32(float(codebook->offset) * codebook->step));
        else if (!l.hasZeroTerm)
          zs = arith::MulFOp::create(b, loc, zs,
                                     k.f32(float(1 << (l.bits - 1))));
        negZs = k.splat(vf, arith::NegFOp::create(b, loc, zs));
      }
      for (int64_t t = 0; t < tiles; ++t) {
        Value &acc = next[t * mr + i];
        Value scale = arith::MulFOp::create(b, loc, scales[t], xs);
        Value dot = arith::SIToFPOp::create(b, loc, vf, dots[t * mr + i]);
        acc = vector::FMAOp::create(b, loc, dot, scale, acc);
        if (negZs)
          acc = vector::FMAOp::create(b, loc, zeroTerms[t], negZs, acc);
      }
    }
    return next;
  }

  /// Rows m0 .. m0+mr against the tiles at tileBases (whose first output
  /// channels are n0s): all groups, then the epilogue.
  void rowBlock(KB &rk, ArrayRef<Value> tileBases, ArrayRef<Value> n0s,
                Value m0, int64_t mr) {
    Location loc = rk.loc;
    int64_t gElems = groupElems();
    int64_t fullGroups = io.k / gElems, lastGroup = io.k % gElems;
    SmallVector<Value> state(tileBases.size() * mr,
                             rk.zero(rk.vec(l.nr, rk.b.getF32Type())));
    state = loopWithAccs(rk, fullGroups, state,
                         [&](OpBuilder &gb, Value g, ValueRange cur) {
                           KB gk{gb, loc};
                           return group(gk, tileBases, g, gElems, m0, mr, cur);
                         });
    if (lastGroup)
      state = group(rk, tileBases, rk.idx(fullGroups), lastGroup, m0, mr,
                    state);
    for (size_t t = 0; t < tileBases.size(); ++t)
      for (int64_t i = 0; i < mr; ++i)
        emitEpilogue(rk, io, rk.add(m0, rk.idx(i)), n0s[t], state[t * mr + i]);
  }

  /// The parallel loop runs over pairs of adjacent tiles: single lhs rows
  /// (M = 1, or the last rows of a block) read both tiles' weights at once,
  /// two sequential streams per thread (a single hardware-prefetched stream
  /// gets well below the read bandwidth on Zen 3); blocks of kRowsPerTile
  /// rows take the tiles one after the other (the tile stays in cache across
  /// the blocks). With an odd number of tiles the last pair is the last tile
  /// twice (the same values stored twice).
  void emit(KB &k, Value numRows) {
    int64_t nr = l.nr, numTiles = l.numTiles();
    int64_t pairs = (numTiles + 1) / 2;
    prologue(k, numRows);
    forTilesParallel(
        k, pairs, numRows, io.k, 2 * nr,
        [&](KB &tk, Value p, Value mLo, Value mHi) {
          Value t0 = tk.mul(p, tk.idx(2));
          Value t1 = tk.minIdx(tk.add(t0, tk.idx(1)), tk.idx(numTiles - 1));
          Value bases[2] = {tk.mul(t0, tk.idx(l.tileBytes())),
                            tk.mul(t1, tk.idx(l.tileBytes()))};
          Value n0s[2] = {tk.mul(t0, tk.idx(nr)), tk.mul(t1, tk.idx(nr))};
          int64_t mr = rowsPerTile();
          Value mainEnd = mLo;
          if (mr > 1) {
            Value count = arith::SubIOp::create(tk.b, tk.loc, mHi, mLo);
            mainEnd = arith::SubIOp::create(
                tk.b, tk.loc, mHi,
                arith::RemUIOp::create(tk.b, tk.loc, count, tk.idx(mr)));
            for (int t = 0; t < 2; ++t)
              forLoop(tk, mLo, mainEnd, mr, [&](KB &rk, Value m0) {
                rowBlock(rk, {bases[t]}, {n0s[t]}, m0, mr);
              });
          }
          forLoop(tk, mainEnd, mHi, 1, [&](KB &rk, Value m0) {
            rowBlock(rk, bases, n0s, m0, 1);
          });
        });
  }
};

} // namespace

void emitInt8ActivationKernel(KB &k, const KernelConfig &cfg,
                              const KernelIO &io, const PackedLayout &layout,
                              Value blob, Value numRows,
                              const Int8CodeTable *codebook) {
  Int8ActivationKernel kernel{cfg, io, layout, blob, codebook, {}, {}, {}};
  kernel.emit(k, numRows);
}

} // namespace qforge::cpu
