//===- KernelLoops.cpp - Loop nests and dots shared by the kernels -------===//

#include "KernelLoops.h"
#include "Parallel.h"

#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace qforge::cpu {

//===----------------------------------------------------------------------===//
// Loops over rows
//===----------------------------------------------------------------------===//

void forLoop(KB &k, Value lo, Value hi, int64_t step,
             function_ref<void(KB &, Value)> body) {
  scf::ForOp::create(k.b, k.loc, lo, hi, k.idx(step), ValueRange{},
                     [&](OpBuilder &nb, Location loc, Value iv, ValueRange) {
                       KB nk{nb, loc};
                       body(nk, iv);
                       scf::YieldOp::create(nb, loc);
                     });
}

void forRowBlocks(KB &k, Value lo, Value hi, int64_t mr,
                  function_ref<void(OpBuilder &, Value, int64_t)> body) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  auto emit = [&](Value from, Value to, int64_t step) {
    scf::ForOp::create(b, loc, from, to, k.idx(step), ValueRange{},
                       [&](OpBuilder &nb, Location, Value iv, ValueRange) {
                         body(nb, iv, step);
                         scf::YieldOp::create(nb, loc);
                       });
  };
  if (mr == 1) {
    emit(lo, hi, 1);
    return;
  }
  Value count = arith::SubIOp::create(b, loc, hi, lo);
  Value rem = arith::RemUIOp::create(b, loc, count, k.idx(mr));
  Value mainEnd = arith::SubIOp::create(b, loc, hi, rem);
  emit(lo, mainEnd, mr);
  emit(mainEnd, hi, 1);
}

SmallVector<Value>
loopWithAccs(KB &k, int64_t count, ValueRange inits,
             function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> body) {
  if (count == 0)
    return llvm::to_vector(inits);
  if (count == 1)
    return body(k.b, k.idx(0), inits);
  auto loop = scf::ForOp::create(
      k.b, k.loc, k.idx(0), k.idx(count), k.idx(1), inits,
      [&](OpBuilder &nb, Location loc, Value iv, ValueRange args) {
        SmallVector<Value> next = body(nb, iv, args);
        scf::YieldOp::create(nb, loc, next);
      });
  return SmallVector<Value>(loop.getResults().begin(), loop.getResults().end());
}

void forTilesParallel(
    KB &k, int64_t numTiles, Value numRows, int64_t k0, int64_t nr,
    function_ref<void(KB &, Value nt, Value mLo, Value mHi)> body) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  Value blocks = arith::CeilDivUIOp::create(b, loc, numRows, k.idx(kRowsPerBlock));
  Value count = arith::MulIOp::create(b, loc, k.idx(numTiles), blocks);
  auto loop = scf::ParallelOp::create(
      b, loc, ValueRange{k.idx(0)}, ValueRange{count}, ValueRange{k.idx(1)},
      [&](OpBuilder &pb, Location, ValueRange ivs) {
        KB pk{pb, loc};
        Value nt = arith::DivUIOp::create(pb, loc, ivs[0], blocks);
        Value mb = arith::RemUIOp::create(pb, loc, ivs[0], blocks);
        Value mLo = pk.mul(mb, pk.idx(kRowsPerBlock));
        Value mHi = pk.minIdx(pk.add(mLo, pk.idx(kRowsPerBlock)), numRows);
        body(pk, nt, mLo, mHi);
      });
  int64_t grain = std::max<int64_t>(1, kMinTaskWork / std::max<int64_t>(1, nr * k0));
  loop->setAttr(kParallelGrainAttr, b.getI64IntegerAttr(grain));
}

namespace {

/// acc (vector<4 x i32>) + AArch64 `sdot` of bytes [16 p, 16 p + 16) of a
/// and b.
Value sdotPart(KB &k, Value acc, Value a, Value b, int64_t p) {
  auto slice = [&](Value v) {
    return vector::ExtractStridedSliceOp::create(k.b, k.loc, v, {p * 16}, {16},
                                                 {1});
  };
  return arm_neon::SdotOp::create(k.b, k.loc, k.vec(4, k.b.getI32Type()), acc,
                                  slice(a), slice(b));
}

} // namespace

