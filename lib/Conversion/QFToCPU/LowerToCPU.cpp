//===- LowerToCPU.cpp - qf.matmul to fused vector kernels ----------------===//
//
// Each qf.matmul becomes a loop nest over the vector dialect (docs/KERNELS.md):
//
//   xsum[m][g] = sum of x[m] over group g        (zero-term schemes only)
//   parallel for each tile of NR output channels n0..n0+NR
//              x each block of 64 activation rows:   (scf.parallel: threads)
//     for each block of MR activation rows:
//       per group along K: vector accumulators acc_g[r][i] += x[i] * code[r]
//         (codes decoded to f32 in registers, straight from the weight bytes)
//       acc[r][i] += scale[r][g] * acc_g[r][i]; corr[r][i] += zt[r][g] * xsum[i][g]
//       y[i][n0..n0+NR] = epilogue(reduce(acc[r][i]) - corr[r][i])  (masked store)
//
// The integer kernel (a8w8) first quantizes the activations (per row at run
// time, or with the static scale) into an activation-sized int8 buffer, then
// accumulates exact int8 x int8 products in i32 vectors (vpmaddwd on AVX2).
//
// Weights come from a WeightSource: the unpacked [N, K] operand, or the packed
// global written by --qf-pack-weights (PackedLayout.h).
//
//===----------------------------------------------------------------------===//

#include "Epilogue.h"
#include "KernelBuilder.h"
#include "KernelLoops.h"
#include "KernelSelection.h"
#include "Int8ActivationKernel.h"
#include "Parallel.h"
#include "LargeMKernel.h"
#include "Packing.h"
#include "WeightSource.h"

#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace qforge::cpu {
#define GEN_PASS_DEF_QFLOWERTOCPU
#include "qforge/Conversion/QFToCPU/Passes.h.inc"
} // namespace qforge::cpu

using namespace mlir;
using namespace qforge;
using namespace qforge::cpu;
using qforge::qf::Activation;
using qforge::qf::MatmulOp;

namespace {

//===----------------------------------------------------------------------===//
// Operands as buffers
//===----------------------------------------------------------------------===//

Value toBuffer(OpBuilder &b, Location loc, Value tensor) {
  if (!tensor)
    return {};
  auto type = cast<RankedTensorType>(tensor.getType());
  auto memrefType = MemRefType::get(type.getShape(), type.getElementType());
  return bufferization::ToBufferOp::create(b, loc, memrefType, tensor,
                                           /*read_only=*/true);
}

/// Folds all leading dims into one: [d0, ..., dk-2, dk-1] -> [d0*...*dk-2, dk-1]
/// (keepLast) or [d0 * ... * dk-1] (!keepLast).
Value collapseLeading(OpBuilder &b, Location loc, Value memref, bool keepLast) {
  auto type = cast<MemRefType>(memref.getType());
  int64_t rank = type.getRank();
  int64_t target = keepLast ? 2 : 1;
  if (rank <= target)
    return memref;
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices lead;
  for (int64_t d = 0; d < rank - (keepLast ? 1 : 0); ++d)
    lead.push_back(d);
  groups.push_back(lead);
  if (keepLast)
    groups.push_back({rank - 1});
  return memref::CollapseShapeOp::create(b, loc, memref, groups);
}

/// Panel ranges of the large-M kernel as an `scf.parallel` (one iteration per
/// range). Each range repacks the activations once, so there are only a few
/// of them: enough to balance 16 threads, not one per 16-column panel.
constexpr int64_t kLargeMRanges = 16;

void forPanelRangesParallel(
    KB &k, int64_t numPanels,
    function_ref<void(KB &, Value panelBegin, Value panelEnd)> body) {
  int64_t perRange = (numPanels + kLargeMRanges - 1) / kLargeMRanges;
  int64_t ranges = (numPanels + perRange - 1) / perRange;
  auto loop = scf::ParallelOp::create(
      k.b, k.loc, ValueRange{k.idx(0)}, ValueRange{k.idx(ranges)},
      ValueRange{k.idx(1)}, [&](OpBuilder &pb, Location loc, ValueRange ivs) {
        KB pk{pb, loc};
        Value begin = pk.mul(ivs[0], pk.idx(perRange));
        Value end = pk.minIdx(pk.add(begin, pk.idx(perRange)),
                              pk.idx(numPanels));
        body(pk, begin, end);
      });
  loop->setAttr(kParallelGrainAttr, k.b.getI64IntegerAttr(1));
}

//===----------------------------------------------------------------------===//
// Float kernel (weight-only schemes and f32)
//===----------------------------------------------------------------------===//

struct FloatKernel {
  const KernelConfig &cfg;
  const KernelIO &io;
  WeightSource &ws;
  /// [M, numGroups] sums of x over each group (zero-term schemes only).
  Value xsums;

