//===- ONNXShapeValues.cpp - Shape, ConstantOfShape, Range, Expand --------===//
//
// The operators exporters use to compute shapes (and Expand, which
// broadcasts to one). Where the values are known
// at import time (static dims, constant operands) they fold into constants,
// which the shape operators downstream (Reshape, Gather, Concat, Unsqueeze,
// Cast) fold further, so an exported model's shape arithmetic on static
// dims leaves no IR. Shape of dynamic dims reads them at run time.
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

namespace {

/// Large constants are emitted as IR fills, not folded: folding is for
/// shape-sized values.
constexpr int64_t kMaxFoldedElements = 1024;

} // namespace

LogicalResult convertShape(NodeContext &n) {
  SmallVector<int64_t> shape;
  if (const ConstTensor *c = n.constInput(0))
    shape.assign(c->shape.begin(), c->shape.end());
  else
    llvm::append_range(shape, typeOf(n.input(0)).getShape());
  int64_t rank = int64_t(shape.size());
  // start / end (opset 15): negative from the back, clamped to [0, rank].
  auto clampAxis = [rank](int64_t a) {
    if (a < 0)
      a += rank;
    return std::clamp<int64_t>(a, 0, rank);
  };
  int64_t start = clampAxis(n.attrInt("start", 0));
  int64_t end = clampAxis(n.attrInt("end", rank));
  end = std::max(start, end);
  ArrayRef<int64_t> dims = ArrayRef<int64_t>(shape).slice(start, end - start);
  if (llvm::none_of(dims, ShapedType::isDynamic)) {
    n.setOutput(0, ConstTensor::fromInts(kInt64, {int64_t(dims.size())},
                                         SmallVector<int64_t>(dims)));
    return success();
  }
  // Dynamic dims are read at run time, static ones are constants.
  Value x = n.input(0);
  SmallVector<Value> values;
  for (int64_t d = start; d < end; ++d) {
    if (!ShapedType::isDynamic(shape[d])) {
      values.push_back(arith::ConstantOp::create(
          n.b(), n.loc(), n.b().getI64IntegerAttr(shape[d])));
      continue;
    }
    Value size = tensor::DimOp::create(n.b(), n.loc(), x, d);
    values.push_back(
        arith::IndexCastOp::create(n.b(), n.loc(), n.b().getI64Type(), size));
  }
  n.setOutput(0, tensor::FromElementsOp::create(
                     n.b(), n.loc(),
                     RankedTensorType::get({int64_t(values.size())},
                                           n.b().getI64Type()),
                     values));
  return success();
}

LogicalResult convertConstantOfShape(NodeContext &n) {
  FailureOr<std::vector<int64_t>> shape = n.intsInput(0, "shape");
  if (failed(shape))
    return failure();
  int64_t count = 1;
  for (int64_t d : *shape) {
    if (d < 0)
      return n.unsupported("negative dimension " + Twine(d) + " in the shape");
    if (d > 0 && count > std::numeric_limits<int64_t>::max() / d)
      return n.unsupported("the shape's element count overflows");
    count *= d;
  }
  // The value: a one-element tensor attribute, float 0 by default.
  ConstTensor value = ConstTensor::fromFloats({1}, {0.0f});
  if (const onnx::AttributeProto *attr = n.attr("value")) {
    llvm::Expected<ConstTensor> decoded =
        decodeTensor(attr->t(), n.baseDirectory());
    if (!decoded)
      return n.unsupported("value: " + llvm::toString(decoded.takeError()));
    if (decoded->numElements() != 1)
      return n.unsupported("value must have one element");
    value = std::move(*decoded);
  }
  Type elt = mlirElementType(n.ctx(), value.type);
  if (!elt || elt.isUnsignedInteger())
    return n.unsupported("value of type " + onnxTypeName(value.type));
  std::optional<std::vector<int64_t>> ints = value.toInts();
  if (ints && count <= kMaxFoldedElements) {
    n.setOutput(0, ConstTensor::fromInts(
                       value.type, *shape,
                       std::vector<int64_t>(size_t(count), ints->front())));
    return success();
  }
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : *shape)
    sizes.push_back(n.ir().index(d));
  TypedAttr fill;
  if (ints)
    fill = IntegerAttr::get(elt, ints->front());
  else
    fill = FloatAttr::get(elt, value.toDoubles()->front());
  n.setOutput(0, n.ir().filled(sizes, elt, fill));
  return success();
}

