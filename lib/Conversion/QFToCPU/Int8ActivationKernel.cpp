//===- Int8ActivationKernel.cpp - 4-bit weights x int8 activations -------===//
//
//   prologue, per lhs row m and weight group g (G elements of K):
//     s[m][g]  = max |x[m, g]| / 127 (1 when 0)
//     xq[m, k] = roundeven(x[m, k] / s[m][g]) in [-127, 127]   (i8)
//     zs[m][g] = s[m][g] * sum of xq[m, g]                      (zero terms)
//   parallel for each pair of adjacent tiles of NR weight rows x block of 64
//   lhs rows:
//     for each block of MR lhs rows (each tile in turn; single rows: both
//     tiles at once), for each group g:
//       iacc[r][i] = sum over the group of code[r, k] * xq[i, k]   (exact, i32)
//       acc[r][i] += (wscale[r][g] * s[i][g]) * iacc[r][i]
//       corr[r][i] += zeroTerm[r][g] * zs[i][g]
//     y[i][n0 .. n0+NR] = epilogue(acc[.][i] - corr[.][i])
// acc and corr are one vector of NR x MR lanes each; the group's i32 vector
// accumulators are folded into one vector by a shuffle tree (sumEach).
//
// Codes are the packed unsigned nibbles (0..15; the zero point is in the zero
// term), so on AVX2 vpmaddubsw (unsigned x signed bytes, pairs summed in i16)
// cannot saturate: |2 * 15 * 127| per pair, and two of them per i16 lane.
//
//===----------------------------------------------------------------------===//

#include "Int8ActivationKernel.h"
#include "KernelLoops.h"
#include "WeightSource.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace qforge::cpu {

bool usesInt8Activations(const quant::Scheme &scheme, const KernelConfig &cfg) {
  if (!cfg.int8Activations || scheme.weight != quant::WeightFormat::Int4 ||
      scheme.activation != quant::ActivationMode::None)
    return false;
  return scheme.granularity != quant::Granularity::Group ||
         scheme.groupSize % kInt8ActivationBlock == 0;
}

