//===- ONNXMatmul.cpp - ONNX MatMul and Gemm ------------------------------===//
//
// MatMul and Gemm, and the matmul builders (linalg.matmul, or the contraction
// linalg.generic that --qf-quantize recognizes; numpy-batched contractions)
// that Conv and the integer matmuls (ONNXQuantOps.cpp) reuse.
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"

#include "mlir/IR/AffineMap.h"

#include <algorithm>

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

//===----------------------------------------------------------------------===//
// Matmuls
//===----------------------------------------------------------------------===//

namespace detail {

Value zeroFilled(NodeContext &n, ArrayRef<OpFoldResult> sizes, Type elt) {
  TypedAttr zero = isa<FloatType>(elt) ? TypedAttr(floatAttr(elt, 0.0))
                                       : TypedAttr(IntegerAttr::get(elt, 0));
  return n.ir().filled(sizes, elt, zero);
}

/// acc + lhs * rhs, float or integer.
void contractionBody(OpBuilder &b, Location l, ValueRange v) {
  if (isa<FloatType>(v[0].getType())) {
    Value m = arith::MulFOp::create(b, l, v[0], v[1]);
    linalg::YieldOp::create(b, l, Value(arith::AddFOp::create(b, l, v[2], m)));
    return;
  }
  Value m = arith::MulIOp::create(b, l, v[0], v[1]);
  linalg::YieldOp::create(b, l, Value(arith::AddIOp::create(b, l, v[2], m)));
}

/// lhs [rows..., K] times a 2-D weight [K, N] (or [N, K] with `transB`):
/// linalg.matmul for 2-D lhs, otherwise a contraction linalg.generic with
/// the same shape that --qf-quantize recognizes.
FailureOr<Value> matmulWithMatrix(NodeContext &n, Value lhs, Value w,
                                  bool transB) {
  IRBuilder &ir = n.ir();
  MLIRContext *ctx = n.ctx();
  int64_t r = rankOf(lhs);
  OpFoldResult k = ir.size(lhs, r - 1);
  OpFoldResult wk = ir.size(w, transB ? 1 : 0), wn = ir.size(w, transB ? 0 : 1);
  if (auto a = IRBuilder::constant(k), b = IRBuilder::constant(wk);
      a && b && *a != *b)
    return n.unsupported("inner dimensions differ (" + Twine(*a) + " vs " +
                         Twine(*b) + ")");
  SmallVector<OpFoldResult> outSizes = ir.sizes(lhs);
  outSizes.back() = wn;
  Type elt = eltOf(lhs);
  Value init = zeroFilled(n, outSizes, elt);
  if (r == 2) {
    auto mm =
        linalg::MatmulOp::create(n.b(), n.loc(), TypeRange{init.getType()},
                                 ValueRange{lhs, w}, ValueRange{init});
    if (transB) {
      AffineExpr m = getAffineDimExpr(0, ctx), nn = getAffineDimExpr(1, ctx),
                 kk = getAffineDimExpr(2, ctx);
      SmallVector<Attribute> maps = {
          AffineMapAttr::get(AffineMap::get(3, 0, {m, kk}, ctx)),
          AffineMapAttr::get(AffineMap::get(3, 0, {nn, kk}, ctx)),
          AffineMapAttr::get(AffineMap::get(3, 0, {m, nn}, ctx))};
      mm.setIndexingMapsAttr(ArrayAttr::get(ctx, maps));
    }
    return mm.getResult(0);
  }
  // Loops: rows (r - 1), n, k.
  unsigned numLoops = r + 1;
  SmallVector<AffineExpr> lhsExprs, outExprs;
  for (int64_t d = 0; d < r - 1; ++d) {
    lhsExprs.push_back(getAffineDimExpr(d, ctx));
    outExprs.push_back(getAffineDimExpr(d, ctx));
  }
  AffineExpr nd = getAffineDimExpr(r - 1, ctx), kd = getAffineDimExpr(r, ctx);
  lhsExprs.push_back(kd);
  outExprs.push_back(nd);
  SmallVector<AffineMap> maps = {
      AffineMap::get(numLoops, 0, lhsExprs, ctx),
      AffineMap::get(numLoops, 0,
                     transB ? ArrayRef<AffineExpr>{nd, kd}
                            : ArrayRef<AffineExpr>{kd, nd},
                     ctx),
      AffineMap::get(numLoops, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iterators(r, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(n.b(), n.loc(), TypeRange{init.getType()},
                                   ValueRange{lhs, w}, ValueRange{init}, maps,
                                   iterators, contractionBody)
      .getResult(0);
}

/// numpy matmul of [batchA..., M, K] and [batchB..., K, N] (rank >= 2 each,
/// B rank >= 3) with broadcast batch dims.
FailureOr<Value> batchedMatmul(NodeContext &n, Value a, Value b) {
  IRBuilder &ir = n.ir();
  MLIRContext *ctx = n.ctx();
  int64_t ra = rankOf(a), rb = rankOf(b);
  int64_t nb = std::max(ra, rb) - 2;
  auto ta = typeOf(a), tb = typeOf(b);
  SmallVector<OpFoldResult> outSizes;
  for (int64_t d = 0; d < nb; ++d) {
    int64_t da = d - (nb - (ra - 2)), db = d - (nb - (rb - 2));
    int64_t sa = da >= 0 ? ta.getDimSize(da) : 1,
            sb = db >= 0 ? tb.getDimSize(db) : 1;
    if (!ShapedType::isDynamic(sa) && sa != 1 && !ShapedType::isDynamic(sb) &&
        sb != 1 && sa != sb)
      return n.unsupported("batch dimensions are not broadcast-compatible");
    if (!ShapedType::isDynamic(sa) && sa != 1)
      outSizes.push_back(ir.index(sa));
    else if (!ShapedType::isDynamic(sb) && sb != 1)
      outSizes.push_back(ir.index(sb));
    else if (ShapedType::isDynamic(sa))
      outSizes.push_back(ir.size(a, da));
    else if (ShapedType::isDynamic(sb))
      outSizes.push_back(ir.size(b, db));
    else
      outSizes.push_back(ir.index(1));
  }
  if (auto k1 = IRBuilder::constant(ir.size(a, ra - 1)),
      k2 = IRBuilder::constant(ir.size(b, rb - 2));
      k1 && k2 && *k1 != *k2)
    return n.unsupported("inner dimensions differ (" + Twine(*k1) + " vs " +
                         Twine(*k2) + ")");
  outSizes.push_back(ir.size(a, ra - 2));
  outSizes.push_back(ir.size(b, rb - 1));
  SmallVector<int64_t> outShape = IRBuilder::staticShape(outSizes);
  // Loops: batch (nb), m, n, k.
  unsigned numLoops = nb + 3;
  auto batchExprs = [&](RankedTensorType t) {
    SmallVector<AffineExpr> e;
    int64_t tb = t.getRank() - 2;
    for (int64_t i = 0; i < tb; ++i) {
      int64_t d = i + (nb - tb);
      if (t.getDimSize(i) == 1 && outShape[d] != 1)
        e.push_back(getAffineConstantExpr(0, ctx));
      else
        e.push_back(getAffineDimExpr(d, ctx));
    }
    return e;
  };
  AffineExpr m = getAffineDimExpr(nb, ctx), nn = getAffineDimExpr(nb + 1, ctx),
             k = getAffineDimExpr(nb + 2, ctx);
  SmallVector<AffineExpr> ea = batchExprs(ta), eb = batchExprs(tb), eo;
  ea.append({m, k});
  eb.append({k, nn});
  for (int64_t d = 0; d < nb; ++d)
    eo.push_back(getAffineDimExpr(d, ctx));
  eo.append({m, nn});
  SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, ea, ctx),
                                 AffineMap::get(numLoops, 0, eb, ctx),
                                 AffineMap::get(numLoops, 0, eo, ctx)};
  SmallVector<utils::IteratorType> iterators(nb + 2,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  Value init = zeroFilled(n, outSizes, eltOf(a));
  return linalg::GenericOp::create(n.b(), n.loc(), TypeRange{init.getType()},
                                   ValueRange{a, b}, ValueRange{init}, maps,
                                   iterators, contractionBody)
      .getResult(0);
}

} // namespace detail

LogicalResult convertMatMul(NodeContext &n) {
  if (failed(n.requireFloat(0)) || failed(n.requireFloat(1)))
    return failure();
  Value a = n.input(0), b = n.input(1);
  if (eltOf(a) != eltOf(b))
    return n.unsupported("operands have different element types");
  if (rankOf(a) == 0 || rankOf(b) == 0)
    return n.unsupported("rank-0 operand");
  bool dropM = false, dropN = false;
  IRBuilder &ir = n.ir();
  if (rankOf(a) == 1) {
    a = ir.insertUnitDims(a, {0});
    dropM = true;
  }
  if (rankOf(b) == 1) {
    b = ir.insertUnitDims(b, {1});
    dropN = true;
  }
  FailureOr<Value> y = rankOf(b) == 2 ? matmulWithMatrix(n, a, b, false)
                                      : batchedMatmul(n, a, b);
  if (failed(y))
    return failure();
  int64_t r = rankOf(*y);
  SmallVector<int64_t> drop;
  if (dropM)
    drop.push_back(r - 2);
  if (dropN)
    drop.push_back(r - 1);
  n.setOutput(0, ir.dropUnitDims(*y, drop));
  return success();
}

LogicalResult convertGemm(NodeContext &n) {
  if (failed(n.requireFloat(0)) || failed(n.requireFloat(1)))
    return failure();
  Value a = n.input(0), b = n.input(1);
  if (rankOf(a) != 2 || rankOf(b) != 2)
    return n.unsupported("A and B must be 2-D");
  if (eltOf(a) != eltOf(b))
    return n.unsupported("operands have different element types");
  double alpha = n.attrFloat("alpha", 1.0f), beta = n.attrFloat("beta", 1.0f);
  IRBuilder &ir = n.ir();
  if (n.attrInt("transA", 0))
    a = ir.transpose(a, {1, 0});
  FailureOr<Value> y = matmulWithMatrix(n, a, b, n.attrInt("transB", 0) != 0);
  if (failed(y))
    return failure();
  Type elt = eltOf(a);
  bool hasC = n.hasInput(2) && beta != 0.0;
  if (alpha == 1.0 && !hasC) {
    n.setOutput(0, *y);
    return success();
  }
  SmallVector<Value> ins = {*y};
  if (hasC)
    ins.push_back(n.input(2));
  std::string error;
  FailureOr<Value> out = ir.elementwise(
      ins, elt,
      [alpha, beta, hasC, elt](OpBuilder &b, Location l,
                               ValueRange v) -> Value {
        Value r = v[0];
        if (alpha != 1.0)
          r = arith::MulFOp::create(b, l, r, fconst(b, l, elt, alpha));
        if (hasC) {
          Value c = v[1];
          if (beta != 1.0)
            c = arith::MulFOp::create(b, l, c, fconst(b, l, elt, beta));
          r = arith::AddFOp::create(b, l, r, c);
        }
        return r;
      },
      &error);
  if (failed(out))
    return n.unsupported("C: " + error);
  // C broadcasts to [M, N]; it cannot make the result larger.
  if (rankOf(*out) != 2)
    return n.unsupported("C must broadcast to [M, N]");
  n.setOutput(0, *out);
  return success();
}

} // namespace qforge::onnx_import