  VectorType vecF32(OpBuilder &b) { return VectorType::get({cfg.vl}, b.getF32Type()); }

  /// Reads x[m, k .. k+valid) as vector<VL x f32>, zeros past `valid`.
  Value readX(KB &k, Value m, Value kIdx, int64_t valid) {
    Type elt = cast<MemRefType>(io.x.getType()).getElementType();
    Value v = k.read(k.vec(cfg.vl, elt), io.x, {m, kIdx}, k.zero(elt), valid,
                     /*inBounds=*/true);
    return k.toF32(v);
  }

  /// Independent accumulation chains per (row, lhs row): two for GEMV rows
  /// (to cover the FMA latency), one when several lhs rows share a tile.
  int64_t chains(int64_t mr) const { return mr == 1 ? ws.gemvChains() : 1; }

  /// One group of `size` elements starting at element kBegin (index) of K,
  /// for rows m0 .. m0+mr. `state` holds the running vector accumulators
  /// [r * mr + i], then (zero-term schemes) the scalar corrections
  /// zeroTerm * sum(x) [nr * mr + r * mr + i]; returns the updated state.
  SmallVector<Value> group(KB &k, Value g, Value kBegin, int64_t size,
                           Value m0, int64_t mr, ValueRange state) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t nr = cfg.nr, vl = cfg.vl, nc = chains(mr);
    VectorType vt = vecF32(b);
    ws.beginGroup(k, g);
    bool zeroTerm = ws.hasZeroTerm();
    // Per-group accumulators [(r * mr + i) * nc + c].
    SmallVector<Value> inits;
    for (int64_t j = 0; j < nr * mr * nc; ++j)
      inits.push_back(k.zero(vt));
    int64_t step = ws.stepElems();
    auto stepBody = [&](KB &kk, Value stepIdx, Value kStep, int64_t valid,
                        ValueRange cur) {
      SmallVector<Value> next(cur.begin(), cur.end());
      SmallVector<SmallVector<Value>> w;
      ws.decodeStep(kk, stepIdx, kStep, valid, w);
      int64_t subs = (valid + vl - 1) / vl;
      for (int64_t s = 0; s < subs; ++s) {
        int64_t v = std::min(vl, valid - s * vl);
        Value ks = kk.add(kStep, kk.idx(s * vl));
        for (int64_t i = 0; i < mr; ++i) {
          Value xi = readX(kk, kk.add(m0, kk.idx(i)), ks, v);
          for (int64_t r = 0; r < nr; ++r) {
            Value &acc = next[(r * mr + i) * nc + s % nc];
            acc = vector::FMAOp::create(kk.b, kk.loc, xi, w[r][s], acc);
          }
        }
      }
      return next;
    };
    int64_t fullSteps = size / step, tail = size % step;
    SmallVector<Value> gaccs = loopWithAccs(
        k, fullSteps, inits,
        [&](OpBuilder &nb, Value iv, ValueRange cur) {
          KB kk{nb, loc};
          Value kStep = kk.add(kBegin, kk.mul(iv, kk.idx(step)));
          return stepBody(kk, iv, kStep, step, cur);
        });
    if (tail) {
      Value kStep = k.add(kBegin, k.idx(fullSteps * step));
      gaccs = stepBody(k, k.idx(fullSteps), kStep, tail, gaccs);
    }
    // Fold the group into the running state.
    SmallVector<Value> next(state.begin(), state.end());
    for (int64_t r = 0; r < nr; ++r) {
      Value scale = ws.scale(k, r);
      Value zt = zeroTerm ? ws.zeroTerm(k, r) : Value();
      for (int64_t i = 0; i < mr; ++i) {
        Value &acc = next[r * mr + i];
        Value ga = gaccs[(r * mr + i) * nc];
        for (int64_t c = 1; c < nc; ++c)
          ga = k.add(ga, gaccs[(r * mr + i) * nc + c]);
        if (scale)
          acc = vector::FMAOp::create(b, loc, ga, k.splat(vt, scale), acc);
        else
          acc = k.add(acc, ga);
        if (zt) {
          Value xs = memref::LoadOp::create(b, loc, xsums,
                                            ValueRange{k.add(m0, k.idx(i)), g});
          Value &corr = next[nr * mr + r * mr + i];
          corr = math::FmaOp::create(b, loc, zt, xs, corr);
        }
      }
    }
    return next;
  }

