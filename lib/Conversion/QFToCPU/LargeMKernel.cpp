//===- LargeMKernel.cpp - The large-M (prefill) GEMM kernels --------------===//
//
// Loop structure and thread hook: LargeMKernel.h and docs/KERNELS.md.
//
// Why the decoded tile is written with scalar stores: the weight sources
// decode K-consecutive vectors per output channel, the microkernel wants
// channel-consecutive vectors per k. The transpose costs a few instructions
// per weight, done once per (K block, panel) and amortized over all M rows
// (>= cfg.largeM), i.e. a few percent of the FMA time at M = 128.
//
//===----------------------------------------------------------------------===//

#include "LargeMKernel.h"
#include "KernelLoops.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace qforge::cpu {
namespace {


/// if (cond) body().
void ifThen(KB &k, Value cond, function_ref<void(KB &)> body) {
  scf::IfOp::create(k.b, k.loc, cond, [&](OpBuilder &nb, Location loc) {
    KB nk{nb, loc};
    body(nk);
    scf::YieldOp::create(nb, loc);
  });
}

Value cmpGT(KB &k, Value a, Value b) {
  return arith::CmpIOp::create(k.b, k.loc, arith::CmpIPredicate::sgt, a, b);
}

/// Row blocks of `mr` over [0, numRows), then the remainder (< mr <= 7) in
/// blocks of 4, 2 and 1, each run at most once: every row is covered by a
/// register-blocked microkernel, none by a one-row loop of several rows.
void forRowBlocks(KB &k, Value numRows, int64_t mr,
                  function_ref<void(KB &, Value, int64_t)> body) {
  Value rem = arith::RemUIOp::create(k.b, k.loc, numRows, k.idx(mr));
  Value mainEnd = arith::SubIOp::create(k.b, k.loc, numRows, rem);
  forLoop(k, k.idx(0), mainEnd, mr,
          [&](KB &rk, Value m0) { body(rk, m0, mr); });
  Value done = k.idx(0);
  for (int64_t part : {4, 2, 1}) {
    if (part >= mr)
      continue;
    Value bit = arith::AndIOp::create(k.b, k.loc, rem, k.idx(part));
    Value at = k.add(mainEnd, done);
    ifThen(k, cmpGT(k, bit, k.idx(0)),
           [&](KB &rk) { body(rk, at, part); });
    done = k.add(done, bit);
  }
}

/// Panels [panelBegin, panelEnd) of `cfg`: the full ones in a loop, then the
/// last, partial one (fewer than 2VL / NR weight tiles) if it is in range.
/// body(p, tiles): panel index, weight tiles (of NR channels) it holds.
void forPanels(KB &k, const KernelConfig &cfg, int64_t n, Value panelBegin,
               Value panelEnd, function_ref<void(KB &, Value, int64_t)> body) {
  int64_t perPanel = largeMPanelWidth(cfg) / cfg.nr;
  int64_t numTiles = (n + cfg.nr - 1) / cfg.nr;
  int64_t fullPanels = numTiles / perPanel;
  int64_t lastTiles = numTiles % perPanel;
  Value fullEnd = k.minIdx(panelEnd, k.idx(fullPanels));
  forLoop(k, panelBegin, fullEnd, 1,
          [&](KB &pk, Value p) { body(pk, p, perPanel); });
  if (lastTiles)
    ifThen(k, cmpGT(k, panelEnd, k.idx(fullPanels)),
           [&](KB &pk) { body(pk, pk.idx(fullPanels), lastTiles); });
}

/// A zero-filled [numRows, cols] accumulator buffer (cols a multiple of VL).
Value allocAccumulators(KB &k, Type elt, int64_t vl, Value numRows,
                        Value cols) {
  Value c = memref::AllocOp::create(
      k.b, k.loc,
      MemRefType::get({ShapedType::kDynamic, ShapedType::kDynamic}, elt),
      ValueRange{numRows, cols}, k.b.getI64IntegerAttr(64));
  Value zero = k.zero(k.vec(vl, elt));
  forLoop(k, k.idx(0), numRows, 1, [&](KB &mk, Value m) {
    forLoop(mk, mk.idx(0), cols, vl, [&](KB &jk, Value j) {
      vector::StoreOp::create(jk.b, jk.loc, zero, c, ValueRange{m, j});
    });
  });
  return c;
}

/// K blocks of `kc` over [0, total): all but the last in a loop, the last
/// (1 .. kc elements) separately. body(k0, size, isLast).
void forKBlocks(KB &k, int64_t total, int64_t kc,
                function_ref<void(KB &, Value, int64_t, bool)> body) {
  int64_t loopBlocks = (total - 1) / kc;
  int64_t lastSize = total - loopBlocks * kc;
  forLoop(k, k.idx(0), k.idx(loopBlocks * kc), kc,
          [&](KB &bk, Value k0) { body(bk, k0, kc, false); });
  body(k, k.idx(loopBlocks * kc), lastSize, true);
}

/// Register tile: mr rows x 2 vectors of `acc` accumulators at C[m0 + i,
/// cOff + h * VL], loaded, updated by `update(kk, ks, accs)` for kk in
/// [0, count), and stored back.
void microkernel(KB &k, Value c, VectorType accType, Value m0, int64_t mr,
                 Value cOff, int64_t count,
                 function_ref<void(KB &, Value, SmallVectorImpl<Value> &)> update) {
  int64_t vl = accType.getNumElements();
  SmallVector<Value> accs;
  auto at = [&](KB &kk, int64_t i, int64_t h) {
    return SmallVector<Value>{kk.add(m0, kk.idx(i)), kk.add(cOff, kk.idx(h * vl))};
  };
  for (int64_t i = 0; i < mr; ++i)
    for (int64_t h = 0; h < 2; ++h)
      accs.push_back(vector::LoadOp::create(k.b, k.loc, accType, c, at(k, i, h)));
  auto loop = scf::ForOp::create(
      k.b, k.loc, k.idx(0), k.idx(count), k.idx(1), accs,
      [&](OpBuilder &nb, Location loc, Value kk, ValueRange cur) {
        KB ik{nb, loc};
        SmallVector<Value> next(cur.begin(), cur.end());
        update(ik, kk, next);
        scf::YieldOp::create(nb, loc, next);
      });
  for (int64_t i = 0; i < mr; ++i)
    for (int64_t h = 0; h < 2; ++h)
      vector::StoreOp::create(k.b, k.loc, loop.getResult(i * 2 + h), c,
                              at(k, i, h));
}

/// The lhs rows of one K block, packed for the microkernel:
/// packed[m / MR][kk][m % MR] = x[m][k0 + kk] (as `elt`, through `load`), so
/// that the MR broadcasts of one k are adjacent and each row block streams
/// one contiguous buffer (row-major x would put the MR rows K elements apart:
/// with K a multiple of 1024 they all fall into one L1 set).
void packLhs(KB &k, Value packed, int64_t mr, Value numRows, Value k0,
             int64_t size, function_ref<Value(KB &, Value, Value)> load) {
  forLoop(k, k.idx(0), numRows, 1, [&](KB &mk, Value m) {
    Value blk = arith::DivUIOp::create(mk.b, mk.loc, m, mk.idx(mr));
    Value lane = arith::RemUIOp::create(mk.b, mk.loc, m, mk.idx(mr));
    forLoop(mk, mk.idx(0), mk.idx(size), 1, [&](KB &kk, Value j) {
      memref::StoreOp::create(kk.b, kk.loc, load(kk, m, kk.add(k0, j)), packed,
                              ValueRange{blk, j, lane});
    });
  });
}

/// A [ceil(M / mr), kc, mr] buffer for packLhs.
Value allocPackedLhs(KB &k, Type elt, int64_t mr, int64_t kc, Value numRows) {
  Value blocks = arith::DivUIOp::create(
      k.b, k.loc, k.add(numRows, k.idx(mr - 1)), k.idx(mr));
  return memref::AllocOp::create(
      k.b, k.loc, MemRefType::get({ShapedType::kDynamic, kc, mr}, elt),
      ValueRange{blocks}, k.b.getI64IntegerAttr(64));
}

/// vector<2VL x i16> a, b -> vector<VL x i32> of a[2j]*b[2j] + a[2j+1]*b[2j+1]:
/// plain ops LLVM selects as vpmaddwd (exact: |pair sum| <= 2^15 here).
Value maddPairs(KB &k, Value a, Value b) {
  auto type = cast<VectorType>(a.getType());
  int64_t n = type.getNumElements();
  VectorType wide = k.vec(n, k.b.getI32Type());
  Value p = arith::MulIOp::create(k.b, k.loc,
                                  arith::ExtSIOp::create(k.b, k.loc, wide, a),
                                  arith::ExtSIOp::create(k.b, k.loc, wide, b));
  SmallVector<int64_t> even, odd;
  for (int64_t i = 0; i < n; i += 2) {
    even.push_back(i);
    odd.push_back(i + 1);
  }
  return arith::AddIOp::create(k.b, k.loc,
                               vector::ShuffleOp::create(k.b, k.loc, p, p, even),
                               vector::ShuffleOp::create(k.b, k.loc, p, p, odd));
}

} // namespace

