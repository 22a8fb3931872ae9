//===- IRBuilder.cpp - Shape arithmetic and structured-op helpers ---------===//

#include "Importer.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AffineMap.h"

using namespace mlir;

namespace qforge::onnx_import {

//===----------------------------------------------------------------------===//
// Index arithmetic
//===----------------------------------------------------------------------===//

std::optional<int64_t> IRBuilder::constant(OpFoldResult v) {
  return getConstantIntValue(v);
}

bool IRBuilder::same(OpFoldResult x, OpFoldResult y) {
  auto cx = constant(x), cy = constant(y);
  if (cx || cy)
    return cx && cy && *cx == *cy;
  Value vx = cast<Value>(x), vy = cast<Value>(y);
  if (vx == vy)
    return true;
  // The same dim of the same tensor, queried twice.
  auto dx = vx.getDefiningOp<tensor::DimOp>(),
       dy = vy.getDefiningOp<tensor::DimOp>();
  return dx && dy && dx.getSource() == dy.getSource() &&
         dx.getConstantIndex() &&
         dx.getConstantIndex() == dy.getConstantIndex();
}

Value IRBuilder::indexValue(OpFoldResult v) {
  if (auto c = constant(v))
    return arith::ConstantIndexOp::create(b, loc, *c);
  return cast<Value>(v);
}

OpFoldResult IRBuilder::add(OpFoldResult x, OpFoldResult y) {
  auto cx = constant(x), cy = constant(y);
  if (cx && cy)
    return index(*cx + *cy);
  if (cx == 0)
    return y;
  if (cy == 0)
    return x;
  return arith::AddIOp::create(b, loc, indexValue(x), indexValue(y))
      .getResult();
}

OpFoldResult IRBuilder::sub(OpFoldResult x, OpFoldResult y) {
  auto cx = constant(x), cy = constant(y);
  if (cx && cy)
    return index(*cx - *cy);
  if (cy == 0)
    return x;
  return arith::SubIOp::create(b, loc, indexValue(x), indexValue(y))
      .getResult();
}

OpFoldResult IRBuilder::mul(OpFoldResult x, OpFoldResult y) {
  auto cx = constant(x), cy = constant(y);
  if (cx && cy)
    return index(*cx * *cy);
  if (cx == 1)
    return y;
  if (cy == 1)
    return x;
  return arith::MulIOp::create(b, loc, indexValue(x), indexValue(y))
      .getResult();
}

OpFoldResult IRBuilder::floorDiv(OpFoldResult x, int64_t y) {
  if (auto cx = constant(x))
    return index(*cx >= 0 ? *cx / y : -((-*cx + y - 1) / y));
  if (y == 1)
    return x;
  return arith::FloorDivSIOp::create(b, loc, indexValue(x),
                                     indexValue(index(y)))
      .getResult();
}

OpFoldResult IRBuilder::ceilDiv(OpFoldResult x, OpFoldResult y) {
  auto cx = constant(x), cy = constant(y);
  if (cx && cy)
    return index(llvm::divideCeilSigned(*cx, *cy));
  if (cy == 1)
    return x;
  return arith::CeilDivSIOp::create(b, loc, indexValue(x), indexValue(y))
      .getResult();
}

OpFoldResult IRBuilder::divExact(OpFoldResult x, OpFoldResult y) {
  auto cx = constant(x), cy = constant(y);
  if (cx && cy && *cy != 0)
    return index(*cx / *cy);
  if (cy == 1)
    return x;
  return arith::DivSIOp::create(b, loc, indexValue(x), indexValue(y))
      .getResult();
}

OpFoldResult IRBuilder::min(OpFoldResult x, OpFoldResult y) {
  auto cx = constant(x), cy = constant(y);
  if (cx && cy)
    return index(std::min(*cx, *cy));
  if (same(x, y))
    return x;
  return arith::MinSIOp::create(b, loc, indexValue(x), indexValue(y))
      .getResult();
}

OpFoldResult IRBuilder::max(OpFoldResult x, OpFoldResult y) {
  auto cx = constant(x), cy = constant(y);
  if (cx && cy)
    return index(std::max(*cx, *cy));
  if (same(x, y))
    return x;
  return arith::MaxSIOp::create(b, loc, indexValue(x), indexValue(y))
      .getResult();
}

//===----------------------------------------------------------------------===//
// Shapes
//===----------------------------------------------------------------------===//

OpFoldResult IRBuilder::size(Value tensor, int64_t dim) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(dim))
    return index(type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, tensor, dim).getResult();
}

