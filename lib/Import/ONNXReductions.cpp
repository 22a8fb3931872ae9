//===- ONNXReductions.cpp - ONNX reductions and normalizations ------------===//
//
// ReduceMean / ReduceSum / ReduceMax / ReduceMin, GlobalAveragePool,
// Softmax and LayerNormalization, built on IRBuilder::reduce and broadcasting
// elementwise generics. divideBy is also used by AveragePool.
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

namespace {

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

} // namespace

namespace detail {

/// `x` (a reduction result) divided by a scalar.
Value divideBy(NodeContext &n, Value x, Value scalar) {
  return *n.ir().elementwise(
      {x}, eltOf(x),
      [scalar](OpBuilder &b, Location l, ValueRange v) -> Value {
        return arith::DivFOp::create(b, l, v[0], scalar);
      },
      nullptr);
}

} // namespace detail

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
  case ReduceKind::Mean: {
    // One statement each: the order of the IR must not depend on the
    // compiler's order of evaluating arguments (GCC and Clang differ).
    Value count = countOf(n, x, *norm);
    Value sum = sumOver(n, x, *norm);
    y = divideBy(n, sum, count);
    break;
  }
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

/// The spatial axes (2, 3, ...) of a global pool's float [N, C, D...] input.
static FailureOr<SmallVector<int64_t>> globalPoolAxes(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  int64_t rank = rankOf(n.input(0));
  if (rank < 3)
    return n.unsupported("input must have rank >= 3");
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  return axes;
}

LogicalResult convertGlobalAveragePool(NodeContext &n) {
  FailureOr<SmallVector<int64_t>> axes = globalPoolAxes(n);
  if (failed(axes))
    return failure();
  Value x = n.input(0);
  Value count = countOf(n, x, *axes); // before the sum, as in ReduceMean
  Value sum = sumOver(n, x, *axes);
  Value y = divideBy(n, sum, count);
  n.setOutput(0, n.ir().insertUnitDims(y, *axes));
  return success();
}

LogicalResult convertGlobalMaxPool(NodeContext &n) {
  FailureOr<SmallVector<int64_t>> axes = globalPoolAxes(n);
  if (failed(axes))
    return failure();
  Value x = n.input(0);
  Value y = n.ir().reduce(
      x, *axes, floatAttr(eltOf(x), -std::numeric_limits<double>::infinity()),
      [](OpBuilder &b, Location l, ValueRange v) -> Value {
        return arith::MaximumFOp::create(b, l, v[0], v[1]);
      });
  n.setOutput(0, n.ir().insertUnitDims(y, *axes));
  return success();
}

template <bool isLog> LogicalResult convertSoftmax(NodeContext &n) {
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
  if (isLog) // (x - max) - log(sum exp(x - max)): no log of a rounded 0
    return emitElementwise(
        n, {x, max, sum}, elt,
        [](OpBuilder &b, Location l, ValueRange v) -> Value {
          Value shifted = arith::SubFOp::create(b, l, v[0], v[1]);
          return arith::SubFOp::create(b, l, shifted,
                                       math::LogOp::create(b, l, v[2]));
        });
  return emitElementwise(n, {e, sum}, elt,
                         [](OpBuilder &b, Location l, ValueRange v) -> Value {
                           return arith::DivFOp::create(b, l, v[0], v[1]);
                         });
}

namespace {

/// x - mean and 1 / sqrt(var + eps) over `axes` (the reduced dims kept as
/// unit dims), the shared part of LayerNormalization and
/// InstanceNormalization.
struct Normalized {
  Value centered, mean, invStd;
};

Normalized normalizeOver(NodeContext &n, Value x, ArrayRef<int64_t> axes,
                         double eps) {
  IRBuilder &ir = n.ir();
  Type elt = eltOf(x);
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
  return {centered, mean, ir.insertUnitDims(invStd, axes)};
}

/// (x - mean) * invStd * scale + bias: the elementwise body after
/// normalizeOver of InstanceNormalization and GroupNormalization.
Value scaleAndShift(OpBuilder &b, Location l, ValueRange v) {
  Value y = arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, v[0], v[1]),
                                  v[2]);
  return arith::AddFOp::create(b, l, y, v[3]);
}

} // namespace