  /// xsums[m, g] = sum of x[m, k] over group g (one pass over the lhs).
  void computeXSums(KB &k, Value numRows, int64_t gsize) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t vl = cfg.vl;
    int64_t groups = (io.k + gsize - 1) / gsize;
    xsums = memref::AllocOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic, groups}, b.getF32Type()),
        ValueRange{numRows}, b.getI64IntegerAttr(64));
    VectorType vt = vecF32(b);
    scf::ForOp::create(
        b, loc, k.idx(0), numRows, k.idx(1), ValueRange{},
        [&](OpBuilder &rb, Location, Value m, ValueRange) {
          KB rk{rb, loc};
          for (int64_t g = 0; g < groups; ++g) {
            int64_t begin = g * gsize, size = std::min(gsize, io.k - begin);
            SmallVector<Value> acc = loopWithAccs(
                rk, size / vl, ValueRange{rk.zero(vt)},
                [&](OpBuilder &sb, Value iv, ValueRange cur) {
                  KB sk{sb, loc};
                  Value kk = sk.add(sk.idx(begin), sk.mul(iv, sk.idx(vl)));
                  return SmallVector<Value>{sk.add(cur[0], readX(sk, m, kk, vl))};
                });
            if (size % vl)
              acc[0] = rk.add(acc[0], readX(rk, m, rk.idx(begin + size / vl * vl),
                                            size % vl));
            Value sum = vector::ReductionOp::create(
                rb, loc, vector::CombiningKind::ADD, acc[0]);
            memref::StoreOp::create(rb, loc, sum, xsums,
                                    ValueRange{m, rk.idx(g)});
          }
          scf::YieldOp::create(rb, loc);
        });
  }

  void emit(KB &k, Value numRows) {
    Location loc = k.loc;
    int64_t nr = cfg.nr;
    int64_t numTiles = (io.n + nr - 1) / nr;
    int64_t gsize = ws.groupSize(); // == K for one group
    int64_t fullGroups = io.k / gsize, lastGroup = io.k % gsize;
    bool zeroTerm = ws.hasZeroTerm();
    if (zeroTerm)
      computeXSums(k, numRows, gsize);
    forTilesParallel(
        k, numTiles, numRows, io.k, nr,
        [&](KB &tk, Value nt, Value mLo, Value mHi) {
          ws.beginTile(tk, nt);
          Value n0 = tk.mul(nt, tk.idx(nr));
          forRowBlocks(tk, mLo, mHi, cfg.mr,
                       [&](OpBuilder &rb, Value m0, int64_t mr) {
            KB rk{rb, loc};
            SmallVector<Value> state;
            for (int64_t j = 0; j < nr * mr; ++j)
              state.push_back(rk.zero(vecF32(rb)));
            if (zeroTerm)
              for (int64_t j = 0; j < nr * mr; ++j)
                state.push_back(rk.f32(0.0f));
            state = loopWithAccs(
                rk, fullGroups, state,
                [&](OpBuilder &gb, Value g, ValueRange cur) {
                  KB gk{gb, loc};
                  Value kBegin = gk.mul(g, gk.idx(gsize));
                  return group(gk, g, kBegin, gsize, m0, mr, cur);
                });
            if (lastGroup)
              state = group(rk, rk.idx(fullGroups), rk.idx(fullGroups * gsize),
                            lastGroup, m0, mr, state);
            for (int64_t i = 0; i < mr; ++i) {
              SmallVector<Value> ys;
              for (int64_t r = 0; r < nr; ++r) {
                Value y = vector::ReductionOp::create(
                    rb, loc, vector::CombiningKind::ADD, state[r * mr + i]);
                if (zeroTerm)
                  y = arith::SubFOp::create(rb, loc, y,
                                            state[nr * mr + r * mr + i]);
                ys.push_back(y);
              }
              Value y = vector::FromElementsOp::create(
                  rb, loc, rk.vec(nr, rb.getF32Type()), ys);
              emitEpilogue(rk, io, rk.add(m0, rk.idx(i)), n0, y);
            }
          });
        });
  }
};