SmallVector<OpFoldResult> IRBuilder::sizes(Value tensor) {
  SmallVector<OpFoldResult> out;
  int64_t rank = cast<RankedTensorType>(tensor.getType()).getRank();
  for (int64_t d = 0; d < rank; ++d)
    out.push_back(size(tensor, d));
  return out;
}

SmallVector<int64_t> IRBuilder::staticShape(ArrayRef<OpFoldResult> s) {
  SmallVector<int64_t> out;
  for (OpFoldResult v : s)
    out.push_back(constant(v).value_or(ShapedType::kDynamic));
  return out;
}

RankedTensorType IRBuilder::tensorType(ArrayRef<OpFoldResult> s, Type elt) {
  return RankedTensorType::get(staticShape(s), elt);
}

Value IRBuilder::empty(ArrayRef<OpFoldResult> s, Type elt) {
  return tensor::EmptyOp::create(b, loc, s, elt);
}

Value IRBuilder::filled(ArrayRef<OpFoldResult> s, Type elt, TypedAttr value) {
  Value init = empty(s, elt);
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return linalg::FillOp::create(b, loc, scalar, init).getResult(0);
}

Value IRBuilder::castTo(Value v, Type type) {
  if (v.getType() == type)
    return v;
  return tensor::CastOp::create(b, loc, type, v);
}

Value IRBuilder::refine(Value v, ArrayRef<OpFoldResult> s) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (auto [i, d] : llvm::enumerate(s))
    if (auto c = constant(d))
      shape[i] = *c;
  return castTo(v, RankedTensorType::get(shape, type.getElementType()));
}

Value IRBuilder::floatConst(Type type, double v) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, v));
}

Value IRBuilder::indexToFloat(OpFoldResult v, Type floatType) {
  if (auto c = constant(v))
    return floatConst(floatType, double(*c));
  Value i = arith::IndexCastOp::create(b, loc, b.getI64Type(), indexValue(v));
  return arith::SIToFPOp::create(b, loc, floatType, i);
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

/// Groups of a rank-`fullRank` shape in which the dims at `unit` (sorted)
/// join a neighbouring kept dim: trailing ones the one before, leading ones
/// the first. Empty when nothing is kept (rank-0 side).
static SmallVector<ReassociationIndices> unitDimGroups(int64_t fullRank,
                                                       ArrayRef<int64_t> unit) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t d = 0; d < fullRank; ++d) {
    if (llvm::is_contained(unit, d)) {
      if (groups.empty())
        pending.push_back(d);
      else
        groups.back().push_back(d);
      continue;
    }
    ReassociationIndices g = pending;
    pending.clear();
    g.push_back(d);
    groups.push_back(g);
  }
  return groups;
}

Value IRBuilder::dropUnitDims(Value v, ArrayRef<int64_t> positions) {
  if (positions.empty())
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t p : positions)
    shape[p] = 1;
  v = castTo(v, RankedTensorType::get(shape, type.getElementType()));
  SmallVector<int64_t> result;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (!llvm::is_contained(positions, d))
      result.push_back(shape[d]);
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get(result, type.getElementType()), v,
      unitDimGroups(type.getRank(), positions));
}

Value IRBuilder::insertUnitDims(Value v, ArrayRef<int64_t> positions) {
  if (positions.empty())
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank() + int64_t(positions.size());
  SmallVector<OpFoldResult> src = sizes(v), out;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    out.push_back(llvm::is_contained(positions, d) ? index(1) : src[next++]);
  return tensor::ExpandShapeOp::create(b, loc,
                                       tensorType(out, type.getElementType()),
                                       v, unitDimGroups(rank, positions), out);
}