//===----------------------------------------------------------------------===//
// Float kernel
//===----------------------------------------------------------------------===//

void emitLargeMFloat(KB &k, const KernelConfig &cfg, const KernelIO &io,
                     WeightSource &ws, Value numRows, Value panelBegin,
                     Value panelEnd) {
  OpBuilder &b = k.b;
  Type f32 = b.getF32Type();
  int64_t vl = cfg.vl, width = largeMPanelWidth(cfg), nr = cfg.nr;
  int64_t step = ws.stepElems(), gsize = ws.groupSize();
  bool oneGroup = gsize >= io.k;
  int64_t kc = std::max(step, cfg.kcFloat / step * step);
  VectorType vt = k.vec(vl, f32);

  // The decoded tile: kc x 2VL f32 (16 KiB on AVX2), reused for every panel.
  Value tile = memref::AllocOp::create(b, k.loc, MemRefType::get({kc, width}, f32),
                                       b.getI64IntegerAttr(64));
  Value cols = k.mul(arith::SubIOp::create(b, k.loc, panelEnd, panelBegin),
                     k.idx(width));
  Value c = allocAccumulators(k, f32, vl, numRows, cols);
  int64_t mrL = cfg.mrLarge;
  Value xPacked = allocPackedLhs(k, f32, mrL, kc, numRows);

  /// Decodes one step (valid elements at global K index kStep) of weight
  /// tile `st` into tile rows kLocal.., column st * NR + r, scale folded.
  auto decodeStep = [&](KB &sk, Value st, Value kLocal, Value kStep,
                        int64_t valid) {
    Value g = oneGroup ? sk.idx(0)
                       : arith::DivUIOp::create(sk.b, sk.loc, kStep, sk.idx(gsize));
    Value inGroup = oneGroup ? kStep
                             : arith::SubIOp::create(sk.b, sk.loc, kStep,
                                                     sk.mul(g, sk.idx(gsize)));
    Value stepIdx = arith::DivUIOp::create(sk.b, sk.loc, inGroup, sk.idx(step));
    ws.beginGroup(sk, g);
    SmallVector<SmallVector<Value>> w;
    ws.decodeStep(sk, stepIdx, kStep, valid, w);
    for (int64_t r = 0; r < nr; ++r) {
      Value s = ws.scale(sk, r);
      Value negZt = ws.hasZeroTerm()
                        ? arith::NegFOp::create(sk.b, sk.loc, ws.zeroTerm(sk, r))
                        : Value();
      Value col = sk.add(sk.mul(st, sk.idx(nr)), sk.idx(r));
      for (int64_t sv = 0; sv * vl < valid; ++sv) {
        // (code - zp) * s as code * s - s * zp: one rounding (FMA).
        Value v = w[r][sv];
        if (s && negZt)
          v = vector::FMAOp::create(sk.b, sk.loc, v, sk.splat(vt, s),
                                    sk.splat(vt, negZt));
        else if (s)
          v = arith::MulFOp::create(sk.b, sk.loc, v, sk.splat(vt, s));
        for (int64_t j = 0; j < vl && sv * vl + j < valid; ++j) {
          Value e = vector::ExtractOp::create(sk.b, sk.loc, v, j);
          memref::StoreOp::create(sk.b, sk.loc, e, tile,
                                  ValueRange{sk.add(kLocal, sk.idx(sv * vl + j)), col});
        }
      }
    }
  };

  forKBlocks(k, io.k, kc, [&](KB &bk, Value k0, int64_t size, bool) {
    packLhs(bk, xPacked, mrL, numRows, k0, size,
            [&](KB &lk, Value m, Value kx) {
              return lk.toF32(memref::LoadOp::create(lk.b, lk.loc, io.x,
                                                     ValueRange{m, kx}));
            });
    forPanels(bk, cfg, io.n, panelBegin, panelEnd,
              [&](KB &pk, Value p, int64_t tiles) {
      if (tiles * nr < width) {
        // Channels past the last weight tile: zeros (their outputs are
        // dropped by the masked store anyway).
        Value zero = pk.zero(vt);
        forLoop(pk, pk.idx(0), pk.idx(size), 1, [&](KB &zk, Value kk) {
          for (int64_t h = 0; h < 2; ++h)
            vector::StoreOp::create(zk.b, zk.loc, zero, tile,
                                    ValueRange{kk, zk.idx(h * vl)});
        });
      }
      // Decode the panel's tiles of NR channels.
      forLoop(pk, pk.idx(0), pk.idx(tiles), 1, [&](KB &tk, Value st) {
        Value nt = tk.add(tk.mul(p, tk.idx(width / nr)), st);
        ws.beginTile(tk, nt);
        int64_t fullSteps = size / step, tail = size % step;
        forLoop(tk, tk.idx(0), tk.idx(fullSteps * step), step,
                [&](KB &sk, Value kl) {
                  decodeStep(sk, st, kl, sk.add(k0, kl), step);
                });
        if (tail)
          decodeStep(tk, st, tk.idx(fullSteps * step),
                     tk.add(k0, tk.idx(fullSteps * step)), tail);
      });
      // Every row block against the tile.
      Value cOff = pk.mul(arith::SubIOp::create(pk.b, pk.loc, p, panelBegin),
                          pk.idx(width));
      forRowBlocks(pk, numRows, mrL, [&](KB &rk, Value m0, int64_t mr) {
        Value blk = arith::DivUIOp::create(rk.b, rk.loc, m0, rk.idx(mrL));
        Value lane = arith::RemUIOp::create(rk.b, rk.loc, m0, rk.idx(mrL));
        microkernel(rk, c, vt, m0, mr, cOff, size,
                    [&](KB &ik, Value kk, SmallVectorImpl<Value> &accs) {
          Value bv[2];
          for (int64_t h = 0; h < 2; ++h)
            bv[h] = vector::LoadOp::create(ik.b, ik.loc, vt, tile,
                                           ValueRange{kk, ik.idx(h * vl)});
          for (int64_t i = 0; i < mr; ++i) {
            Value x = memref::LoadOp::create(
                ik.b, ik.loc, xPacked,
                ValueRange{blk, kk, ik.add(lane, ik.idx(i))});
            Value xv = ik.splat(vt, x);
            for (int64_t h = 0; h < 2; ++h)
              accs[i * 2 + h] =
                  vector::FMAOp::create(ik.b, ik.loc, xv, bv[h], accs[i * 2 + h]);
          }
        });
      });
    });
  });

  // Epilogue per panel and row.
  VectorType rowType = k.vec(width, f32);
  forPanels(k, cfg, io.n, panelBegin, panelEnd, [&](KB &pk, Value p, int64_t) {
    Value cOff = pk.mul(arith::SubIOp::create(pk.b, pk.loc, p, panelBegin),
                        pk.idx(width));
    Value n0 = pk.mul(p, pk.idx(width));
    forLoop(pk, pk.idx(0), numRows, 1, [&](KB &mk, Value m) {
      Value y = vector::LoadOp::create(mk.b, mk.loc, rowType, c,
                                       ValueRange{m, cOff});
      emitEpilogue(mk, io, m, n0, y);
    });
  });
}