LogicalResult convertLayerNorm(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  std::optional<int64_t> axis = n.axis(n.attrInt("axis", -1), rank);
  if (!axis)
    return failure();
  Type elt = eltOf(x);
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < rank; ++d)
    axes.push_back(d);
  auto [centered, mean, invStd] =
      normalizeOver(n, x, axes, n.attrFloat("epsilon", 1e-5f));
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

LogicalResult convertInstanceNorm(NodeContext &n) {
  FailureOr<SmallVector<int64_t>> axes = globalPoolAxes(n);
  if (failed(axes))
    return failure();
  Value x = n.input(0);
  Type elt = eltOf(x);
  Normalized norm = normalizeOver(n, x, *axes, n.attrFloat("epsilon", 1e-5f));
  SmallVector<Value> ins = {norm.centered, norm.invStd};
  for (int i : {1, 2}) { // scale, B
    FailureOr<Value> p = perChannelInput(n, i, x);
    if (failed(p))
      return failure();
    ins.push_back(*p);
  }
  return emitElementwise(n, ins, elt, scaleAndShift);
}

LogicalResult convertGroupNorm(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  if (rank < 3)
    return n.unsupported("X must have rank >= 3");
  std::optional<int64_t> c = IRBuilder::constant(n.ir().size(x, 1));
  int64_t groups = n.attrInt("num_groups", 0);
  if (!c || groups < 1 || *c % groups != 0)
    return n.unsupported("num_groups (" + Twine(groups) +
                         ") must divide a static channel count");
  IRBuilder &ir = n.ir();
  // [N, G, C / G, spatial...], normalized over all but the first two dims.
  SmallVector<OpFoldResult> grouped = {ir.size(x, 0), ir.index(groups),
                                       ir.index(*c / groups)};
  SmallVector<OpFoldResult> original = ir.sizes(x);
  for (int64_t d = 2; d < rank; ++d)
    grouped.push_back(original[d]);
  Value xg = ir.reshape(x, grouped);
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d <= rank; ++d)
    axes.push_back(d);
  Type elt = eltOf(x);
  Normalized norm = normalizeOver(n, xg, axes, n.attrFloat("epsilon", 1e-5f));
  // scale and bias: one per group (opset 18) or per channel (21), as
  // [1, G, 1 or C / G, 1...] in the grouped shape.
  int64_t perGroup = n.opset() >= 21 ? *c / groups : 1;
  SmallVector<Value> ins = {norm.centered, norm.invStd};
  for (int i : {1, 2}) {
    Value p = n.input(i);
    auto t = typeOf(p);
    if (t.getRank() != 1 || t.getDimSize(0) != groups * perGroup ||
        t.getElementType() != elt)
      return n.unsupported(Twine(i == 1 ? "scale" : "bias") + " must be [" +
                           Twine(groups * perGroup) + "] of X's type");
    SmallVector<OpFoldResult> shape = {ir.index(1), ir.index(groups),
                                       ir.index(perGroup)};
    for (int64_t d = 2; d < rank; ++d)
      shape.push_back(ir.index(1));
    ins.push_back(ir.reshape(p, shape));
  }
  FailureOr<Value> y = ir.elementwise(ins, elt, scaleAndShift, nullptr);
  if (failed(y))
    return n.unsupported("scale or bias do not broadcast");
  n.setOutput(0, ir.reshape(*y, original));
  return success();
}