Value dotI8(KB &k, Value x, Value w, Value acc, Int8DotKind dot) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  int64_t n = cast<VectorType>(x.getType()).getNumElements();
  if (dot == Int8DotKind::ArmSdot && n % 16 == 0) {
    Value halves[2] = {
        vector::ExtractStridedSliceOp::create(b, loc, acc, {0}, {4}, {1}),
        vector::ExtractStridedSliceOp::create(b, loc, acc, {4}, {4}, {1})};
    for (int64_t p = 0; p < n / 16; ++p)
      halves[p % 2] = sdotPart(k, halves[p % 2], x, w, p);
    return vector::ShuffleOp::create(b, loc, halves[0], halves[1],
                                     ArrayRef<int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
  }
  VectorType wide = k.vec(n, b.getI32Type());
  Value p = arith::MulIOp::create(b, loc, arith::ExtSIOp::create(b, loc, wide, x),
                                  arith::ExtSIOp::create(b, loc, wide, w));
  SmallVector<int64_t> even, odd;
  for (int64_t i = 0; i < n; i += 2) {
    even.push_back(i);
    odd.push_back(i + 1);
  }
  Value sum = arith::AddIOp::create(
      b, loc, vector::ShuffleOp::create(b, loc, p, p, even),
      vector::ShuffleOp::create(b, loc, p, p, odd));
  for (int64_t width = n / 2; width > 8; width /= 2) {
    Value lo = vector::ExtractStridedSliceOp::create(b, loc, sum, {0},
                                                     {width / 2}, {1});
    Value hi = vector::ExtractStridedSliceOp::create(b, loc, sum, {width / 2},
                                                     {width / 2}, {1});
    sum = arith::AddIOp::create(b, loc, lo, hi);
  }
  return arith::AddIOp::create(b, loc, acc, sum);
}

namespace {

/// addi(even lanes of v, odd lanes of v), tagged with `tag`.
Value addAdjacentPairs(KB &k, Value v, StringRef tag) {
  int64_t n = cast<VectorType>(v.getType()).getNumElements();
  SmallVector<int64_t> even, odd;
  for (int64_t i = 0; i < n; i += 2) {
    even.push_back(i);
    odd.push_back(i + 1);
  }
  auto sum = arith::AddIOp::create(
      k.b, k.loc, vector::ShuffleOp::create(k.b, k.loc, v, v, even),
      vector::ShuffleOp::create(k.b, k.loc, v, v, odd));
  sum->setAttr(tag, k.b.getUnitAttr());
  return sum;
}

} // namespace

Value pairProductsU8S8(KB &k, Value u, Value s) {
  int64_t n = cast<VectorType>(u.getType()).getNumElements();
  VectorType wide = k.vec(n, k.b.getI16Type());
  Value p = arith::MulIOp::create(k.b, k.loc,
                                  arith::ExtUIOp::create(k.b, k.loc, wide, u),
                                  arith::ExtSIOp::create(k.b, k.loc, wide, s));
  return addAdjacentPairs(k, p, kMaddUbsAttr);
}

Value dotGroupsOf4(KB &k, Value u, Value s, Value acc, Int8DotKind dot) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  int64_t n = cast<VectorType>(u.getType()).getNumElements();
  if (dot == Int8DotKind::ArmSdot && n % 16 == 0) {
    Value out;
    for (int64_t p = 0; p < n / 16; ++p) {
      Value a = vector::ExtractStridedSliceOp::create(b, loc, acc, {p * 4}, {4},
                                                      {1});
      Value part = sdotPart(k, a, u, s, p);
      if (p == 0) {
        out = part;
        continue;
      }
      SmallVector<int64_t> lanes;
      for (int64_t i = 0; i < 4 * (p + 1); ++i)
        lanes.push_back(i);
      out = vector::ShuffleOp::create(b, loc, out, part, lanes);
    }
    return out;
  }
  VectorType wide = k.vec(n, b.getI32Type());
  Value p = arith::MulIOp::create(b, loc, arith::ExtUIOp::create(b, loc, wide, u),
                                  arith::ExtSIOp::create(b, loc, wide, s));
  for (int64_t width = n; width > n / 4; width /= 2) {
    SmallVector<int64_t> even, odd;
    for (int64_t i = 0; i < width; i += 2) {
      even.push_back(i);
      odd.push_back(i + 1);
    }
    p = arith::AddIOp::create(b, loc, vector::ShuffleOp::create(b, loc, p, p, even),
                              vector::ShuffleOp::create(b, loc, p, p, odd));
  }
  if (n == 32)
    p.getDefiningOp()->setAttr(kDotBusdAttr, b.getUnitAttr());
  return arith::AddIOp::create(b, loc, acc, p);
}

Value dotSignedGroupsOf4(KB &k, Value a, Value b, Value absA, Value acc) {
  OpBuilder &ob = k.b;
  Location loc = k.loc;
  Value zero = k.zero(b.getType());
  Value negative =
      arith::CmpIOp::create(ob, loc, arith::CmpIPredicate::slt, a, zero);
  auto signedB = arith::SelectOp::create(
      ob, loc, negative, arith::SubIOp::create(ob, loc, zero, b), b);
  signedB->setAttr(kSignByAttr, ob.getUnitAttr());
  return k.add(acc, pairSumsI16(k, pairProductsU8S8(k, absA, signedB)));
}

Value pairSumsI16(KB &k, Value v) {
  int64_t n = cast<VectorType>(v.getType()).getNumElements();
  Value e = arith::ExtSIOp::create(k.b, k.loc, k.vec(n, k.b.getI32Type()), v);
  return addAdjacentPairs(k, e, kPairSumAttr);
}

} // namespace qforge::cpu