//===----------------------------------------------------------------------===//
// Integer kernel
//===----------------------------------------------------------------------===//

void emitLargeMInt(KB &k, const KernelConfig &cfg, const KernelIO &io,
                   IntWeightSource &ws, Value numRows, Value xq, Value xsRow,
                   Value xsScalar, Value panelBegin, Value panelEnd) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  Type i32 = b.getI32Type(), i16 = b.getI16Type(), i8 = b.getI8Type();
  int64_t vl = cfg.vl, width = largeMPanelWidth(cfg), nr = cfg.nr;
  int64_t ki = cfg.ki;
  int64_t kq = (io.k + ki - 1) / ki * ki; // xq's padded K
  bool kTail = io.k % ki != 0;
  int64_t kc = std::min(kq, std::max(ki, cfg.kcInt / ki * ki));
  VectorType vi = k.vec(vl, i32), vp = k.vec(2 * vl, i16);

  // The lhs as int16 pairs: xp[m, j] = x[m, 2j] | x[m, 2j+1] << 16, so that
  // one 32-bit broadcast gives vpmaddwd its lhs operand.
  Value xp = memref::AllocOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic, kq / 2}, i32),
      ValueRange{numRows}, b.getI64IntegerAttr(64));
  forLoop(k, k.idx(0), numRows, 1, [&](KB &mk, Value m) {
    forLoop(mk, mk.idx(0), mk.idx(kq / 2), vl, [&](KB &jk, Value j) {
      Value bytes = vector::LoadOp::create(jk.b, loc, jk.vec(2 * vl, i8), xq,
                                           ValueRange{m, jk.mul(j, jk.idx(2))});
      Value wide = arith::ExtSIOp::create(jk.b, loc, vp, bytes);
      Value pairs = vector::BitCastOp::create(jk.b, loc, vi, wide);
      vector::StoreOp::create(jk.b, loc, pairs, xp, ValueRange{m, j});
    });
  });

  // The decoded tile: kc/2 K pairs x 2VL channels of int16 pairs.
  Value tile = memref::AllocOp::create(
      b, loc, MemRefType::get({kc / 2, width}, i32), b.getI64IntegerAttr(64));
  Value cols = k.mul(arith::SubIOp::create(b, loc, panelEnd, panelBegin),
                     k.idx(width));
  Value c = allocAccumulators(k, i32, vl, numRows, cols);
  int64_t mrL = cfg.mrLarge;
  Value xPacked = allocPackedLhs(k, i32, mrL, kc / 2, numRows);

  /// Step kIdx of weight tile st -> tile rows pLocal.. (pairs), column
  /// st * NR + r.
  auto decodeStep = [&](KB &sk, Value st, Value pLocal, Value kIdx,
                        bool isTail) {
    Value stepIdx = arith::DivUIOp::create(sk.b, loc, kIdx, sk.idx(ki));
    SmallVector<Value> w = ws.readStep(sk, stepIdx, kIdx, isTail);
    for (int64_t r = 0; r < nr; ++r) {
      Value col = sk.add(sk.mul(st, sk.idx(nr)), sk.idx(r));
      Value wide = arith::ExtSIOp::create(sk.b, loc, sk.vec(ki, i16), w[r]);
      Value pairs = vector::BitCastOp::create(sk.b, loc, sk.vec(ki / 2, i32), wide);
      for (int64_t j = 0; j < ki / 2; ++j) {
        Value e = vector::ExtractOp::create(sk.b, loc, pairs, j);
        memref::StoreOp::create(sk.b, loc, e, tile,
                                ValueRange{sk.add(pLocal, sk.idx(j)), col});
      }
    }
  };

  forKBlocks(k, kq, kc, [&](KB &bk, Value k0, int64_t size, bool isLast) {
    Value p0 = arith::DivUIOp::create(bk.b, loc, k0, bk.idx(2));
    packLhs(bk, xPacked, mrL, numRows, p0, size / 2,
            [&](KB &lk, Value m, Value j) {
              return memref::LoadOp::create(lk.b, loc, xp, ValueRange{m, j});
            });
    forPanels(bk, cfg, io.n, panelBegin, panelEnd,
              [&](KB &pk, Value p, int64_t tiles) {
      if (tiles * nr < width) {
        Value zero = pk.zero(vi);
        forLoop(pk, pk.idx(0), pk.idx(size / 2), 1, [&](KB &zk, Value kk) {
          for (int64_t h = 0; h < 2; ++h)
            vector::StoreOp::create(zk.b, loc, zero, tile,
                                    ValueRange{kk, zk.idx(h * vl)});
        });
      }
      forLoop(pk, pk.idx(0), pk.idx(tiles), 1, [&](KB &tk, Value st) {
        Value nt = tk.add(tk.mul(p, tk.idx(width / nr)), st);
        ws.beginTile(tk, nt);
        // The last step of K reads masked when K is not a multiple of KI.
        int64_t steps = size / ki;
        int64_t loopSteps = isLast && kTail ? steps - 1 : steps;
        forLoop(tk, tk.idx(0), tk.idx(loopSteps * ki), ki, [&](KB &sk, Value kl) {
          decodeStep(sk, st, arith::DivUIOp::create(sk.b, loc, kl, sk.idx(2)),
                     sk.add(k0, kl), false);
        });
        if (loopSteps < steps)
          decodeStep(tk, st, tk.idx(loopSteps * ki / 2),
                     tk.add(k0, tk.idx(loopSteps * ki)), true);
      });
      Value cOff = pk.mul(arith::SubIOp::create(pk.b, loc, p, panelBegin),
                          pk.idx(width));
      forRowBlocks(pk, numRows, mrL, [&](KB &rk, Value m0, int64_t mr) {
        Value blk = arith::DivUIOp::create(rk.b, loc, m0, rk.idx(mrL));
        Value lane = arith::RemUIOp::create(rk.b, loc, m0, rk.idx(mrL));
        microkernel(rk, c, vi, m0, mr, cOff, size / 2,
                    [&](KB &ik, Value kk, SmallVectorImpl<Value> &accs) {
          Value bv[2];
          for (int64_t h = 0; h < 2; ++h)
            bv[h] = vector::BitCastOp::create(
                ik.b, loc, vp,
                vector::LoadOp::create(ik.b, loc, vi, tile,
                                       ValueRange{kk, ik.idx(h * vl)}));
          for (int64_t i = 0; i < mr; ++i) {
            Value x = memref::LoadOp::create(
                ik.b, loc, xPacked, ValueRange{blk, kk, ik.add(lane, ik.idx(i))});
            Value xv = vector::BitCastOp::create(ik.b, loc, vp, ik.splat(vi, x));
            for (int64_t h = 0; h < 2; ++h)
              accs[i * 2 + h] = arith::AddIOp::create(
                  ik.b, loc, accs[i * 2 + h], maddPairs(ik, xv, bv[h]));
          }
        });
      });
    });
  });

  // Epilogue: float(acc) * x_scale * w_scale in the reference's order.
  VectorType rowI = k.vec(width, i32), rowF = k.vec(width, b.getF32Type());
  forPanels(k, cfg, io.n, panelBegin, panelEnd,
            [&](KB &pk, Value p, int64_t tiles) {
    Value wScales = pk.zero(rowF);
    for (int64_t st = 0; st < tiles; ++st) {
      ws.beginTile(pk, pk.add(pk.mul(p, pk.idx(width / nr)), pk.idx(st)));
      wScales = vector::InsertStridedSliceOp::create(
          pk.b, loc, ws.rowScales(pk), wScales, ArrayRef<int64_t>{st * nr},
          ArrayRef<int64_t>{1});
    }
    Value cOff = pk.mul(arith::SubIOp::create(pk.b, loc, p, panelBegin),
                        pk.idx(width));
    Value n0 = pk.mul(p, pk.idx(width));
    forLoop(pk, pk.idx(0), numRows, 1, [&](KB &mk, Value m) {
      Value acc = vector::LoadOp::create(mk.b, loc, rowI, c, ValueRange{m, cOff});
      Value y = arith::SIToFPOp::create(mk.b, loc, rowF, acc);
      Value xs = xsScalar ? xsScalar
                          : mk.toF32(memref::LoadOp::create(mk.b, loc, xsRow,
                                                            ValueRange{m}));
      y = arith::MulFOp::create(mk.b, loc, y, mk.splat(rowF, xs));
      y = arith::MulFOp::create(mk.b, loc, y, wScales);
      emitEpilogue(mk, io, m, n0, y);
    });
  });
}

} // namespace qforge::cpu