LogicalResult convertExpand(NodeContext &n) {
  FailureOr<std::vector<int64_t>> shape = n.intsInput(1, "shape");
  if (failed(shape))
    return failure();
  Value x = n.input(0);
  // numpy broadcasting of x against `shape`: an elementwise copy whose
  // second operand only carries the shape (1s in `shape` keep x's dims).
  // A 1 in `shape` keeps x's dim (dims align from the right): that size,
  // not 1, so a dynamic dim of x is not taken to be 1.
  SmallVector<OpFoldResult> sizes;
  int64_t offset = int64_t(shape->size()) - rankOf(x);
  for (auto [i, d] : llvm::enumerate(*shape)) {
    if (d < 0)
      return n.unsupported("negative dimension " + Twine(d) + " in the shape");
    int64_t j = int64_t(i) - offset;
    sizes.push_back(d == 1 && j >= 0 ? n.ir().size(x, j) : n.ir().index(d));
  }
  Value shapeOnly = n.ir().empty(sizes, eltOf(x));
  return emitElementwise(
      n, {x, shapeOnly}, eltOf(x),
      [](OpBuilder &, Location, ValueRange v) { return v[0]; });
}

LogicalResult convertRange(NodeContext &n) {
  const ConstTensor *start = n.constInput(0), *limit = n.constInput(1),
                    *delta = n.constInput(2);
  if (!start || !limit || !delta)
    return n.unsupported("start, limit and delta must be constants (a "
                         "range of run-time length is not supported)");
  if (start->type != limit->type || start->type != delta->type)
    return n.unsupported("start, limit and delta have different types");
  std::optional<double> s = start->scalar(), l = limit->scalar(),
                        d = delta->scalar();
  if (!s || !l || !d || start->numElements() != 1 ||
      limit->numElements() != 1 || delta->numElements() != 1)
    return n.unsupported("start, limit and delta must be scalars");
  if (*d == 0)
    return n.unsupported("delta is 0");
  // ONNX: max(ceil((limit - start) / delta), 0) elements.
  constexpr int64_t kMaxElements = kMaxFoldedElements * 1024;
  if (std::optional<std::vector<int64_t>> si = start->toInts()) {
    // Integers exactly (the count in 128 bits: no rounding, no overflow).
    __int128 first = si->front(), last = limit->toInts()->front(),
             step = delta->toInts()->front();
    __int128 span = last - first;
    __int128 exact =
        span / step + ((span % step != 0) && ((span > 0) == (step > 0)));
    if (exact > kMaxElements)
      return n.unsupported("the range has too many elements");
    int64_t count = int64_t(std::max<__int128>(0, exact));
    std::vector<int64_t> values;
    for (int64_t i = 0; i < count; ++i)
      values.push_back(int64_t(first + __int128(i) * step));
    n.setOutput(0, ConstTensor::fromInts(start->type, {count}, values));
    return success();
  }
  if (start->type != kFloat)
    return n.unsupported("range of type " + onnxTypeName(start->type));
  double steps = std::ceil((*l - *s) / *d);
  if (!(steps <= double(kMaxElements)))
    return n.unsupported("the range has too many elements");
  int64_t count = steps > 0 ? int64_t(steps) : 0;
  // start + i * delta in float, as the reference does.
  float first = float(*s), step = float(*d);
  std::vector<float> values;
  for (int64_t i = 0; i < count; ++i)
    values.push_back(first + float(i) * step);
  n.setOutput(0, ConstTensor::fromFloats({count}, values));
  return success();
}

} // namespace qforge::onnx_import
