//===- ONNXOps.cpp - Converters for ONNX operators ------------------------===//
//
// One function per operator (family). Each reads its node through
// NodeContext, builds linalg / tensor / arith / math ops on tensors at the
// node's location (a NameLoc of the node name), and sets the node's
// outputs; on a variant it does not handle it returns
// NodeContext::unsupported(reason). Shape ops on import-time constants are
// folded into new constants instead of emitting IR.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/AffineMap.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

using namespace mlir;

namespace qforge::onnx_import {
namespace {

using BodyFn = IRBuilder::BodyFn;

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }
int64_t rankOf(Value v) { return typeOf(v).getRank(); }
Type eltOf(Value v) { return typeOf(v).getElementType(); }

std::string typeName(Type t) {
  std::optional<int32_t> o = onnxTypeOf(t);
  return o ? onnxTypeName(*o) : std::string("?");
}

LogicalResult emitElementwise(NodeContext &n, ValueRange ins, Type outElt,
                              BodyFn body) {
  std::string error;
  FailureOr<Value> r = n.ir().elementwise(ins, outElt, body, &error);
  if (failed(r))
    return n.unsupported(error);
  n.setOutput(0, *r);
  return success();
}

/// Sorted, unique, normalized axes.
std::optional<SmallVector<int64_t>>
normalizeAxes(NodeContext &n, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t a : axes) {
    std::optional<int64_t> na = n.axis(a, rank);
    if (!na)
      return std::nullopt;
    if (llvm::is_contained(out, *na)) {
      (void)n.unsupported("axis " + Twine(a) + " is repeated");
      return std::nullopt;
    }
    out.push_back(*na);
  }
  llvm::sort(out);
  return out;
}

TypedAttr floatAttr(Type t, double v) { return FloatAttr::get(t, v); }

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename FOp, typename IOp>
LogicalResult convertBinary(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  Type elt = eltOf(a);
  if (elt != eltOf(b))
    return n.unsupported("operands have different element types");
  bool isFloat = isa<FloatType>(elt);
  if (!isFloat && (!elt.isSignlessInteger() || elt.isInteger(1)))
    return n.unsupported("element type " + typeName(elt) +
                         " (floats and signed integers only)");
  return emitElementwise(
      n, {a, b}, elt,
      [isFloat](OpBuilder &b, Location l, ValueRange v) -> Value {
        if (isFloat)
          return FOp::create(b, l, v[0], v[1]);
        return IOp::create(b, l, v[0], v[1]);
      });
}

LogicalResult convertPow(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value base = n.input(0);
  Type elt = eltOf(base);
  // x^2 and x^3 as products, as onnxruntime computes them.
  if (const ConstTensor *e = n.constInput(1))
    if (std::optional<double> s = e->scalar();
        s && (*s == 2.0 || *s == 3.0) && e->shape.empty()) {
      bool cube = *s == 3.0;
      return emitElementwise(
          n, {base}, elt,
          [cube](OpBuilder &b, Location l, ValueRange v) -> Value {
            Value sq = arith::MulFOp::create(b, l, v[0], v[0]);
            return cube ? arith::MulFOp::create(b, l, sq, v[0]) : sq;
          });
    }
  Value exp = n.input(1);
  Type expElt = eltOf(exp);
  if (isa<FloatType>(expElt) && expElt != elt)
    return n.unsupported("exponent type differs from the base type");
  if (!isa<FloatType>(expElt) &&
      (!expElt.isSignlessInteger() || expElt.isInteger(1)))
    return n.unsupported("exponent type " + typeName(expElt));
  return emitElementwise(
      n, {base, exp}, elt,
      [elt](OpBuilder &b, Location l, ValueRange v) -> Value {
        Value e = v[1];
        if (!isa<FloatType>(e.getType()))
          e = arith::SIToFPOp::create(b, l, elt, e);
        return math::PowFOp::create(b, l, v[0], e);
      });
}

using UnaryFn = Value (*)(OpBuilder &, Location, Value);

template <UnaryFn fn> LogicalResult convertUnary(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  return emitElementwise(
      n, {x}, eltOf(x),
      [](OpBuilder &b, Location l, ValueRange v) { return fn(b, l, v[0]); });
}

Value fconst(OpBuilder &b, Location l, Type t, double v) {
  return arith::ConstantOp::create(b, l, FloatAttr::get(t, v));
}

Value sqrtFn(OpBuilder &b, Location l, Value x) {
  return math::SqrtOp::create(b, l, x);
}
Value reluFn(OpBuilder &b, Location l, Value x) {
  return arith::MaximumFOp::create(b, l, x, fconst(b, l, x.getType(), 0.0));
}
Value sigmoidFn(OpBuilder &b, Location l, Value x) {
  Value one = fconst(b, l, x.getType(), 1.0);
  Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, x));
  return arith::DivFOp::create(b, l, one, arith::AddFOp::create(b, l, one, e));
}
Value tanhFn(OpBuilder &b, Location l, Value x) {
  return math::TanhOp::create(b, l, x);
}
Value erfFn(OpBuilder &b, Location l, Value x) {
  return math::ErfOp::create(b, l, x);
}
Value expFn(OpBuilder &b, Location l, Value x) {
  return math::ExpOp::create(b, l, x);
}
Value logFn(OpBuilder &b, Location l, Value x) {
  return math::LogOp::create(b, l, x);
}
Value negFn(OpBuilder &b, Location l, Value x) {
  return arith::NegFOp::create(b, l, x);
}
Value absFn(OpBuilder &b, Location l, Value x) {
  return math::AbsFOp::create(b, l, x);
}
Value reciprocalFn(OpBuilder &b, Location l, Value x) {
  return arith::DivFOp::create(b, l, fconst(b, l, x.getType(), 1.0), x);
}

LogicalResult convertGelu(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  std::string approx = n.attrString("approximate", "none");
  if (approx != "none" && approx != "tanh")
    return n.unsupported("approximate='" + approx + "'");
  bool useTanh = approx == "tanh";
  Value x = n.input(0);
  return emitElementwise(
      n, {x}, eltOf(x),
      [useTanh](OpBuilder &b, Location l, ValueRange v) -> Value {
        Value x = v[0];
        Type t = x.getType();
        Value half = fconst(b, l, t, 0.5), one = fconst(b, l, t, 1.0);
        Value inner;
        if (useTanh) {
          // tanh(sqrt(2/pi) * (x + 0.044715 x^3))
          Value x3 =
              arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, x, x), x);
          Value s = arith::AddFOp::create(
              b, l, x,
              arith::MulFOp::create(b, l, fconst(b, l, t, 0.044715), x3));
          inner = math::TanhOp::create(
              b, l,
              arith::MulFOp::create(b, l,
                                    fconst(b, l, t, std::sqrt(2.0 / M_PI)), s));
        } else {
          inner = math::ErfOp::create(
              b, l, arith::MulFOp::create(b, l, x, fconst(b, l, t, M_SQRT1_2)));
        }
        Value hx = arith::MulFOp::create(b, l, half, x);
        return arith::MulFOp::create(b, l, hx,
                                     arith::AddFOp::create(b, l, one, inner));
      });
}

LogicalResult convertIdentity(NodeContext &n) {
  n.forward(0, 0);
  return success();
}