Value IRBuilder::reshape(Value v, ArrayRef<OpFoldResult> target) {
  auto type = cast<RankedTensorType>(v.getType());
  Type elt = type.getElementType();
  SmallVector<OpFoldResult> src = sizes(v);
  RankedTensorType targetType = tensorType(target, elt);
  if (src.size() == target.size() &&
      llvm::all_of(llvm::zip(src, target),
                   [](auto p) { return same(std::get<0>(p), std::get<1>(p)); }))
    return castTo(v, targetType);

  // Dims equal on both sides at the front and the back stay their own
  // groups; the middle is collapsed and/or expanded as one group.
  size_t prefix = 0;
  while (prefix < src.size() && prefix < target.size() &&
         same(src[prefix], target[prefix]))
    ++prefix;
  size_t suffix = 0;
  while (suffix < src.size() - prefix && suffix < target.size() - prefix &&
         same(src[src.size() - 1 - suffix], target[target.size() - 1 - suffix]))
    ++suffix;
  size_t srcMid = src.size() - prefix - suffix;
  size_t dstMid = target.size() - prefix - suffix;

  auto allOnes = [&](ArrayRef<OpFoldResult> dims) {
    return llvm::all_of(dims, [](OpFoldResult d) { return constant(d) == 1; });
  };
  ArrayRef<OpFoldResult> srcMidDims = ArrayRef(src).slice(prefix, srcMid);
  ArrayRef<OpFoldResult> dstMidDims = ArrayRef(target).slice(prefix, dstMid);
  if (dstMid == 0 && allOnes(srcMidDims)) {
    SmallVector<int64_t> positions;
    for (size_t i = 0; i < srcMid; ++i)
      positions.push_back(prefix + i);
    return castTo(dropUnitDims(v, positions), targetType);
  }
  if (srcMid == 0 && allOnes(dstMidDims)) {
    SmallVector<int64_t> positions;
    for (size_t i = 0; i < dstMid; ++i)
      positions.push_back(prefix + i);
    return castTo(insertUnitDims(v, positions), targetType);
  }
  // What is left: a middle part collapsed to one dim and expanded again.
  // expand_shape groups with several dynamic dims do not lower (upstream
  // expand-strided-metadata); tensor.reshape with a shape operand does.
  int64_t dynamicTargets =
      llvm::count_if(dstMidDims, [](OpFoldResult d) { return !constant(d); });
  if (srcMid == 0 || dstMid == 0 || dynamicTargets > 1) {
    SmallVector<Value> dims;
    for (OpFoldResult t : target)
      dims.push_back(indexValue(t));
    Value shape = tensor::FromElementsOp::create(
        b, loc,
        RankedTensorType::get({int64_t(target.size())}, b.getIndexType()),
        dims);
    return tensor::ReshapeOp::create(b, loc, targetType, v, shape);
  }

  auto groups = [&](size_t rank, size_t mid) {
    SmallVector<ReassociationIndices> g;
    for (size_t i = 0; i < prefix; ++i)
      g.push_back({int64_t(i)});
    ReassociationIndices m;
    for (size_t i = 0; i < mid; ++i)
      m.push_back(int64_t(prefix + i));
    g.push_back(m);
    for (size_t i = prefix + mid; i < rank; ++i)
      g.push_back({int64_t(i)});
    return g;
  };
  Value current = v;
  if (srcMid > 1) {
    OpFoldResult midSize = index(1);
    for (size_t i = 0; i < srcMid; ++i)
      midSize = mul(midSize, src[prefix + i]);
    SmallVector<OpFoldResult> collapsed(src.begin(), src.begin() + prefix);
    collapsed.push_back(midSize);
    collapsed.append(src.end() - suffix, src.end());
    current =
        tensor::CollapseShapeOp::create(b, loc, tensorType(collapsed, elt),
                                        current, groups(src.size(), srcMid));
  }
  if (dstMid > 1)
    current = tensor::ExpandShapeOp::create(
        b, loc, targetType, current, groups(target.size(), dstMid), target);
  return castTo(current, targetType);
}

//===----------------------------------------------------------------------===//
// Structured ops
//===----------------------------------------------------------------------===//