template <bool isMax> LogicalResult convertArgExtreme(NodeContext &n) {
  Value x = n.input(0);
  Type elt = eltOf(x);
  if (failed(requireFloatOrSignedInt(n, elt)))
    return failure();
  int64_t rank = rankOf(x);
  if (rank == 0)
    return n.unsupported("rank-0 input");
  std::optional<int64_t> axis = n.axis(n.attrInt("axis", 0), rank);
  if (!axis)
    return failure();
  if (auto size = IRBuilder::constant(n.ir().size(x, *axis)); size && *size == 0)
    return n.unsupported("an empty reduced dimension");
  bool keepDims = n.attrInt("keepdims", 1) != 0;
  // Ties go to the first index, or the last with select_last_index.
  bool last = n.attrInt("select_last_index", 0) != 0;
  IRBuilder &ir = n.ir();
  MLIRContext *ctx = n.ctx();
  SmallVector<OpFoldResult> outSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    iterators.push_back(d == *axis ? utils::IteratorType::reduction
                                   : utils::IteratorType::parallel);
    if (d == *axis)
      continue;
    outSizes.push_back(ir.size(x, d));
    outExprs.push_back(getAffineDimExpr(d, ctx));
  }
  // The running extreme starts at the first element's worst value; the
  // index at 0.
  TypedAttr worst;
  if (auto f = dyn_cast<FloatType>(elt)) {
    worst = FloatAttr::get(f, APFloat::getInf(f.getFloatSemantics(), isMax));
  } else {
    unsigned w = elt.getIntOrFloatBitWidth();
    worst = IntegerAttr::get(elt, isMax ? APInt::getSignedMinValue(w)
                                        : APInt::getSignedMaxValue(w));
  }
  Type i64 = n.b().getI64Type();
  Value valueInit = ir.filled(outSizes, elt, worst);
  Value indexInit = ir.filled(outSizes, i64, IntegerAttr::get(i64, 0));
  AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
  int64_t ax = *axis;
  auto generic = linalg::GenericOp::create(
      n.b(), n.loc(), TypeRange{valueInit.getType(), indexInit.getType()},
      ValueRange{x}, ValueRange{valueInit, indexInit},
      SmallVector<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, ctx),
                             outMap, outMap},
      iterators, [&](OpBuilder &b, Location l, ValueRange v) {
        Value better;
        if (isa<FloatType>(elt)) {
          using P = arith::CmpFPredicate;
          P p = isMax ? (last ? P::OGE : P::OGT) : (last ? P::OLE : P::OLT);
          better = arith::CmpFOp::create(b, l, p, v[0], v[1]);
        } else {
          using P = arith::CmpIPredicate;
          P p = isMax ? (last ? P::sge : P::sgt) : (last ? P::sle : P::slt);
          better = arith::CmpIOp::create(b, l, p, v[0], v[1]);
        }
        // The first element always replaces the initial worst value (which
        // it may equal).
        Value i = linalg::IndexOp::create(b, l, ax);
        Value first = arith::CmpIOp::create(
            b, l, arith::CmpIPredicate::eq, i,
            arith::ConstantIndexOp::create(b, l, 0));
        Value take = arith::OrIOp::create(b, l, better, first);
        Value index = arith::IndexCastOp::create(b, l, b.getI64Type(), i);
        linalg::YieldOp::create(
            b, l,
            ValueRange{arith::SelectOp::create(b, l, take, v[0], v[1]),
                       arith::SelectOp::create(b, l, take, index, v[2])});
      });
  Value y = generic.getResult(1);
  if (keepDims)
    y = ir.insertUnitDims(y, {ax});
  n.setOutput(0, y);
  return success();
}

// The instantiations the op-type table (ONNXOps.cpp) uses.
template LogicalResult convertArgExtreme<true>(NodeContext &);
template LogicalResult convertArgExtreme<false>(NodeContext &);
template LogicalResult convertReduce<ReduceKind::Mean>(NodeContext &);
template LogicalResult convertReduce<ReduceKind::Sum>(NodeContext &);
template LogicalResult convertReduce<ReduceKind::Max>(NodeContext &);
template LogicalResult convertReduce<ReduceKind::Min>(NodeContext &);
template LogicalResult convertSoftmax<false>(NodeContext &);
template LogicalResult convertSoftmax<true>(NodeContext &);

} // namespace qforge::onnx_import