namespace {

struct Int8ActivationKernel {
  const KernelConfig &cfg;
  const KernelIO &io;
  const PackedLayout &l;
  Value blob;
  Value xq;        ///< [M, groups * G] i8, zero past K
  Value xScale;    ///< [M, groups] f32
  Value xZeroSum;  ///< [M, groups] f32 (zero-term layouts only)

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
    xq = allocRows(k, numRows, groups * gElems, i8);
    xScale = allocRows(k, numRows, groups, f32);
    if (l.hasZeroTerm)
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
                      Value kk = sk.add(kBegin, sk.mul(st, sk.idx(vl)));
                      vector::StoreOp::create(
                          sb, loc, arith::TruncIOp::create(sb, loc, sk.vec(vl, i8), qi),
                          xq, ValueRange{m, kk});
                      return SmallVector<Value>{sk.add(cur[0], qi)};
                    });
                if (xZeroSum) {
                  Value sum = vector::ReductionOp::create(
                      gb, loc, vector::CombiningKind::ADD, qsum[0]);
                  Value zs = arith::MulFOp::create(
                      gb, loc, arith::SIToFPOp::create(gb, loc, f32, sum), s);
                  memref::StoreOp::create(gb, loc, zs, xZeroSum, ValueRange{m, g});
                }
                scf::YieldOp::create(gb, loc);
              });
          scf::YieldOp::create(rb, loc);
        });
  }

  /// On AVX2 a step's products go into i16 pair sums (vpmaddubsw), widened
  /// to i32 (vpmaddwd) once per this many steps: each i16 lane then holds
  /// at most 4 steps x 2 halves x 2 products x 15 x 127 = 30480 < 2^15.
  static constexpr int64_t kStepsPerI16 = 4;

  /// acc += codesLo . x0 + codesHi . x1 in any lane (codes vector<32 x i8>
  /// of 0..15, x vector<32 x i8>): acc is vector<16 x i16> pair sums on
  /// AVX2 (vpmaddubsw), vector<8 x i32> otherwise.
  Value dotCodes(KB &k, Value codesLo, Value codesHi, Value x0, Value x1,
                 Value acc) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    if (!cfg.x86Avx2) {
      acc = dotI8(k, x0, codesLo, acc, cfg.armDotprod);
      return dotI8(k, x1, codesHi, acc, cfg.armDotprod);
    }
    Value pairs = arith::AddIOp::create(b, loc, pairProductsU8S8(k, codesLo, x0),
                                        pairProductsU8S8(k, codesHi, x1));
    return arith::AddIOp::create(b, loc, acc, pairs);
  }

  /// One step (64 elements of K, index `s` of the group at each of
  /// groupBases / kBegin) of rows m0 .. m0+mr into the accumulators `cur`
  /// [R * mr + i], R = t * NR + r for row r of tile t.
  SmallVector<Value> step(KB &sk, ArrayRef<Value> groupBases, Value kBegin,
                          Value s, Value m0, int64_t mr, ValueRange cur) {
    OpBuilder &sb = sk.b;
    Location loc = sk.loc;
    int64_t half = kInt8ActivationBlock / 2;
    int64_t rows = l.nr * int64_t(groupBases.size());
    Type i8 = sb.getI8Type();
    VectorType v32i8 = sk.vec(half, i8);
    Value mask = sk.splat(v32i8, sk.intConst(i8, 0x0F));
    Value four = sk.splat(v32i8, sk.intConst(i8, 4));
    SmallVector<Value> lo, hi;
    for (Value groupBase : groupBases) {
      Value stepBase = sk.add(sk.add(groupBase, sk.idx(l.headerBytes())),
                              sk.mul(s, sk.idx(l.blockBytes())));
      prefetchPackedAhead(sk, blob, stepBase, l.blockBytes(), l.totalBytes());
      for (int64_t r = 0; r < l.nr; ++r) {
        Value bytes = vector::LoadOp::create(
            sb, loc, v32i8, blob,
            ValueRange{sk.add(stepBase, sk.idx(r * l.rowBlockBytes()))});
        lo.push_back(arith::AndIOp::create(sb, loc, bytes, mask));
        hi.push_back(arith::ShRUIOp::create(sb, loc, bytes, four));
      }
    }
    Value k0 = sk.add(kBegin, sk.mul(s, sk.idx(kInt8ActivationBlock)));
    SmallVector<Value> next(cur.begin(), cur.end());
    for (int64_t i = 0; i < mr; ++i) {
      Value m = sk.add(m0, sk.idx(i));
      Value x0 = vector::LoadOp::create(sb, loc, v32i8, xq, ValueRange{m, k0});
      Value x1 = vector::LoadOp::create(sb, loc, v32i8, xq,
                                        ValueRange{m, sk.add(k0, sk.idx(half))});
      for (int64_t r = 0; r < rows; ++r)
        next[r * mr + i] = dotCodes(sk, lo[r], hi[r], x0, x1, next[r * mr + i]);
    }
    return next;
  }

  /// The lane sums of `items` (vector<8 x i32> each) as one vector<C x i32>,
  /// C = items.size(), in order. A tree of half-vector shuffles and adds
  /// when C is 1, 2, 4 or 8 (in-lane and 128-bit shuffles on AVX2), so that
  /// a group's partial sums fold into one register without spilling.
  Value sumEach(KB &k, SmallVector<Value> items) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t count = items.size();
    if (count > 8 || (count & (count - 1))) {
      SmallVector<Value> sums;
      for (Value v : items)
        sums.push_back(vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, v));
      return vector::FromElementsOp::create(
          b, loc, k.vec(count, b.getI32Type()), sums);
    }
    // Each vector holds lanes / w items of w partial sums, item-major.
    auto merge = [&](Value x, Value y, int64_t w, bool self) {
      int64_t lanes = cast<VectorType>(x.getType()).getNumElements();
      SmallVector<int64_t> lo, hi;
      for (int64_t side = 0; side < (self ? 1 : 2); ++side)
        for (int64_t item = 0; item < lanes / w; ++item)
          for (int64_t j = 0; j < w / 2; ++j) {
            lo.push_back(side * lanes + item * w + j);
            hi.push_back(side * lanes + item * w + w / 2 + j);
          }
      Value a = vector::ShuffleOp::create(b, loc, x, y, lo);
      Value c = vector::ShuffleOp::create(b, loc, x, y, hi);
      return arith::AddIOp::create(b, loc, a, c).getResult();
    };
    int64_t w = 8;
    while (items.size() > 1) {
      SmallVector<Value> next;
      for (size_t j = 0; j < items.size(); j += 2)
        next.push_back(merge(items[j], items[j + 1], w, false));
      items = next;
      w /= 2;
    }
    Value v = items[0];
    for (; w > 1; w /= 2)
      v = merge(v, v, w, true);
    return v;
  }

  /// One group (g: index, `size` valid elements) of rows m0 .. m0+mr and
  /// the weight rows of the tiles at tileBases. state = {acc, corr}:
  /// vector<rows * MR x f32>, lane R * MR + i for weight row R (t * NR + r)
  /// and lhs row m0 + i: the scaled dot products and the zero-term
  /// corrections summed over the groups so far.
  SmallVector<Value> group(KB &k, ArrayRef<Value> tileBases, Value g,
                           int64_t size, Value m0, int64_t mr,
                           ValueRange state) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t nr = l.nr * int64_t(tileBases.size()), lanes = nr * mr;
    Type f32 = b.getF32Type();
    VectorType v8i32 = k.vec(8, b.getI32Type());
    VectorType vc = k.vec(lanes, f32);
    SmallVector<Value> groupBases;
    for (Value tileBase : tileBases)
      groupBases.push_back(
          k.add(tileBase, k.mul(g, k.idx(l.fullGroupBytes()))));
    Value kBegin = k.mul(g, k.idx(groupElems()));
    SmallVector<Value> inits(lanes, k.zero(v8i32));
    int64_t steps = (size + kInt8ActivationBlock - 1) / kInt8ActivationBlock;
    SmallVector<Value> iaccs;
    if (!cfg.x86Avx2) {
      iaccs = loopWithAccs(k, steps, inits,
                           [&](OpBuilder &sb, Value s, ValueRange cur) {
                             KB sk{sb, loc};
                             return step(sk, groupBases, kBegin, s, m0, mr, cur);
                           });
    } else {
      // Chunks of up to kStepsPerI16 steps in i16, then widened into i32.
      int64_t chunk = std::min(steps, kStepsPerI16);
      int64_t chunks = steps / chunk, rest = steps % chunk;
      VectorType v16i16 = k.vec(16, b.getI16Type());
      auto runChunk = [&](KB &ck, Value first, int64_t count, ValueRange acc) {
        SmallVector<Value> zeros(lanes, ck.zero(v16i16));
        SmallVector<Value> pairs = loopWithAccs(
            ck, count, zeros, [&](OpBuilder &sb, Value s, ValueRange cur) {
              KB sk{sb, loc};
              return step(sk, groupBases, kBegin, sk.add(first, s), m0, mr, cur);
            });
        SmallVector<Value> next;
        for (int64_t j = 0; j < lanes; ++j)
          next.push_back(ck.add(acc[j], pairSumsI16(ck, pairs[j])));
        return next;
      };
      iaccs = loopWithAccs(k, chunks, inits,
                           [&](OpBuilder &cb, Value c, ValueRange cur) {
                             KB ck{cb, loc};
                             return runChunk(ck, ck.mul(c, ck.idx(chunk)), chunk,
                                             cur);
                           });
      if (rest)
        iaccs = runChunk(k, k.idx(chunks * chunk), rest, iaccs);
    }
    // Per-lane (r, i) operands: weight-row values repeated over i, lhs-row
    // values repeated over r.
    SmallVector<int64_t> byRow;
    for (int64_t r = 0; r < nr; ++r)
      for (int64_t i = 0; i < mr; ++i)
        byRow.push_back(r);
    // Header values (offset 0: scales, 4 NR: zero terms) of every row.
    auto perWeightRow = [&](int64_t offset) {
      Value v = loadPackedF32s(k, blob, k.add(groupBases[0], k.idx(offset)), l.nr);
      if (groupBases.size() == 2) {
        Value w = loadPackedF32s(k, blob, k.add(groupBases[1], k.idx(offset)),
                                 l.nr);
        SmallVector<int64_t> both;
        for (int64_t j = 0; j < nr; ++j)
          both.push_back(j);
        v = vector::ShuffleOp::create(b, loc, v, w, both);
      }
      return vector::ShuffleOp::create(b, loc, v, v, byRow).getResult();
    };
    auto perLhsRow = [&](Value buf) {
      SmallVector<Value> perRow, lanesV;
      for (int64_t i = 0; i < mr; ++i)
        perRow.push_back(memref::LoadOp::create(
            b, loc, buf, ValueRange{k.add(m0, k.idx(i)), g}));
      for (int64_t r = 0; r < nr; ++r)
        lanesV.append(perRow.begin(), perRow.end());
      return vector::FromElementsOp::create(b, loc, vc, lanesV).getResult();
    };
    Value dots = arith::SIToFPOp::create(b, loc, vc, sumEach(k, iaccs));
    Value scale = arith::MulFOp::create(b, loc, perWeightRow(0),
                                        perLhsRow(xScale));
    SmallVector<Value> next = {
        vector::FMAOp::create(b, loc, dots, scale, state[0]), state[1]};
    if (xZeroSum)
      next[1] = vector::FMAOp::create(
          b, loc, perWeightRow(4 * l.nr), perLhsRow(xZeroSum), state[1]);
    return next;
  }

  /// Rows m0 .. m0+mr against the weight rows of the tiles at tileBases
  /// (whose first output channels are n0s): all groups, then the epilogue.
  void rowBlock(KB &rk, ArrayRef<Value> tileBases, ArrayRef<Value> n0s,
                Value m0, int64_t mr) {
    OpBuilder &rb = rk.b;
    Location loc = rk.loc;
    int64_t gElems = groupElems();
    int64_t fullGroups = io.k / gElems, lastGroup = io.k % gElems;
    int64_t rows = l.nr * int64_t(tileBases.size());
    VectorType vc = rk.vec(rows * mr, rb.getF32Type());
    SmallVector<Value> state = {rk.zero(vc), rk.zero(vc)};
    state = loopWithAccs(rk, fullGroups, state,
                         [&](OpBuilder &gb, Value g, ValueRange cur) {
                           KB gk{gb, loc};
                           return group(gk, tileBases, g, gElems, m0, mr, cur);
                         });
    if (lastGroup)
      state = group(rk, tileBases, rk.idx(fullGroups), lastGroup, m0, mr,
                    state);
    Value y = arith::SubFOp::create(rb, loc, state[0], state[1]);
    for (size_t t = 0; t < tileBases.size(); ++t)
      for (int64_t i = 0; i < mr; ++i) {
        SmallVector<int64_t> lanes;
        for (int64_t r = 0; r < l.nr; ++r)
          lanes.push_back((int64_t(t) * l.nr + r) * mr + i);
        Value yi = vector::ShuffleOp::create(rb, loc, y, y, lanes);
        emitEpilogue(rk, io, rk.add(m0, rk.idx(i)), n0s[t], yi);
      }
  }

  /// The parallel loop runs over pairs of adjacent tiles: single lhs rows
  /// (M = 1, or the odd last row) read both tiles' weights at once, two
  /// sequential streams per thread (a single hardware-prefetched stream
  /// gets well below the read bandwidth on Zen 3); row pairs take the tiles
  /// one after the other (their accumulators fill the registers already).
  /// With an odd number of tiles the last pair is the last tile twice (the
  /// same values stored twice).
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
          // Row blocks of MR take each tile in turn (the tile stays in
          // cache across them), the remaining single rows both tiles.
          int64_t mr = cfg.mr;
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
                              Value blob, Value numRows) {
  Int8ActivationKernel kernel{cfg, io, layout, blob, {}, {}, {}};
  kernel.emit(k, numRows);
}

} // namespace qforge::cpu