FailureOr<Value> IRBuilder::elementwise(ValueRange inputs, Type outElt,
                                        BodyFn body, std::string *error) {
  int64_t rank = 0;
  for (Value in : inputs)
    rank = std::max(rank, cast<RankedTensorType>(in.getType()).getRank());
  // Broadcast result dims.
  SmallVector<OpFoldResult> outSizes;
  for (int64_t d = 0; d < rank; ++d) {
    std::optional<int64_t> staticSize;
    Value dynamicFrom;
    int64_t dynamicDim = 0;
    for (Value in : inputs) {
      auto t = cast<RankedTensorType>(in.getType());
      int64_t id = d - (rank - t.getRank());
      if (id < 0)
        continue;
      int64_t s = t.getDimSize(id);
      if (ShapedType::isDynamic(s)) {
        if (!dynamicFrom) {
          dynamicFrom = in;
          dynamicDim = id;
        }
      } else if (s != 1) {
        if (staticSize && *staticSize != s) {
          if (error)
            *error = "operand shapes are not broadcast-compatible (dim " +
                     std::to_string(d) + ": " + std::to_string(*staticSize) +
                     " vs " + std::to_string(s) + ")";
          return failure();
        }
        staticSize = s;
      }
    }
    if (staticSize)
      outSizes.push_back(index(*staticSize));
    else if (dynamicFrom)
      outSizes.push_back(size(dynamicFrom, dynamicDim));
    else
      outSizes.push_back(index(1));
  }
  SmallVector<int64_t> outShape = staticShape(outSizes);
  SmallVector<AffineMap> maps;
  for (Value in : inputs) {
    auto t = cast<RankedTensorType>(in.getType());
    SmallVector<AffineExpr> exprs;
    for (int64_t id = 0; id < t.getRank(); ++id) {
      int64_t d = id + (rank - t.getRank());
      if (t.getDimSize(id) == 1 && outShape[d] != 1)
        exprs.push_back(getAffineConstantExpr(0, ctx()));
      else
        exprs.push_back(getAffineDimExpr(d, ctx()));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx()));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx()));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  Value init = empty(outSizes, outElt);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value r = body(nb, l, args.drop_back());
        linalg::YieldOp::create(nb, l, r);
      });
  return op.getResult(0);
}

Value IRBuilder::reduce(Value input, ArrayRef<int64_t> axes, TypedAttr init,
                        BodyFn combine) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> inSizes = sizes(input), outSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(axes, d)) {
      iterators.push_back(utils::IteratorType::reduction);
    } else {
      iterators.push_back(utils::IteratorType::parallel);
      outSizes.push_back(inSizes[d]);
      outExprs.push_back(getAffineDimExpr(d, ctx()));
    }
  }
  Value acc = filled(outSizes, init.getType(), init);
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx()),
                                 AffineMap::get(rank, 0, outExprs, ctx())};
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, ValueRange{input}, ValueRange{acc},
      maps, iterators, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value r = combine(nb, l, ValueRange{args[1], args[0]});
        linalg::YieldOp::create(nb, l, r);
      });
  return op.getResult(0);
}

Value IRBuilder::transpose(Value v, ArrayRef<int64_t> perm) {
  SmallVector<OpFoldResult> in = sizes(v), out;
  for (int64_t p : perm)
    out.push_back(in[p]);
  Value init = empty(out, cast<RankedTensorType>(v.getType()).getElementType());
  return linalg::TransposeOp::create(b, loc, v, init, perm).getResult()[0];
}

Value IRBuilder::pad(Value v, ArrayRef<OpFoldResult> low,
                     ArrayRef<OpFoldResult> high, TypedAttr value) {
  if (llvm::all_of(low, [](OpFoldResult o) { return constant(o) == 0; }) &&
      llvm::all_of(high, [](OpFoldResult o) { return constant(o) == 0; }))
    return v;
  SmallVector<OpFoldResult> in = sizes(v), out;
  for (size_t d = 0; d < in.size(); ++d)
    out.push_back(add(add(in[d], low[d]), high[d]));
  auto type = tensorType(out, value.getType());
  Value scalar = arith::ConstantOp::create(b, loc, value);
  return tensor::PadOp::create(b, loc, type, v, low, high, scalar);
}

} // namespace qforge::onnx_import