//===----------------------------------------------------------------------===//
// Integer kernel (a8w8): int8 x int8 -> i32, exact
//===----------------------------------------------------------------------===//

struct IntKernel {
  const KernelConfig &cfg;
  const KernelIO &io;
  IntWeightSource &ws;
  Value xq;       ///< [M, Kq] i8, zero padded past K
  Value xsRow;    ///< [M] f32 per-row scale, or null
  Value xsScalar; ///< f32 scalar scale, or null

  int64_t paddedK() const { return (io.k + cfg.ki - 1) / cfg.ki * cfg.ki; }

  /// Quantizes (or copies) the lhs into xq.
  void prologue(KB &k, Value numRows, quant::ActivationMode mode) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t kq = paddedK(), vl = cfg.vl;
    Type i8 = b.getI8Type();
    xq = memref::AllocOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic, kq}, i8),
        ValueRange{numRows}, b.getI64IntegerAttr(64));
    Type xElt = cast<MemRefType>(io.x.getType()).getElementType();
    bool intLhs = isa<IntegerType>(xElt);
    if (intLhs) {
      // Already quantized: copy with zero padding; scale from lhs_scale.
      if (cast<MemRefType>(io.lhsScale.getType()).getRank() == 0)
        xsScalar = k.toF32(memref::LoadOp::create(b, loc, io.lhsScale, ValueRange{}));
      else
        xsRow = io.lhsScale;
    } else if (mode == quant::ActivationMode::Static) {
      xsScalar = k.toF32(memref::LoadOp::create(b, loc, io.lhsScale, ValueRange{}));
    } else {
      xsRow = memref::AllocOp::create(
          b, loc, MemRefType::get({ShapedType::kDynamic}, b.getF32Type()),
          ValueRange{numRows}, b.getI64IntegerAttr(64));
    }
    VectorType vf = k.vec(vl, b.getF32Type());
    scf::ForOp::create(
        b, loc, k.idx(0), numRows, k.idx(1), ValueRange{},
        [&](OpBuilder &rb, Location, Value m, ValueRange) {
          KB rk{rb, loc};
          int64_t steps = kq / vl;
          if (intLhs) {
            scf::ForOp::create(
                rb, loc, rk.idx(0), rk.idx(steps), rk.idx(1), ValueRange{},
                [&](OpBuilder &sb, Location, Value s, ValueRange) {
                  KB sk{sb, loc};
                  Value kk = sk.mul(s, sk.idx(vl));
                  Value v = sk.read(sk.vec(vl, xElt), io.x, {m, kk},
                                    sk.zero(xElt), vl, /*inBounds=*/false);
                  vector::TransferWriteOp::create(sb, loc, v, xq, ValueRange{m, kk},
                                                  ArrayRef<bool>{true});
                  scf::YieldOp::create(sb, loc);
                });
            scf::YieldOp::create(rb, loc);
            return;
          }
          auto readX = [&](KB &sk, Value kk) {
            Value v = sk.read(sk.vec(vl, xElt), io.x, {m, kk}, sk.zero(xElt), vl,
                              /*inBounds=*/false);
            return sk.toF32(v);
          };
          Value scale = xsScalar;
          if (!scale) {
            // amax over the row (max is exact in any order), as the reference.
            auto loop = scf::ForOp::create(
                rb, loc, rk.idx(0), rk.idx(steps), rk.idx(1),
                ValueRange{rk.zero(vf)},
                [&](OpBuilder &sb, Location, Value s, ValueRange args) {
                  KB sk{sb, loc};
                  Value x = readX(sk, sk.mul(s, sk.idx(vl)));
                  Value a = math::AbsFOp::create(sb, loc, x);
                  Value mx = arith::MaximumFOp::create(sb, loc, a, args[0]);
                  scf::YieldOp::create(sb, loc, mx);
                });
            Value amax = vector::ReductionOp::create(
                rb, loc, vector::CombiningKind::MAXIMUMF, loop.getResult(0),
                rk.f32(0.0f));
            Value s = arith::DivFOp::create(rb, loc, amax, rk.f32(127.0f));
            Value isZero = arith::CmpFOp::create(
                rb, loc, arith::CmpFPredicate::OEQ, s, rk.f32(0.0f));
            scale = arith::SelectOp::create(rb, loc, isZero, rk.f32(1.0f), s);
            memref::StoreOp::create(rb, loc, scale, xsRow, ValueRange{m});
          }
          Value sv = rk.splat(vf, scale), zp = rk.splat(vf, rk.f32(0.0f));
          scf::ForOp::create(
              rb, loc, rk.idx(0), rk.idx(steps), rk.idx(1), ValueRange{},
              [&](OpBuilder &sb, Location, Value s, ValueRange) {
                KB sk{sb, loc};
                Value kk = sk.mul(s, sk.idx(vl));
                Value q = quantizeVec(sk, readX(sk, kk), sv, zp, -128, 127);
                Value q8 = arith::TruncIOp::create(sb, loc, sk.vec(vl, i8), q);
                vector::TransferWriteOp::create(sb, loc, q8, xq, ValueRange{m, kk},
                                                ArrayRef<bool>{true});
                scf::YieldOp::create(sb, loc);
              });
          scf::YieldOp::create(rb, loc);
        });
  }

  /// The tile loops (after prologue()).
  void emitTiles(KB &k, Value numRows) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t nr = cfg.nr, ki = cfg.ki;
    int64_t numTiles = (io.n + nr - 1) / nr;
    int64_t fullSteps = io.k / ki;
    bool tail = io.k % ki != 0;
    Type i32 = b.getI32Type();
    VectorType v8i32 = k.vec(8, i32);
    forTilesParallel(
        k, numTiles, numRows, io.k, nr,
        [&](KB &tk, Value nt, Value mLo, Value mHi) {
          ws.beginTile(tk, nt);
          Value n0 = tk.mul(nt, tk.idx(nr));
          Value wScales = ws.rowScales(tk); // vector<NR x f32>
          forRowBlocks(tk, mLo, mHi, cfg.mr,
                       [&](OpBuilder &rb, Value m0, int64_t mr) {
            KB rk{rb, loc};
            SmallVector<Value> inits;
            for (int64_t j = 0; j < nr * mr; ++j)
              inits.push_back(rk.zero(v8i32));
            auto stepBody = [&](KB &sk, Value stepIdx, Value kk, bool isTail,
                                ValueRange cur) {
              SmallVector<Value> next(cur.begin(), cur.end());
              SmallVector<Value> w = ws.readStep(sk, stepIdx, kk, isTail);
              for (int64_t i = 0; i < mr; ++i) {
                Value xv = vector::TransferReadOp::create(
                    sk.b, loc, sk.vec(ki, sk.b.getI8Type()), xq,
                    ValueRange{sk.add(m0, sk.idx(i)), kk}, sk.zero(sk.b.getI8Type()),
                    ArrayRef<bool>{true});
                for (int64_t r = 0; r < nr; ++r)
                  next[r * mr + i] = dotI8(sk, xv, w[r], next[r * mr + i],
                                           cfg.int8Dot);
              }
              return next;
            };
            SmallVector<Value> accs = loopWithAccs(
                rk, fullSteps, inits,
                [&](OpBuilder &sb, Value s, ValueRange cur) {
                  KB sk{sb, loc};
                  return stepBody(sk, s, sk.mul(s, sk.idx(ki)), false, cur);
                });
            if (tail)
              accs = stepBody(rk, rk.idx(fullSteps), rk.idx(fullSteps * ki),
                              true, accs);
            VectorType vf = rk.vec(nr, rb.getF32Type());
            for (int64_t i = 0; i < mr; ++i) {
              Value m = rk.add(m0, rk.idx(i));
              SmallVector<Value> sums;
              for (int64_t r = 0; r < nr; ++r)
                sums.push_back(vector::ReductionOp::create(
                    rb, loc, vector::CombiningKind::ADD, accs[r * mr + i]));
              Value acc = vector::FromElementsOp::create(
                  rb, loc, rk.vec(nr, i32), sums);
              // float(acc) * lhs_scale * w_scale, in the reference's order.
              Value y = arith::SIToFPOp::create(rb, loc, vf, acc);
              Value xs = xsScalar ? xsScalar
                                  : rk.toF32(memref::LoadOp::create(
                                        rb, loc, xsRow, ValueRange{m}));
              y = arith::MulFOp::create(rb, loc, y, rk.splat(vf, xs));
              y = arith::MulFOp::create(rb, loc, y, wScales);
              emitEpilogue(rk, io, m, n0, y);
            }
          });
        });
    // The temporaries are freed by the buffer deallocation pipeline.
  }
};