LogicalResult convertDropout(NodeContext &n) {
  if (n.hasInput(2)) {
    const ConstTensor *t = n.constInput(2);
    std::optional<double> s = t ? t->scalar() : std::nullopt;
    if (!s || *s != 0)
      return n.unsupported("training_mode must be a constant false");
  }
  n.forward(0, 0);
  if (n.hasOutput(1)) {
    // Inference: nothing is dropped.
    Value x = n.input(0);
    n.setOutput(1, n.ir().filled(n.ir().sizes(x), n.b().getI1Type(),
                                 n.b().getIntegerAttr(n.b().getI1Type(), 1)));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

/// The number of elements of `x` over `axes`, as a float scalar.
Value countOf(NodeContext &n, Value x, ArrayRef<int64_t> axes) {
  IRBuilder &ir = n.ir();
  OpFoldResult count = ir.index(1);
  for (int64_t a : axes)
    count = ir.mul(count, ir.size(x, a));
  return ir.indexToFloat(count, eltOf(x));
}

Value sumOver(NodeContext &n, Value x, ArrayRef<int64_t> axes) {
  return n.ir().reduce(x, axes, floatAttr(eltOf(x), 0.0),
                       [](OpBuilder &b, Location l, ValueRange v) -> Value {
                         return arith::AddFOp::create(b, l, v[0], v[1]);
                       });
}

/// `x` (a reduction result) divided by a scalar.
Value divideBy(NodeContext &n, Value x, Value scalar) {
  return *n.ir().elementwise(
      {x}, eltOf(x),
      [scalar](OpBuilder &b, Location l, ValueRange v) -> Value {
        return arith::DivFOp::create(b, l, v[0], scalar);
      },
      nullptr);
}

enum class ReduceKind { Mean, Sum, Max, Min };

template <ReduceKind kind> LogicalResult convertReduce(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  // axes became an input in opset 13 for ReduceSum, 18 for the others.
  int64_t inputSince = kind == ReduceKind::Sum ? 13 : 18;
  std::vector<int64_t> axes;
  if (n.opset() >= inputSince) {
    if (n.hasInput(1)) {
      FailureOr<std::vector<int64_t>> a = n.intsInput(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  } else if (auto a = n.attrInts("axes")) {
    axes = *a;
  }
  bool keepDims = n.attrInt("keepdims", 1) != 0;
  if (axes.empty()) {
    if (n.attrInt("noop_with_empty_axes", 0)) {
      n.forward(0, 0);
      return success();
    }
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  std::optional<SmallVector<int64_t>> norm = normalizeAxes(n, axes, rank);
  if (!norm)
    return failure();
  Type elt = eltOf(x);
  Value y;
  switch (kind) {
  case ReduceKind::Mean:
    y = divideBy(n, sumOver(n, x, *norm), countOf(n, x, *norm));
    break;
  case ReduceKind::Sum:
    y = sumOver(n, x, *norm);
    break;
  case ReduceKind::Max:
  case ReduceKind::Min: {
    double inf = std::numeric_limits<double>::infinity();
    y = n.ir().reduce(x, *norm,
                      floatAttr(elt, kind == ReduceKind::Max ? -inf : inf),
                      [](OpBuilder &b, Location l, ValueRange v) -> Value {
                        if (kind == ReduceKind::Max)
                          return arith::MaximumFOp::create(b, l, v[0], v[1]);
                        return arith::MinimumFOp::create(b, l, v[0], v[1]);
                      });
    break;
  }
  }
  if (keepDims)
    y = n.ir().insertUnitDims(y, *norm);
  n.setOutput(0, y);
  return success();
}

LogicalResult convertGlobalAveragePool(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  if (rank < 3)
    return n.unsupported("input must have rank >= 3");
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  Value y = divideBy(n, sumOver(n, x, axes), countOf(n, x, axes));
  n.setOutput(0, n.ir().insertUnitDims(y, axes));
  return success();
}

LogicalResult convertSoftmax(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  if (rank == 0)
    return n.unsupported("rank-0 input");
  std::optional<int64_t> axis =
      n.axis(n.attrInt("axis", n.opset() >= 13 ? -1 : 1), rank);
  if (!axis)
    return failure();
  // Before opset 13 the input was flattened at `axis`; that is the same only
  // for the last axis.
  if (n.opset() < 13 && *axis != rank - 1)
    return n.unsupported("opset < 13 Softmax over a non-last axis (2-D "
                         "coercion) is not supported");
  IRBuilder &ir = n.ir();
  Type elt = eltOf(x);
  SmallVector<int64_t> axes = {*axis};
  Value max = ir.reduce(
      x, axes, floatAttr(elt, -std::numeric_limits<double>::infinity()),
      [](OpBuilder &b, Location l, ValueRange v) -> Value {
        return arith::MaximumFOp::create(b, l, v[0], v[1]);
      });
  max = ir.insertUnitDims(max, axes);
  Value e = *ir.elementwise(
      {x, max}, elt,
      [](OpBuilder &b, Location l, ValueRange v) -> Value {
        return math::ExpOp::create(b, l,
                                   arith::SubFOp::create(b, l, v[0], v[1]));
      },
      nullptr);
  Value sum = ir.insertUnitDims(sumOver(n, e, axes), axes);
  return emitElementwise(n, {e, sum}, elt,
                         [](OpBuilder &b, Location l, ValueRange v) -> Value {
                           return arith::DivFOp::create(b, l, v[0], v[1]);
                         });
}

LogicalResult convertLayerNorm(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  std::optional<int64_t> axis = n.axis(n.attrInt("axis", -1), rank);
  if (!axis)
    return failure();
  double eps = n.attrFloat("epsilon", 1e-5f);
  IRBuilder &ir = n.ir();
  Type elt = eltOf(x);
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rank; ++d)
    axes.push_back(d);
  Value count = countOf(n, x, axes);
  Value mean = ir.insertUnitDims(divideBy(n, sumOver(n, x, axes), count), axes);
  Value centered = *ir.elementwise(
      {x, mean}, elt,
      [](OpBuilder &b, Location l, ValueRange v) -> Value {
        return arith::SubFOp::create(b, l, v[0], v[1]);
      },
      nullptr);
  Value sq =
      ir.reduce(centered, axes, floatAttr(elt, 0.0),
                [](OpBuilder &b, Location l, ValueRange v) -> Value {
                  return arith::AddFOp::create(
                      b, l, v[0], arith::MulFOp::create(b, l, v[1], v[1]));
                });
  Value invStd = *ir.elementwise(
      {sq}, elt,
      [count, eps, elt](OpBuilder &b, Location l, ValueRange v) -> Value {
        Value var = arith::DivFOp::create(b, l, v[0], count);
        Value s = math::SqrtOp::create(
            b, l, arith::AddFOp::create(b, l, var, fconst(b, l, elt, eps)));
        return arith::DivFOp::create(b, l, fconst(b, l, elt, 1.0), s);
      },
      nullptr);
  invStd = ir.insertUnitDims(invStd, axes);
  SmallVector<Value> ins = {centered, invStd, n.input(1)};
  bool hasBias = n.hasInput(2);
  if (hasBias)
    ins.push_back(n.input(2));
  for (Value v : ins)
    if (eltOf(v) != elt)
      return n.unsupported("Scale and B must have X's element type");
  if (failed(emitElementwise(
          n, ins, elt,
          [hasBias](OpBuilder &b, Location l, ValueRange v) -> Value {
            Value y = arith::MulFOp::create(
                b, l, arith::MulFOp::create(b, l, v[0], v[1]), v[2]);
            return hasBias ? arith::AddFOp::create(b, l, y, v[3]) : y;
          })))
    return failure();
  n.setOutput(1, mean);
  n.setOutput(2, invStd);
  return success();
}

//===----------------------------------------------------------------------===//
// Matmuls
//===----------------------------------------------------------------------===//

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

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

struct Window {
  SmallVector<int64_t> kernel, strides, dilations;
  SmallVector<OpFoldResult> padLow, padHigh; ///< per spatial dim
  SmallVector<OpFoldResult> out;             ///< output spatial sizes
  SmallVector<int64_t> overhang; ///< ceil_mode padding included in padHigh
};

/// Kernel, strides, dilations and pads (explicit or auto_pad) of a
/// convolution or pooling node over `x` [N, C, spatial...].
LogicalResult windowOf(NodeContext &n, Value x, ArrayRef<int64_t> kernel,
                       bool ceilMode, Window &w) {
  IRBuilder &ir = n.ir();
  int64_t d = rankOf(x) - 2;
  w.kernel.assign(kernel.begin(), kernel.end());
  auto ints = [&](StringRef name, int64_t count, int64_t dflt,
                  SmallVector<int64_t> &out) -> LogicalResult {
    std::optional<std::vector<int64_t>> v = n.attrInts(name);
    if (!v) {
      out.assign(count, dflt);
      return success();
    }
    if (int64_t(v->size()) != count)
      return n.unsupported(name + " has " + Twine(v->size()) +
                           " values, expected " + Twine(count));
    out.assign(v->begin(), v->end());
    return success();
  };
  SmallVector<int64_t> pads;
  if (failed(ints("strides", d, 1, w.strides)) ||
      failed(ints("dilations", d, 1, w.dilations)) ||
      failed(ints("pads", 2 * d, 0, pads)))
    return failure();
  for (int64_t i = 0; i < d; ++i)
    if (w.strides[i] < 1 || w.dilations[i] < 1 || w.kernel[i] < 1 ||
        pads[i] < 0 || pads[d + i] < 0)
      return n.unsupported("invalid kernel_shape, strides, dilations or pads");
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return n.unsupported("auto_pad '" + autoPad + "'");
  for (int64_t i = 0; i < d; ++i) {
    OpFoldResult size = ir.size(x, 2 + i);
    int64_t extent = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t lo = pads[i], hi = pads[d + i];
    if (autoPad == "VALID") {
      lo = hi = 0;
    } else if (autoPad != "NOTSET") {
      std::optional<int64_t> s = IRBuilder::constant(size);
      if (!s)
        return n.unsupported("auto_pad SAME with a dynamic spatial size");
      int64_t o = llvm::divideCeil(*s, w.strides[i]);
      int64_t total =
          std::max<int64_t>(0, (o - 1) * w.strides[i] + extent - *s);
      lo = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      hi = total - lo;
    }
    OpFoldResult padded = ir.add(size, ir.index(lo + hi));
    OpFoldResult span = ir.sub(padded, ir.index(extent));
    OpFoldResult o;
    int64_t extra = 0;
    if (ceilMode) {
      std::optional<int64_t> s = IRBuilder::constant(size);
      if (!s)
        return n.unsupported("ceil_mode with a dynamic spatial size");
      int64_t len = *s + lo + hi;
      int64_t oc = llvm::divideCeil(len - extent, w.strides[i]) + 1;
      // The last window must start inside the input or the left padding.
      if ((oc - 1) * w.strides[i] >= *s + lo)
        --oc;
      extra = std::max<int64_t>(0, (oc - 1) * w.strides[i] + extent - len);
      o = ir.index(oc);
    } else {
      o = ir.add(ir.floorDiv(span, w.strides[i]), ir.index(1));
    }
    if (auto oc = IRBuilder::constant(o); oc && *oc < 1)
      return n.unsupported("the window is larger than the padded input");
    w.padLow.push_back(ir.index(lo));
    w.padHigh.push_back(ir.index(hi + extra));
    w.out.push_back(o);
    w.overhang.push_back(extra);
  }
  return success();
}

/// Pads the spatial dims of `x` by the window's pads with `value`.
Value padSpatial(NodeContext &n, Value x, const Window &w, TypedAttr value) {
  IRBuilder &ir = n.ir();
  SmallVector<OpFoldResult> lo = {ir.index(0), ir.index(0)}, hi = lo;
  lo.append(w.padLow.begin(), w.padLow.end());
  hi.append(w.padHigh.begin(), w.padHigh.end());
  return ir.pad(x, lo, hi, value);
}

LogicalResult convertConv(NodeContext &n) {
  if (failed(n.requireFloat(0)) || failed(n.requireFloat(1)))
    return failure();
  Value x = n.input(0), w = n.input(1);
  int64_t rank = rankOf(x), d = rank - 2;
  if (rank < 3 || rankOf(w) != rank)
    return n.unsupported("X and W must have the same rank >= 3");
  auto wt = typeOf(w);
  if (!wt.hasStaticShape())
    return n.unsupported("W must have a static shape");
  int64_t group = n.attrInt("group", 1);
  int64_t m = wt.getDimSize(0), cg = wt.getDimSize(1);
  std::optional<int64_t> c = IRBuilder::constant(n.ir().size(x, 1));
  if (!c)
    return n.unsupported("X must have a static channel dimension");
  if (group < 1 || *c != cg * group || m % group != 0)
    return n.unsupported("channels (" + Twine(*c) + ") do not match W (" +
                         Twine(cg) + " per group) and group " + Twine(group));
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
  if (auto ks = n.attrInts("kernel_shape"))
    if (ArrayRef<int64_t>(*ks) != ArrayRef<int64_t>(kernel))
      return n.unsupported("kernel_shape does not match W");
  Window win;
  if (failed(windowOf(n, x, kernel, /*ceilMode=*/false, win)))
    return failure();
  IRBuilder &ir = n.ir();
  MLIRContext *ctx = n.ctx();
  Type elt = eltOf(x);
  Value xp = padSpatial(n, x, win, floatAttr(elt, 0.0));

  // im2col: patches[n, o..., g, cg, k...] = xp[n, g*Cg + cg, o*s + k*dil].
  unsigned numLoops = 2 * d + 3;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> inExprs = {dim(0), dim(d + 1) * cg + dim(d + 2)};
  for (int64_t i = 0; i < d; ++i)
    inExprs.push_back(dim(1 + i) * win.strides[i] +
                      dim(d + 3 + i) * win.dilations[i]);
  SmallVector<OpFoldResult> patchSizes = {ir.size(x, 0)};
  patchSizes.append(win.out.begin(), win.out.end());
  patchSizes.push_back(ir.index(group));
  patchSizes.push_back(ir.index(cg));
  for (int64_t k : kernel)
    patchSizes.push_back(ir.index(k));
  Value patchInit = ir.empty(patchSizes, elt);
  Value patches = linalg::GenericOp::create(
                      n.b(), n.loc(), TypeRange{patchInit.getType()},
                      ValueRange{xp}, ValueRange{patchInit},
                      SmallVector<AffineMap>{
                          AffineMap::get(numLoops, 0, inExprs, ctx),
                          AffineMap::getMultiDimIdentityMap(numLoops, ctx)},
                      SmallVector<utils::IteratorType>(
                          numLoops, utils::IteratorType::parallel),
                      [](OpBuilder &b, Location l, ValueRange v) {
                        linalg::YieldOp::create(b, l, v[0]);
                      })
                      .getResult(0);
  int64_t kSize = cg;
  for (int64_t k : kernel)
    kSize *= k;

  Value y; // [N, O..., M]
  if (group == 1) {
    // [N, O..., K] x W[M, K]: a matmul with a transposed constant weight.
    SmallVector<ReassociationIndices> groups;
    for (int64_t i = 0; i <= d; ++i)
      groups.push_back({i});
    ReassociationIndices last;
    for (int64_t i = d + 1; i < int64_t(numLoops); ++i)
      last.push_back(i);
    groups.push_back(last);
    Value lhs =
        tensor::CollapseShapeOp::create(n.b(), n.loc(), patches, groups);
    Value wm = ir.reshape(w, {ir.index(m), ir.index(kSize)});
    FailureOr<Value> mm = matmulWithMatrix(n, lhs, wm, /*transB=*/true);
    if (failed(mm))
      return failure();
    y = *mm;
  } else {
    // Grouped: [N, O..., G, Kg] x W[G, Mg, Kg] -> [N, O..., G, Mg].
    SmallVector<ReassociationIndices> groups;
    for (int64_t i = 0; i <= d + 1; ++i)
      groups.push_back({i});
    ReassociationIndices last;
    for (int64_t i = d + 2; i < int64_t(numLoops); ++i)
      last.push_back(i);
    groups.push_back(last);
    Value lhs =
        tensor::CollapseShapeOp::create(n.b(), n.loc(), patches, groups);
    int64_t mg = m / group;
    Value wg = ir.reshape(w, {ir.index(group), ir.index(mg), ir.index(kSize)});
    // Loops: n, o..., g, mg, k.
    unsigned loops = d + 4;
    SmallVector<AffineExpr> le, we, oe;
    for (int64_t i = 0; i <= d + 1; ++i)
      le.push_back(dim(i));
    le.push_back(dim(d + 3));
    we = {dim(d + 1), dim(d + 2), dim(d + 3)};
    for (int64_t i = 0; i <= d + 2; ++i)
      oe.push_back(dim(i));
    SmallVector<OpFoldResult> outSizes(patchSizes.begin(),
                                       patchSizes.begin() + d + 2);
    outSizes.push_back(ir.index(mg));
    Value init = zeroFilled(n, outSizes, elt);
    SmallVector<utils::IteratorType> iterators(d + 3,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value yg = linalg::GenericOp::create(
                   n.b(), n.loc(), TypeRange{init.getType()},
                   ValueRange{lhs, wg}, ValueRange{init},
                   SmallVector<AffineMap>{AffineMap::get(loops, 0, le, ctx),
                                          AffineMap::get(loops, 0, we, ctx),
                                          AffineMap::get(loops, 0, oe, ctx)},
                   iterators, contractionBody)
                   .getResult(0);
    SmallVector<ReassociationIndices> og;
    for (int64_t i = 0; i <= d; ++i)
      og.push_back({i});
    og.push_back({d + 1, d + 2});
    y = tensor::CollapseShapeOp::create(n.b(), n.loc(), yg, og);
  }
  if (n.hasInput(2)) {
    Value bias = n.input(2);
    if (rankOf(bias) != 1 || eltOf(bias) != elt)
      return n.unsupported("B must be 1-D with X's element type");
    std::string error;
    FailureOr<Value> biased = ir.elementwise(
        {y, bias}, elt,
        [](OpBuilder &b, Location l, ValueRange v) -> Value {
          return arith::AddFOp::create(b, l, v[0], v[1]);
        },
        &error);
    if (failed(biased))
      return n.unsupported("B: " + error);
    y = *biased;
  }
  SmallVector<int64_t> perm = {0, d + 1};
  for (int64_t i = 1; i <= d; ++i)
    perm.push_back(i);
  n.setOutput(0, ir.transpose(y, perm));
  return success();
}

template <bool isMax> LogicalResult convertPool(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  if (isMax && n.hasOutput(1))
    return n.unsupported("the Indices output is not supported");
  Value x = n.input(0);
  int64_t rank = rankOf(x), d = rank - 2;
  if (rank < 3)
    return n.unsupported("input must have rank >= 3");
  std::optional<std::vector<int64_t>> kernel = n.attrInts("kernel_shape");
  if (!kernel || int64_t(kernel->size()) != d)
    return n.unsupported("kernel_shape must have one value per spatial dim");
  bool ceilMode = n.attrInt("ceil_mode", 0) != 0;
  Window win;
  if (failed(windowOf(n, x, *kernel, ceilMode, win)))
    return failure();
  IRBuilder &ir = n.ir();
  MLIRContext *ctx = n.ctx();
  Type elt = eltOf(x);
  double inf = std::numeric_limits<double>::infinity();
  TypedAttr padValue = floatAttr(elt, isMax ? -inf : 0.0);
  Value xp = padSpatial(n, x, win, padValue);

  // Loops: n, c, o..., k...; the window's extent comes from a shape-only
  // operand, as in linalg's pooling ops.
  unsigned numLoops = 2 + 2 * d;
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> inExprs = {dim(0), dim(1)}, winExprs,
                          outExprs = {dim(0), dim(1)};
  SmallVector<OpFoldResult> winSizes;
  for (int64_t i = 0; i < d; ++i) {
    inExprs.push_back(dim(2 + i) * win.strides[i] +
                      dim(2 + d + i) * win.dilations[i]);
    winExprs.push_back(dim(2 + d + i));
    outExprs.push_back(dim(2 + i));
    winSizes.push_back(ir.index((*kernel)[i]));
  }
  Value window = ir.empty(winSizes, elt);
  SmallVector<OpFoldResult> outSizes = {ir.size(x, 0), ir.size(x, 1)};
  outSizes.append(win.out.begin(), win.out.end());
  Value init = ir.filled(outSizes, elt, padValue);
  SmallVector<utils::IteratorType> iterators(2 + d,
                                             utils::IteratorType::parallel);
  iterators.append(d, utils::IteratorType::reduction);
  Value pooled =
      linalg::GenericOp::create(
          n.b(), n.loc(), TypeRange{init.getType()}, ValueRange{xp, window},
          ValueRange{init},
          SmallVector<AffineMap>{AffineMap::get(numLoops, 0, inExprs, ctx),
                                 AffineMap::get(numLoops, 0, winExprs, ctx),
                                 AffineMap::get(numLoops, 0, outExprs, ctx)},
          iterators,
          [](OpBuilder &b, Location l, ValueRange v) {
            Value r = isMax ? Value(arith::MaximumFOp::create(b, l, v[2], v[0]))
                            : Value(arith::AddFOp::create(b, l, v[2], v[0]));
            linalg::YieldOp::create(b, l, r);
          })
          .getResult(0);
  if (isMax) {
    n.setOutput(0, pooled);
    return success();
  }

  // Average: divide by the number of counted elements of each window: all
  // of them with count_include_pad (but not the ceil_mode overhang),
  // otherwise only the input's.
  bool includePad = n.attrInt("count_include_pad", 0) != 0;
  bool anyPad = false;
  for (int64_t i = 0; i < d; ++i)
    anyPad |= IRBuilder::constant(win.padLow[i]) != 0 ||
              IRBuilder::constant(win.padHigh[i]) != 0;
  int64_t windowSize = 1;
  for (int64_t k : *kernel)
    windowSize *= k;
  if (!anyPad) {
    Value divisor = fconst(n.b(), n.loc(), elt, double(windowSize));
    n.setOutput(0, divideBy(n, pooled, divisor));
    return success();
  }
  // Counts per output position, computed here (static spatial dims).
  SmallVector<int64_t> outShape;
  std::vector<std::vector<int64_t>> counts(d);
  for (int64_t i = 0; i < d; ++i) {
    std::optional<int64_t> s = IRBuilder::constant(ir.size(x, 2 + i));
    std::optional<int64_t> o = IRBuilder::constant(win.out[i]);
    if (!s || !o)
      return n.unsupported(
          "AveragePool with padding needs static spatial sizes");
    int64_t lo = *IRBuilder::constant(win.padLow[i]);
    // The declared (or auto) high pad, without the ceil_mode overhang.
    int64_t explicitHi = *IRBuilder::constant(win.padHigh[i]) - win.overhang[i];
    int64_t first = includePad ? -lo : 0;
    int64_t end = includePad ? *s + explicitHi : *s;
    outShape.push_back(*o);
    for (int64_t oi = 0; oi < *o; ++oi) {
      int64_t cnt = 0;
      for (int64_t k = 0; k < (*kernel)[i]; ++k) {
        int64_t pos = oi * win.strides[i] - lo + k * win.dilations[i];
        cnt += pos >= first && pos < end;
      }
      counts[i].push_back(cnt);
    }
  }
  int64_t total = 1;
  for (int64_t o : outShape)
    total *= o;
  std::vector<float> divisor(total);
  for (int64_t idx = 0; idx < total; ++idx) {
    int64_t rem = idx, prod = 1;
    for (int64_t i = d - 1; i >= 0; --i) {
      prod *= counts[i][rem % outShape[i]];
      rem /= outShape[i];
    }
    divisor[idx] = float(prod);
  }
  if (!elt.isF32())
    return n.unsupported("AveragePool with padding on non-f32 data");
  Value div = n.constant(ConstTensor::fromFloats(outShape, divisor),
                         n.node().name() + ".divisor");
  return emitElementwise(n, {pooled, div}, elt,
                         [](OpBuilder &b, Location l, ValueRange v) -> Value {
                           return arith::DivFOp::create(b, l, v[0], v[1]);
                         });
}

//===----------------------------------------------------------------------===//
// Shapes and data movement
//===----------------------------------------------------------------------===//

/// Output dims of a reshape of `src` by ONNX's `shape` (0 copies, -1 infers).
LogicalResult reshapeTarget(NodeContext &n, ArrayRef<OpFoldResult> src,
                            ArrayRef<int64_t> shape, bool allowZero,
                            SmallVector<OpFoldResult> &target) {
  IRBuilder &ir = n.ir();
  int inferred = -1;
  OpFoldResult known = ir.index(1);
  for (auto [j, v] : llvm::enumerate(shape)) {
    if (v == 0 && !allowZero) {
      if (j >= src.size())
        return n.unsupported("shape copies dim " + Twine(j) + " of a rank-" +
                             Twine(src.size()) + " input");
      target.push_back(src[j]);
    } else if (v == -1) {
      if (inferred >= 0)
        return n.unsupported("shape has more than one -1");
      inferred = int(j);
      target.push_back(OpFoldResult());
      continue;
    } else if (v < 0) {
      return n.unsupported("invalid shape value " + Twine(v));
    } else {
      target.push_back(ir.index(v));
    }
    known = ir.mul(known, target.back());
  }
  OpFoldResult total = ir.index(1);
  for (OpFoldResult s : src)
    total = ir.mul(total, s);
  if (inferred >= 0) {
    if (IRBuilder::constant(known) == 0)
      return n.unsupported("cannot infer a -1 dim next to a 0-sized one");
    target[inferred] = ir.divExact(total, known);
  }
  auto t = IRBuilder::constant(total);
  OpFoldResult all = ir.index(1);
  for (OpFoldResult s : target)
    all = ir.mul(all, s);
  if (auto a = IRBuilder::constant(all); a && t && *a != *t)
    return n.unsupported("cannot reshape " + Twine(*t) + " elements into " +
                         Twine(*a));
  return success();
}

/// A constant with a new shape (row-major data unchanged).
ConstTensor withShape(const ConstTensor &t, ArrayRef<OpFoldResult> shape) {
  ConstTensor out = t;
  out.shape = IRBuilder::staticShape(shape);
  return out;
}

SmallVector<OpFoldResult> constSizes(NodeContext &n, const ConstTensor &t) {
  SmallVector<OpFoldResult> s;
  for (int64_t d : t.shape)
    s.push_back(n.ir().index(d));
  return s;
}

/// Reshapes input 0 to `target`, folding constants.
void emitReshape(NodeContext &n, ArrayRef<OpFoldResult> target) {
  if (const ConstTensor *c = n.constInput(0)) {
    n.setOutput(0, withShape(*c, target));
    return;
  }
  n.setOutput(0, n.ir().reshape(n.input(0), target));
}

SmallVector<OpFoldResult> inputSizes(NodeContext &n, int i) {
  if (const ConstTensor *c = n.constInput(i))
    return constSizes(n, *c);
  return n.ir().sizes(n.input(i));
}

LogicalResult convertReshape(NodeContext &n) {
  FailureOr<std::vector<int64_t>> shape = n.intsInput(1, "the shape");
  if (failed(shape))
    return failure();
  bool allowZero = n.opset() >= 14 && n.attrInt("allowzero", 0) != 0;
  SmallVector<OpFoldResult> src = inputSizes(n, 0), target;
  if (failed(reshapeTarget(n, src, *shape, allowZero, target)))
    return failure();
  emitReshape(n, target);
  return success();
}

LogicalResult convertFlatten(NodeContext &n) {
  SmallVector<OpFoldResult> src = inputSizes(n, 0);
  std::optional<int64_t> axis =
      n.axis(n.attrInt("axis", 1), src.size(), /*inclusive=*/true);
  if (!axis)
    return failure();
  IRBuilder &ir = n.ir();
  OpFoldResult outer = ir.index(1), inner = ir.index(1);
  for (auto [i, s] : llvm::enumerate(src))
    (int64_t(i) < *axis ? outer : inner) =
        ir.mul(int64_t(i) < *axis ? outer : inner, s);
  emitReshape(n, {outer, inner});
  return success();
}

/// Axes from the attribute (before `inputSince`) or input 1.
FailureOr<std::optional<std::vector<int64_t>>> axesOperand(NodeContext &n,
                                                           int64_t inputSince) {
  if (n.opset() >= inputSince) {
    if (!n.hasInput(1))
      return std::optional<std::vector<int64_t>>();
    FailureOr<std::vector<int64_t>> a = n.intsInput(1, "axes");
    if (failed(a))
      return failure();
    return std::optional<std::vector<int64_t>>(*a);
  }
  return n.attrInts("axes");
}

LogicalResult convertSqueeze(NodeContext &n) {
  auto axes = axesOperand(n, 13);
  if (failed(axes))
    return failure();
  SmallVector<OpFoldResult> src = inputSizes(n, 0);
  SmallVector<int64_t> drop;
  if (*axes) {
    std::optional<SmallVector<int64_t>> norm =
        normalizeAxes(n, **axes, src.size());
    if (!norm)
      return failure();
    for (int64_t a : *norm)
      if (auto c = IRBuilder::constant(src[a]); c && *c != 1)
        return n.unsupported("cannot squeeze dim " + Twine(a) + " of size " +
                             Twine(*c));
    drop = *norm;
  } else {
    for (auto [i, s] : llvm::enumerate(src))
      if (IRBuilder::constant(s) == 1)
        drop.push_back(i);
  }
  if (const ConstTensor *c = n.constInput(0)) {
    SmallVector<OpFoldResult> target;
    for (auto [i, s] : llvm::enumerate(src))
      if (!llvm::is_contained(drop, int64_t(i)))
        target.push_back(s);
    n.setOutput(0, withShape(*c, target));
    return success();
  }
  n.setOutput(0, n.ir().dropUnitDims(n.input(0), drop));
  return success();
}

LogicalResult convertUnsqueeze(NodeContext &n) {
  auto axes = axesOperand(n, 13);
  if (failed(axes))
    return failure();
  if (!*axes)
    return n.unsupported("axes are required");
  SmallVector<OpFoldResult> src = inputSizes(n, 0);
  int64_t rank = src.size() + (*axes)->size();
  std::optional<SmallVector<int64_t>> norm = normalizeAxes(n, **axes, rank);
  if (!norm)
    return failure();
  if (const ConstTensor *c = n.constInput(0)) {
    SmallVector<OpFoldResult> target;
    size_t next = 0;
    for (int64_t d = 0; d < rank; ++d)
      target.push_back(llvm::is_contained(*norm, d) ? n.ir().index(1)
                                                    : src[next++]);
    n.setOutput(0, withShape(*c, target));
    return success();
  }
  n.setOutput(0, n.ir().insertUnitDims(n.input(0), *norm));
  return success();
}

LogicalResult convertTranspose(NodeContext &n) {
  SmallVector<OpFoldResult> src = inputSizes(n, 0);
  int64_t rank = src.size();
  SmallVector<int64_t> perm;
  if (auto p = n.attrInts("perm")) {
    perm.assign(p->begin(), p->end());
    SmallVector<int64_t> sorted = perm;
    llvm::sort(sorted);
    for (int64_t i = 0; i < rank; ++i)
      if (int64_t(sorted.size()) != rank || sorted[i] != i)
        return n.unsupported("perm is not a permutation of the dims");
  } else {
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  }
  if (const ConstTensor *c = n.constInput(0)) {
    // Fold: permute the elements.
    unsigned size = onnxTypeSize(c->type);
    ConstTensor out;
    out.type = c->type;
    for (int64_t p : perm)
      out.shape.push_back(c->shape[p]);
    out.data.resize(c->data.size());
    SmallVector<int64_t> inStrides(rank, 1);
    for (int64_t i = rank - 2; i >= 0; --i)
      inStrides[i] = inStrides[i + 1] * c->shape[i + 1];
    int64_t count = c->numElements();
    SmallVector<int64_t> idx(rank, 0);
    for (int64_t o = 0; o < count; ++o) {
      int64_t in = 0;
      for (int64_t i = 0; i < rank; ++i)
        in += idx[i] * inStrides[perm[i]];
      std::memcpy(out.data.data() + o * size, c->data.data() + in * size, size);
      for (int64_t i = rank - 1; i >= 0; --i) {
        if (++idx[i] < out.shape[i])
          break;
        idx[i] = 0;
      }
    }
    n.setOutput(0, std::move(out));
    return success();
  }
  n.setOutput(0, n.ir().transpose(n.input(0), perm));
  return success();
}

LogicalResult convertConcat(NodeContext &n) {
  if (n.numInputs() < 1)
    return n.unsupported("no inputs");
  SmallVector<Value> ins;
  for (int i = 0; i < n.numInputs(); ++i)
    ins.push_back(n.input(i));
  int64_t rank = rankOf(ins[0]);
  Type elt = eltOf(ins[0]);
  std::optional<int64_t> axis = n.axis(n.attrInt("axis", 0), rank);
  if (!axis)
    return failure();
  IRBuilder &ir = n.ir();
  SmallVector<OpFoldResult> outSizes = ir.sizes(ins[0]);
  outSizes[*axis] = ir.index(0);
  for (Value in : ins) {
    if (rankOf(in) != rank || eltOf(in) != elt)
      return n.unsupported("inputs differ in rank or element type");
    for (int64_t d = 0; d < rank; ++d) {
      OpFoldResult s = ir.size(in, d);
      if (d == *axis)
        outSizes[d] = ir.add(outSizes[d], s);
      else if (!IRBuilder::constant(outSizes[d]) && IRBuilder::constant(s))
        outSizes[d] = s;
    }
  }
  Value result = ir.empty(outSizes, elt);
  OpFoldResult offset = ir.index(0);
  for (Value in : ins) {
    SmallVector<OpFoldResult> offsets(rank, ir.index(0)),
        sizes = ir.sizes(in), strides(rank, ir.index(1));
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis)
        sizes[d] = outSizes[d];
    offsets[*axis] = offset;
    in = ir.refine(in, sizes);
    result = tensor::InsertSliceOp::create(n.b(), n.loc(), in, result, offsets,
                                           sizes, strides);
    offset = ir.add(offset, sizes[*axis]);
  }
  n.setOutput(0, result);
  return success();
}

LogicalResult convertSplit(NodeContext &n) {
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  std::optional<int64_t> axis = n.axis(n.attrInt("axis", 0), rank);
  if (!axis)
    return failure();
  IRBuilder &ir = n.ir();
  int64_t outputs = n.numOutputs();
  std::optional<std::vector<int64_t>> split;
  if (n.opset() >= 13) {
    if (n.hasInput(1)) {
      FailureOr<std::vector<int64_t>> s = n.intsInput(1, "split");
      if (failed(s))
        return failure();
      split = *s;
    }
  } else {
    split = n.attrInts("split");
  }
  OpFoldResult dimSize = ir.size(x, *axis);
  SmallVector<OpFoldResult> sizes;
  if (split) {
    if (int64_t(split->size()) != outputs)
      return n.unsupported("split has " + Twine(split->size()) + " sizes for " +
                           Twine(outputs) + " outputs");
    int64_t total = 0;
    for (int64_t s : *split) {
      if (s < 0)
        return n.unsupported("negative split size");
      sizes.push_back(ir.index(s));
      total += s;
    }
    if (auto c = IRBuilder::constant(dimSize); c && *c != total)
      return n.unsupported("split sizes sum to " + Twine(total) + ", dim is " +
                           Twine(*c));
  } else {
    int64_t parts =
        n.opset() >= 18 ? n.attrInt("num_outputs", outputs) : outputs;
    if (parts != outputs || parts < 1)
      return n.unsupported("num_outputs does not match the outputs");
    // Equal chunks; the last one smaller when the dim does not divide.
    OpFoldResult chunk = ir.ceilDiv(dimSize, ir.index(parts));
    for (int64_t i = 0; i + 1 < parts; ++i)
      sizes.push_back(chunk);
    sizes.push_back(ir.sub(dimSize, ir.mul(chunk, ir.index(parts - 1))));
  }
  OpFoldResult offset = ir.index(0);
  for (int64_t i = 0; i < outputs; ++i) {
    SmallVector<OpFoldResult> offsets(rank, ir.index(0)),
        sz = ir.sizes(x), strides(rank, ir.index(1));
    offsets[*axis] = offset;
    sz[*axis] = sizes[i];
    // extract_slice cannot express an empty slice at the end of a dim.
    if (IRBuilder::constant(sizes[i]) == 0)
      n.setOutput(i, ir.empty(sz, eltOf(x)));
    else
      n.setOutput(i, tensor::ExtractSliceOp::create(n.b(), n.loc(), x, offsets,
                                                    sz, strides)
                         .getResult());
    offset = ir.add(offset, sizes[i]);
  }
  return success();
}

LogicalResult convertSlice(NodeContext &n) {
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  std::vector<int64_t> starts, ends, axes, steps;
  if (n.opset() >= 10) {
    auto s = n.intsInput(1, "starts");
    if (failed(s))
      return failure();
    auto e = n.intsInput(2, "ends");
    if (failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (n.hasInput(3)) {
      auto a = n.intsInput(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (n.hasInput(4)) {
      auto st = n.intsInput(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  } else {
    starts = n.attrInts("starts").value_or(std::vector<int64_t>{});
    ends = n.attrInts("ends").value_or(std::vector<int64_t>{});
    axes = n.attrInts("axes").value_or(std::vector<int64_t>{});
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return n.unsupported("starts, ends, axes and steps differ in length");
  IRBuilder &ir = n.ir();
  SmallVector<OpFoldResult> offsets(rank, ir.index(0)),
      sizes = ir.sizes(x), strides(rank, ir.index(1));
  SmallVector<int64_t> reversed, seen;
  for (size_t i = 0; i < starts.size(); ++i) {
    std::optional<int64_t> a = n.axis(axes[i], rank);
    if (!a)
      return failure();
    if (llvm::is_contained(seen, *a))
      return n.unsupported("axis repeated");
    seen.push_back(*a);
    int64_t step = steps[i];
    if (step == 0)
      return n.unsupported("step 0");
    OpFoldResult dim = ir.size(x, *a);
    std::optional<int64_t> d = IRBuilder::constant(dim);
    if (step > 0) {
      // Clamp to [0, dim]; huge ends mean "to the end".
      auto clamp = [&](int64_t v) -> OpFoldResult {
        if (v == 0)
          return ir.index(0);
        if (v > 0)
          return v >= (int64_t(1) << 40) ? dim : ir.min(ir.index(v), dim);
        return ir.max(ir.add(dim, ir.index(v)), ir.index(0));
      };
      OpFoldResult s = clamp(starts[i]), e = clamp(ends[i]);
      OpFoldResult len =
          ir.max(ir.ceilDiv(ir.sub(e, s), ir.index(step)), ir.index(0));
      offsets[*a] = s;
      sizes[*a] = len;
      strides[*a] = ir.index(step);
      continue;
    }
    if (!d)
      return n.unsupported("a negative step on a dynamic dim");
    auto norm = [&](int64_t v) { return v < 0 ? v + *d : v; };
    int64_t s = std::clamp<int64_t>(norm(starts[i]), 0, *d - 1);
    int64_t e = std::clamp<int64_t>(norm(ends[i]), -1, *d - 1);
    int64_t len = std::max<int64_t>(0, llvm::divideCeil(s - e, -step));
    offsets[*a] = ir.index(len ? s - (len - 1) * -step : 0);
    sizes[*a] = ir.index(len);
    strides[*a] = ir.index(-step);
    reversed.push_back(*a);
  }
  // extract_slice cannot express an empty slice at the end of a dim.
  if (llvm::any_of(
          sizes, [](OpFoldResult s) { return IRBuilder::constant(s) == 0; })) {
    n.setOutput(0, ir.empty(sizes, eltOf(x)));
    return success();
  }
  Value y = tensor::ExtractSliceOp::create(n.b(), n.loc(), x, offsets, sizes,
                                           strides);
  if (!reversed.empty()) {
    MLIRContext *ctx = n.ctx();
    SmallVector<AffineExpr> exprs;
    auto yt = typeOf(y);
    for (int64_t d = 0; d < rank; ++d) {
      AffineExpr e = getAffineDimExpr(d, ctx);
      if (llvm::is_contained(reversed, d))
        e = getAffineConstantExpr(yt.getDimSize(d) - 1, ctx) - e;
      exprs.push_back(e);
    }
    Value init = ir.empty(ir.sizes(y), yt.getElementType());
    y = linalg::GenericOp::create(
            n.b(), n.loc(), TypeRange{init.getType()}, ValueRange{y},
            ValueRange{init},
            SmallVector<AffineMap>{
                AffineMap::get(rank, 0, exprs, ctx),
                AffineMap::getMultiDimIdentityMap(rank, ctx)},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [](OpBuilder &b, Location l, ValueRange v) {
              linalg::YieldOp::create(b, l, v[0]);
            })
            .getResult(0);
  }
  n.setOutput(0, y);
  return success();
}

LogicalResult convertGather(NodeContext &n) {
  Value data = n.input(0), indices = n.input(1);
  int64_t r = rankOf(data), q = rankOf(indices);
  if (r == 0)
    return n.unsupported("rank-0 data");
  Type idxElt = eltOf(indices);
  if (!idxElt.isInteger(32) && !idxElt.isInteger(64))
    return n.unsupported("indices must be int32 or int64");
  std::optional<int64_t> axis = n.axis(n.attrInt("axis", 0), r);
  if (!axis)
    return failure();
  IRBuilder &ir = n.ir();
  MLIRContext *ctx = n.ctx();
  SmallVector<OpFoldResult> outSizes;
  for (int64_t d = 0; d < *axis; ++d)
    outSizes.push_back(ir.size(data, d));
  for (int64_t d = 0; d < q; ++d)
    outSizes.push_back(ir.size(indices, d));
  for (int64_t d = *axis + 1; d < r; ++d)
    outSizes.push_back(ir.size(data, d));
  int64_t outRank = outSizes.size();
  SmallVector<AffineExpr> idxExprs;
  for (int64_t d = 0; d < q; ++d)
    idxExprs.push_back(getAffineDimExpr(*axis + d, ctx));
  Value axisSize = ir.indexValue(ir.size(data, *axis));
  Value init = ir.empty(outSizes, eltOf(data));
  int64_t ax = *axis;
  Value y =
      linalg::GenericOp::create(
          n.b(), n.loc(), TypeRange{init.getType()}, ValueRange{indices},
          ValueRange{init},
          SmallVector<AffineMap>{
              AffineMap::get(outRank, 0, idxExprs, ctx),
              AffineMap::getMultiDimIdentityMap(outRank, ctx)},
          SmallVector<utils::IteratorType>(outRank,
                                           utils::IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange v) {
            Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), v[0]);
            Value zero = arith::ConstantIndexOp::create(b, l, 0);
            Value neg =
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i, zero);
            i = arith::SelectOp::create(
                b, l, neg, arith::AddIOp::create(b, l, i, axisSize), i);
            SmallVector<Value> coords;
            for (int64_t d = 0; d < ax; ++d)
              coords.push_back(linalg::IndexOp::create(b, l, d));
            coords.push_back(i);
            for (int64_t d = ax + 1; d < r; ++d)
              coords.push_back(linalg::IndexOp::create(b, l, d + q - 1));
            Value e = tensor::ExtractOp::create(b, l, data, coords);
            linalg::YieldOp::create(b, l, e);
          })
          .getResult(0);
  n.setOutput(0, y);
  return success();
}

Value castScalar(OpBuilder &b, Location l, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  bool fromFloat = isa<FloatType>(from), toFloat = isa<FloatType>(to);
  if (fromFloat && toFloat) {
    if (cast<FloatType>(from).getWidth() < cast<FloatType>(to).getWidth())
      return arith::ExtFOp::create(b, l, to, v);
    if (cast<FloatType>(from).getWidth() > cast<FloatType>(to).getWidth())
      return arith::TruncFOp::create(b, l, to, v);
    // f16 <-> bf16: through f32.
    Value f = arith::ExtFOp::create(b, l, b.getF32Type(), v);
    return arith::TruncFOp::create(b, l, to, f);
  }
  if (!fromFloat && toFloat) {
    if (from.isInteger(1))
      return arith::UIToFPOp::create(b, l, to, v);
    return arith::SIToFPOp::create(b, l, to, v);
  }
  if (fromFloat && !toFloat) {
    if (to.isInteger(1))
      return arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNE, v,
                                   fconst(b, l, from, 0.0));
    return arith::FPToSIOp::create(b, l, to, v);
  }
  unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
  if (tw == 1)
    return arith::CmpIOp::create(
        b, l, arith::CmpIPredicate::ne, v,
        arith::ConstantOp::create(b, l, IntegerAttr::get(from, 0)));
  if (fw == 1)
    return arith::ExtUIOp::create(b, l, to, v);
  if (fw < tw)
    return arith::ExtSIOp::create(b, l, to, v);
  return arith::TruncIOp::create(b, l, to, v);
}

LogicalResult convertCast(NodeContext &n) {
  const onnx::AttributeProto *toAttr = n.attr("to");
  if (!toAttr)
    return n.unsupported("missing 'to'");
  int32_t to = int32_t(toAttr->i());
  Type toType = mlirElementType(n.ctx(), to);
  if (!toType || toType.isUnsignedInteger())
    return n.unsupported("Cast to " + onnxTypeName(to) + " is not supported");
  if (const ConstTensor *c = n.constInput(0)) {
    // Fold integer casts (shape computations) and no-op casts.
    if (c->type == to) {
      n.setOutput(0, *c);
      return success();
    }
    std::optional<std::vector<int64_t>> ints = c->toInts();
    if (ints && !isa<FloatType>(toType) && to != kBool) {
      unsigned bits = toType.getIntOrFloatBitWidth();
      for (int64_t &v : *ints)
        v = llvm::SignExtend64(uint64_t(v), bits);
      n.setOutput(0, ConstTensor::fromInts(to, c->shape, *ints));
      return success();
    }
  }
  Value x = n.input(0);
  if (eltOf(x).isUnsignedInteger())
    return n.unsupported("Cast from " + typeName(eltOf(x)) +
                         " is not supported");
  return emitElementwise(n, {x}, toType,
                         [toType](OpBuilder &b, Location l, ValueRange v) {
                           return castScalar(b, l, v[0], toType);
                         });
}

LogicalResult convertConstant(NodeContext &n) {
  if (n.node().attribute_size() != 1)
    return n.unsupported("expected exactly one attribute");
  const onnx::AttributeProto &a = n.node().attribute(0);
  const std::string &name = a.name();
  if (name == "value") {
    llvm::Expected<ConstTensor> t = decodeTensor(a.t(), n.baseDirectory());
    if (!t)
      return n.unsupported(llvm::toString(t.takeError()));
    n.setOutput(0, std::move(*t));
  } else if (name == "value_float") {
    n.setOutput(0, ConstTensor::fromFloats({}, {a.f()}));
  } else if (name == "value_floats") {
    std::vector<float> v(a.floats().begin(), a.floats().end());
    n.setOutput(0, ConstTensor::fromFloats({int64_t(v.size())}, v));
  } else if (name == "value_int") {
    n.setOutput(0, ConstTensor::fromInts(kInt64, {}, {a.i()}));
  } else if (name == "value_ints") {
    std::vector<int64_t> v(a.ints().begin(), a.ints().end());
    n.setOutput(0, ConstTensor::fromInts(kInt64, {int64_t(v.size())}, v));
  } else {
    return n.unsupported("Constant with '" + name + "'");
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Pre-quantized graphs
//===----------------------------------------------------------------------===//

/// ui8 tensors as i8 for arith (same bits).
Value signless(NodeContext &n, Value v) {
  auto t = typeOf(v);
  if (!t.getElementType().isUnsignedInteger())
    return v;
  Type i =
      IntegerType::get(n.ctx(), t.getElementType().getIntOrFloatBitWidth());
  return tensor::BitcastOp::create(n.b(), n.loc(), t.clone(i), v);
}

bool isQuantType(Type t) {
  return t.isSignlessInteger(8) || t.isUnsignedInteger(8);
}

/// ONNX scale / zero point layout -> qf's: rank-0 per tensor, 1-D per axis,
/// input-rank blocked. Sets `axis` / `blockSize` and reshapes one-element
/// 1-D scales to rank 0.
LogicalResult quantLayout(NodeContext &n, Value x, Value &scale, Value &zp,
                          IntegerAttr &axisAttr, IntegerAttr &blockAttr) {
  IRBuilder &ir = n.ir();
  int64_t rank = rankOf(x);
  auto st = typeOf(scale);
  if (!st.getElementType().isF32())
    return n.unsupported("scale must be float32");
  if (zp && typeOf(zp).getShape() != st.getShape())
    return n.unsupported("zero point and scale differ in shape");
  int64_t blockSize = n.opset() >= 21 ? n.attrInt("block_size", 0) : 0;
  if (blockSize > 0) {
    std::optional<int64_t> axis = n.axis(n.attrInt("axis", 1), rank);
    if (!axis)
      return failure();
    if (st.getRank() != rank)
      return n.unsupported("blocked scale must have the input's rank");
    axisAttr = n.b().getI64IntegerAttr(*axis);
    blockAttr = n.b().getI64IntegerAttr(blockSize);
    return success();
  }
  if (st.getRank() == 0)
    return success();
  if (st.getRank() == 1 && st.getDimSize(0) == 1) {
    scale = ir.dropUnitDims(scale, {0});
    if (zp)
      zp = ir.dropUnitDims(zp, {0});
    return success();
  }
  if (st.getRank() != 1)
    return n.unsupported("scale of rank " + Twine(st.getRank()) +
                         " without block_size");
  std::optional<int64_t> axis = n.axis(n.attrInt("axis", 1), rank);
  if (!axis)
    return failure();
  axisAttr = n.b().getI64IntegerAttr(*axis);
  return success();
}

LogicalResult convertQuantizeLinear(NodeContext &n) {
  Value x = n.input(0), scale = n.input(1);
  if (!eltOf(x).isF32())
    return n.unsupported("input must be float32");
  Value zp = n.hasInput(2) ? n.input(2) : Value();
  Type storage;
  if (zp) {
    storage = eltOf(zp);
  } else {
    int64_t dtype = n.opset() >= 21 ? n.attrInt("output_dtype", 0) : 0;
    storage =
        mlirElementType(n.ctx(), dtype ? int32_t(dtype) : int32_t(kUInt8));
  }
  if (!storage || !isQuantType(storage))
    return n.unsupported("output type " +
                         (storage ? typeName(storage) : std::string("?")) +
                         " (int8 and uint8 only)");
  IntegerAttr axis, block;
  if (failed(quantLayout(n, x, scale, zp, axis, block)))
    return failure();
  n.setOutput(0, qforge::qf::QuantizeOp::create(
                     n.b(), n.loc(), typeOf(x).clone(storage), x, scale, zp,
                     axis, block, qforge::qf::CodebookAttr())
                     .getResult());
  return success();
}

LogicalResult convertDequantizeLinear(NodeContext &n) {
  Value x = n.input(0), scale = n.input(1);
  if (!isQuantType(eltOf(x)))
    return n.unsupported("input type " + typeName(eltOf(x)) +
                         " (int8 and uint8 only)");
  Value zp = n.hasInput(2) ? n.input(2) : Value();
  if (zp && eltOf(zp) != eltOf(x))
    return n.unsupported("zero point type differs from the input's");
  IntegerAttr axis, block;
  if (failed(quantLayout(n, x, scale, zp, axis, block)))
    return failure();
  n.setOutput(0, qforge::qf::DequantizeOp::create(
                     n.b(), n.loc(), typeOf(x).clone(n.b().getF32Type()), x,
                     scale, zp, axis, block, qforge::qf::CodebookAttr())
                     .getResult());
  return success();
}

LogicalResult convertDynamicQuantizeLinear(NodeContext &n) {
  Value x = n.input(0);
  if (!eltOf(x).isF32())
    return n.unsupported("input must be float32");
  Type u8 = IntegerType::get(n.ctx(), 8, IntegerType::Unsigned);
  auto op = qforge::qf::DynamicQuantizeOp::create(
      n.b(), n.loc(), typeOf(x).clone(u8),
      RankedTensorType::get({}, n.b().getF32Type()),
      RankedTensorType::get({}, u8), x, /*per_row=*/false);
  for (int i = 0; i < 3; ++i)
    n.setOutput(i, op->getResult(i));
  return success();
}

/// (x - zp) as i32; zp rank 0 or one element, or 1-D along `zpDim` of x
/// (MatMulInteger's per-row a / per-column b zero points).
FailureOr<Value> minusZeroPoint(NodeContext &n, Value x, Value zp,
                                int64_t zpDim) {
  IRBuilder &ir = n.ir();
  Type i32 = n.b().getI32Type();
  bool isUnsigned = eltOf(x).isUnsignedInteger();
  SmallVector<Value> ins = {signless(n, x)};
  if (zp) {
    if (eltOf(zp) != eltOf(x)) {
      (void)n.unsupported("zero point type differs from the input's");
      return failure();
    }
    zp = signless(n, zp);
    auto zt = typeOf(zp);
    if (zt.getRank() > 1) {
      (void)n.unsupported("zero point of rank " + Twine(zt.getRank()));
      return failure();
    }
    if (zt.getRank() == 1 && zt.getDimSize(0) != 1 && zpDim == rankOf(x) - 2)
      zp = ir.insertUnitDims(zp, {1}); // per row: [M] -> [M, 1]
    ins.push_back(zp);
  }
  auto ext = [isUnsigned, i32](OpBuilder &b, Location l, Value v) -> Value {
    return isUnsigned ? Value(arith::ExtUIOp::create(b, l, i32, v))
                      : Value(arith::ExtSIOp::create(b, l, i32, v));
  };
  std::string error;
  FailureOr<Value> r = ir.elementwise(
      ins, i32,
      [ext](OpBuilder &b, Location l, ValueRange v) -> Value {
        Value a = ext(b, l, v[0]);
        return v.size() > 1
                   ? Value(arith::SubIOp::create(b, l, a, ext(b, l, v[1])))
                   : a;
      },
      &error);
  if (failed(r)) {
    (void)n.unsupported("zero point: " + error);
    return failure();
  }
  return r;
}

/// The int32 product of two (zero-point-shifted) 8-bit operands.
FailureOr<Value> integerMatmul(NodeContext &n, Value a, Value aZp, Value b,
                               Value bZp) {
  if (!isQuantType(eltOf(a)) || !isQuantType(eltOf(b))) {
    (void)n.unsupported("A and B must be int8 or uint8");
    return failure();
  }
  if (rankOf(a) < 2 || rankOf(b) < 2) {
    (void)n.unsupported("A and B must have rank >= 2");
    return failure();
  }
  FailureOr<Value> a32 = minusZeroPoint(n, a, aZp, rankOf(a) - 2);
  if (failed(a32))
    return failure();
  FailureOr<Value> b32 = minusZeroPoint(n, b, bZp, rankOf(b) - 1);
  if (failed(b32))
    return failure();
  return rankOf(*b32) == 2 ? matmulWithMatrix(n, *a32, *b32, false)
                           : batchedMatmul(n, *a32, *b32);
}

LogicalResult convertMatMulInteger(NodeContext &n) {
  FailureOr<Value> y =
      integerMatmul(n, n.input(0), n.hasInput(2) ? n.input(2) : Value(),
                    n.input(1), n.hasInput(3) ? n.input(3) : Value());
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

LogicalResult convertQLinearMatMul(NodeContext &n) {
  for (int i : {1, 4, 6})
    if (!eltOf(n.input(i)).isF32() || typeOf(n.input(i)).getNumElements() != 1)
      return n.unsupported("scales must be one float32 value each");
  Value yZp = n.input(7);
  Type storage = eltOf(yZp);
  if (!isQuantType(storage) || typeOf(yZp).getNumElements() != 1)
    return n.unsupported("y_zero_point must be one int8 or uint8 value");
  FailureOr<Value> acc =
      integerMatmul(n, n.input(0), n.input(2), n.input(3), n.input(5));
  if (failed(acc))
    return failure();
  // y = saturate(rint(acc * (a_scale * b_scale / y_scale)) + y_zero_point),
  // as ONNX's reference computes it (in double).
  bool isUnsigned = storage.isUnsignedInteger();
  double lo = isUnsigned ? 0 : -128, hi = isUnsigned ? 255 : 127;
  IRBuilder &ir = n.ir();
  Type i8 = n.b().getI8Type();
  std::string error;
  FailureOr<Value> y = ir.elementwise(
      {*acc, n.input(1), n.input(4), n.input(6), signless(n, yZp)}, i8,
      [=](OpBuilder &b, Location l, ValueRange v) -> Value {
        Type f64 = b.getF64Type();
        auto wide = [&](Value f) {
          return arith::ExtFOp::create(b, l, f64, f);
        };
        Value m = arith::DivFOp::create(
            b, l, arith::MulFOp::create(b, l, wide(v[1]), wide(v[2])),
            wide(v[3]));
        Value zp = isUnsigned ? Value(arith::UIToFPOp::create(b, l, f64, v[4]))
                              : Value(arith::SIToFPOp::create(b, l, f64, v[4]));
        Value d = arith::AddFOp::create(
            b, l,
            arith::MulFOp::create(b, l,
                                  arith::SIToFPOp::create(b, l, f64, v[0]), m),
            zp);
        d = math::RoundEvenOp::create(b, l, d);
        d = arith::MaximumFOp::create(b, l, d, fconst(b, l, f64, lo));
        d = arith::MinimumFOp::create(b, l, d, fconst(b, l, f64, hi));
        Value q = arith::FPToSIOp::create(b, l, b.getI32Type(), d);
        return arith::TruncIOp::create(b, l, i8, q);
      },
      &error);
  if (failed(y))
    return n.unsupported(error);
  Value out = *y;
  if (isUnsigned)
    out = tensor::BitcastOp::create(n.b(), n.loc(), typeOf(out).clone(storage),
                                    out);
  n.setOutput(0, out);
  return success();
}

const llvm::StringMap<ConvertFn> &converters() {
  static const llvm::StringMap<ConvertFn> table = {
      {"Abs", convertUnary<absFn>},
      {"Add", convertBinary<arith::AddFOp, arith::AddIOp>},
      {"AveragePool", convertPool<false>},
      {"Cast", convertCast},
      {"Concat", convertConcat},
      {"Constant", convertConstant},
      {"Conv", convertConv},
      {"Div", convertBinary<arith::DivFOp, arith::DivSIOp>},
      {"DequantizeLinear", convertDequantizeLinear},
      {"Dropout", convertDropout},
      {"DynamicQuantizeLinear", convertDynamicQuantizeLinear},
      {"Erf", convertUnary<erfFn>},
      {"Exp", convertUnary<expFn>},
      {"Flatten", convertFlatten},
      {"Gather", convertGather},
      {"Gelu", convertGelu},
      {"Gemm", convertGemm},
      {"GlobalAveragePool", convertGlobalAveragePool},
      {"Identity", convertIdentity},
      {"LayerNormalization", convertLayerNorm},
      {"Log", convertUnary<logFn>},
      {"MatMul", convertMatMul},
      {"MatMulInteger", convertMatMulInteger},
      {"MaxPool", convertPool<true>},
      {"Mul", convertBinary<arith::MulFOp, arith::MulIOp>},
      {"Neg", convertUnary<negFn>},
      {"Pow", convertPow},
      {"QLinearMatMul", convertQLinearMatMul},
      {"QuantizeLinear", convertQuantizeLinear},
      {"Reciprocal", convertUnary<reciprocalFn>},
      {"ReduceMax", convertReduce<ReduceKind::Max>},
      {"ReduceMean", convertReduce<ReduceKind::Mean>},
      {"ReduceMin", convertReduce<ReduceKind::Min>},
      {"ReduceSum", convertReduce<ReduceKind::Sum>},
      {"Relu", convertUnary<reluFn>},
      {"Reshape", convertReshape},
      {"Sigmoid", convertUnary<sigmoidFn>},
      {"Slice", convertSlice},
      {"Softmax", convertSoftmax},
      {"Split", convertSplit},
      {"Sqrt", convertUnary<sqrtFn>},
      {"Squeeze", convertSqueeze},
      {"Sub", convertBinary<arith::SubFOp, arith::SubIOp>},
      {"Tanh", convertUnary<tanhFn>},
      {"Transpose", convertTranspose},
      {"Unsqueeze", convertUnsqueeze},
  };
  return table;
}

} // namespace

ConvertFn lookupConverter(StringRef opType) {
  return converters().lookup(opType);
}

std::vector<std::string> supportedOpTypes() {
  std::vector<std::string> out;
  for (const auto &e : converters())
    out.push_back(e.getKey().str());
  llvm::sort(out);
  return out;
}

} // namespace qforge::onnx_import