//===----------------------------------------------------------------------===//
// One matmul
//===----------------------------------------------------------------------===//

/// The large-M kernel from `largeM` rows on (largePanels: one range of its
/// 16-column panels, run in parallel), the small-M one below: chosen at
/// compile time for a static M, at run time (scf.if) for a dynamic one.
/// largeM == 0: the small-M kernel only.
void dispatchOnRows(
    KB &k, const KernelIO &io, const KernelConfig &cfg, int64_t largeM,
    Value numRows,
    function_ref<void(KB &, Value panelBegin, Value panelEnd)> largePanels,
    function_ref<void(KB &)> small) {
  auto large = [&](KB &lk) {
    forPanelRangesParallel(lk, largeMNumPanels(cfg, io.n), largePanels);
  };
  if (largeM == 0) {
    small(k);
    return;
  }
  int64_t staticM = cast<MemRefType>(io.x.getType()).getDimSize(0);
  if (!ShapedType::isDynamic(staticM)) {
    if (staticM >= largeM)
      large(k);
    else
      small(k);
    return;
  }
  Value isLarge = arith::CmpIOp::create(k.b, k.loc, arith::CmpIPredicate::sge,
                                        numRows, k.idx(largeM));
  scf::IfOp::create(
      k.b, k.loc, isLarge,
      [&](OpBuilder &nb, Location loc) {
        KB lk{nb, loc};
        large(lk);
        scf::YieldOp::create(nb, loc);
      },
      [&](OpBuilder &nb, Location loc) {
        KB sk{nb, loc};
        small(sk);
        scf::YieldOp::create(nb, loc);
      });
}

LogicalResult lowerMatmul(IRRewriter &b, MatmulOp op, const KernelConfig &cfg) {
  Location loc = op.getLoc();
  // What runs is the op's kernel config (qf-cpu-select-kernels), checked.
  FailureOr<qf::CPUKernelAttr> kernel = getKernel(op, cfg);
  if (failed(kernel))
    return failure();
  if (kernel->isPacked() != op->hasAttr(kPackedAttrName))
    return op.emitOpError()
           << (kernel->isPacked()
                   ? "has a packed kernel config but no packed weights (run "
                     "--qf-pack-weights first)"
                   : "has packed weights but an unpacked kernel config");
  KB k{b, loc};
  quant::Scheme scheme = op.getQuantScheme();
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  int64_t n = wType.getDimSize(0), kDim = wType.getDimSize(1);
  if (ShapedType::isDynamic(n) || ShapedType::isDynamic(kDim))
    return op.emitOpError("qf-lower-to-cpu needs static N and K, got weight ")
           << wType;
  if (lhsType.isDynamicDim(lhsType.getRank() - 1))
    return op.emitOpError("qf-lower-to-cpu needs a static K in the lhs, got ")
           << lhsType;
  if (n == 0 || kDim == 0)
    return op.emitOpError("qf-lower-to-cpu needs non-empty N and K");

  KernelIO io;
  io.n = n;
  io.k = kDim;
  io.act = op.getActivationKind();
  io.resultElt = resultType.getElementType();
  Value lhsBuf = toBuffer(b, loc, op.getLhs());
  io.x = collapseLeading(b, loc, lhsBuf, /*keepLast=*/true);
  if (Value s = toBuffer(b, loc, op.getLhsScale()))
    io.lhsScale = collapseLeading(b, loc, s, /*keepLast=*/false);
  io.bias = toBuffer(b, loc, op.getBias());
  if (Value r = toBuffer(b, loc, op.getResidual()))
    io.residual = collapseLeading(b, loc, r, /*keepLast=*/true);
  io.outScale = toBuffer(b, loc, op.getOutputScale());
  io.outZp = toBuffer(b, loc, op.getOutputZeroPoint());
  if (io.outZp)
    io.outZpUnsigned =
        cast<RankedTensorType>(op.getOutputZeroPoint().getType())
            .getElementType()
            .isUnsignedInteger();

  // The result buffer, [..., M, N] with the lhs's dynamic dims.
  SmallVector<Value> dynSizes;
  for (int64_t d = 0; d < resultType.getRank() - 1; ++d)
    if (resultType.isDynamicDim(d))
      dynSizes.push_back(memref::DimOp::create(b, loc, lhsBuf, d));
  auto outType =
      MemRefType::get(resultType.getShape(), resultType.getElementType());
  Value outBuf = memref::AllocOp::create(b, loc, outType, dynSizes,
                                         b.getI64IntegerAttr(64));
  io.out = collapseLeading(b, loc, outBuf, /*keepLast=*/true);
  Value numRows = memref::DimOp::create(b, loc, io.x, 0);
  int64_t largeM = kernel->getLargeM();

  std::unique_ptr<WeightSource> floatSource;
  std::unique_ptr<IntWeightSource> intSource;
  if (kernel->getKind() == qf::CPUKernelKind::Int8) {
    intSource = makeIntWeightSource(b, loc, op, cfg);
    if (!intSource)
      return failure();
    IntKernel kernel{cfg, io, *intSource, {}, {}, {}};
    kernel.prologue(k, numRows, scheme.activation);
    dispatchOnRows(
        k, io, cfg, largeM, numRows,
        [&](KB &pk, Value begin, Value end) {
          emitLargeMInt(pk, cfg, io, *intSource, numRows, kernel.xq,
                        kernel.xsRow, kernel.xsScalar, begin, end);
        },
        [&](KB &sk) { kernel.emitTiles(sk, numRows); });
  } else {
    // The int8-activation kernel (for every M: large_m is 0).
    std::optional<PackedInfo> packed = getPackedInfo(op);
    if (kernel->getKind() == qf::CPUKernelKind::Int8Activations) {
      if (!packed)
        return op.emitOpError("has a malformed ") << kPackedAttrName
                                                  << " attribute";
      Value blob = getPackedBlob(b, loc, op, *packed);
      if (!blob)
        return failure();
      // Table codes: the codebook's int8 levels, + 128 where the dot wants
      // unsigned bytes.
      std::optional<Int8CodeTable> codebook;
      if (auto book = int8CodebookFor(scheme.weight)) {
        int offset = int8CodeTableOffset(cfg);
        SmallVector<int8_t> bytes;
        for (int8_t level : book->levels)
          bytes.push_back(int8_t(uint8_t(int(level) + offset)));
        std::string name = scheme.weight == quant::WeightFormat::NF4
                               ? "__qf_nf4_int8_levels"
                               : "__qf_fp4e2m1_int8_levels";
        if (offset)
          name += "_plus" + std::to_string(offset);
        codebook = Int8CodeTable{getConstantByteTable(b, loc, op, name, bytes),
                                 book->step, offset};
      }
      emitInt8ActivationKernel(k, cfg, io, packed->layout, blob, numRows,
                               codebook ? &*codebook : nullptr);
    } else {
      floatSource = makeFloatWeightSource(b, loc, op, cfg);
      if (!floatSource)
        return failure();
      auto small = [&](KB &sk) {
        FloatKernel kernel{cfg, io, *floatSource, {}};
        kernel.emit(sk, numRows);
      };
      dispatchOnRows(
          k, io, cfg, largeM, numRows,
          [&](KB &pk, Value begin, Value end) {
            emitLargeMFloat(pk, cfg, io, *floatSource, numRows, begin, end);
          },
          small);
    }
  }

  Value result = bufferization::ToTensorOp::create(
      b, loc, resultType, outBuf, /*restrict=*/true, /*writable=*/true);
  b.replaceOp(op, result);
  return success();
}

struct LowerToCPUPass : cpu::impl::QFLowerToCPUBase<LowerToCPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<KernelConfig> config =
        getKernelConfigFor(module, "qf-lower-to-cpu");
    if (failed(config))
      return signalPassFailure();
    const KernelConfig &cfg = *config;

    SmallVector<MatmulOp> matmuls;
    module.walk([&](MatmulOp op) { matmuls.push_back(op); });
    IRRewriter b(&getContext());
    bool failed = false;
    for (MatmulOp op : matmuls) {
      b.setInsertionPoint(op);
      if (mlir::failed(lowerMatmul(b, op, cfg)))
        failed = true;
    }
    if (failed)
      return signalPassFailure();
    // Every other qf op takes the reference lowering (the shared function,
    // not a nested pass), which also makes unsigned integer types signless
    // everywhere: the kernels' arith ops on uiN values become valid here.
    if (mlir::failed(qforge::qf::lowerToReference(module)))
      return signalPassFailure();
  }
};

} // namespace
