//===- ONNXPadTile.cpp - Pad and Tile --------------------------------------===//
//
// Pad (constant, edge, reflect and wrap modes; pads as an attribute before
// opset 11, as a constant input since, with axes since 18; negative pads
// crop) and Tile (constant repeats). Constant padding is a tensor.pad; the
// other modes, and Tile, read the input through per-axis source-index
// tables computed at import time, in one generic.
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

Value detail::gatherByTables(
    NodeContext &n, Value x,
    ArrayRef<std::optional<std::vector<int64_t>>> tables) {
  IRBuilder &ir = n.ir();
  MLIRContext *ctx = n.ctx();
  int64_t rank = rankOf(x);
  SmallVector<OpFoldResult> outSizes;
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<int64_t> tabled;
  Type i64 = n.b().getI64Type();
  for (int64_t d = 0; d < rank; ++d) {
    if (!tables[d]) {
      outSizes.push_back(ir.size(x, d));
      continue;
    }
    const std::vector<int64_t> &t = *tables[d];
    outSizes.push_back(ir.index(int64_t(t.size())));
    auto type = RankedTensorType::get({int64_t(t.size())}, i64);
    inputs.push_back(arith::ConstantOp::create(
        n.b(), n.loc(), DenseElementsAttr::get(type, ArrayRef<int64_t>(t))));
    maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(d, ctx)));
    tabled.push_back(d);
  }
  Type elt = eltOf(x);
  Value init = ir.empty(outSizes, elt);
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  return linalg::GenericOp::create(
             n.b(), n.loc(), TypeRange{init.getType()}, inputs,
             ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &b, Location l, ValueRange v) {
               SmallVector<Value> coords;
               for (int64_t d = 0; d < rank; ++d)
                 coords.push_back(linalg::IndexOp::create(b, l, d));
               for (auto [i, d] : llvm::enumerate(tabled))
                 coords[d] = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                        v[i]);
               linalg::YieldOp::create(
                   b, l, tensor::ExtractOp::create(b, l, x, coords).getResult());
             })
      .getResult(0);
}

namespace {

/// The source index of output position `o` of an axis of `size` elements
/// padded by `low` in `mode` (edge, reflect or wrap); -1 where none.
int64_t padSource(StringRef mode, int64_t o, int64_t low, int64_t size) {
  int64_t i = o - low;
  if (i >= 0 && i < size)
    return i;
  if (mode == "edge")
    return i < 0 ? 0 : size - 1;
  if (mode == "reflect")
    return i < 0 ? -i : 2 * (size - 1) - i;
  // wrap
  return ((i % size) + size) % size;
}

} // namespace

LogicalResult convertPad(NodeContext &n) {
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  std::string mode = n.attrString("mode", "constant");
  if (mode != "constant" && mode != "edge" && mode != "reflect" &&
      mode != "wrap")
    return n.unsupported("mode '" + mode + "'");
  std::vector<int64_t> pads;
  double value = 0.0;
  SmallVector<int64_t> axes;
  if (n.opset() < 11) {
    std::optional<std::vector<int64_t>> p = n.attrInts("pads");
    if (!p)
      return n.unsupported("the pads attribute is missing");
    pads = *p;
    value = n.attrFloat("value", 0.0f);
  } else {
    FailureOr<std::vector<int64_t>> p = n.intsInput(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (n.hasInput(2)) {
      const ConstTensor *v = n.constInput(2);
      std::optional<double> s = v ? v->scalar() : std::nullopt;
      if (!s)
        return n.unsupported("constant_value must be a constant scalar");
      value = *s;
    }
    if (n.hasInput(3)) {
      FailureOr<std::vector<int64_t>> a = n.intsInput(3, "axes");
      if (failed(a))
        return failure();
      for (int64_t ax : *a) {
        std::optional<int64_t> d = n.axis(ax, rank);
        if (!d)
          return failure();
        axes.push_back(*d);
      }
    }
  }
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  int64_t count = int64_t(axes.size());
  if (int64_t(pads.size()) != 2 * count)
    return n.unsupported("pads has " + Twine(pads.size()) + " values for " +
                         Twine(count) + " axes");
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (auto [i, d] : llvm::enumerate(axes)) {
    low[d] = pads[i];
    high[d] = pads[count + i];
  }
  IRBuilder &ir = n.ir();
  // Negative pads crop first.
  if (llvm::any_of(low, [](int64_t p) { return p < 0; }) ||
      llvm::any_of(high, [](int64_t p) { return p < 0; })) {
    SmallVector<OpFoldResult> offsets, sizes,
        strides(rank, ir.index(1));
    for (int64_t d = 0; d < rank; ++d) {
      int64_t cropLow = std::max<int64_t>(0, -low[d]);
      int64_t cropHigh = std::max<int64_t>(0, -high[d]);
      offsets.push_back(ir.index(cropLow));
      OpFoldResult size = ir.sub(ir.size(x, d), ir.index(cropLow + cropHigh));
      if (auto s = IRBuilder::constant(size); s && *s < 0)
        return n.unsupported("pads crop more than dimension " + Twine(d) +
                             " holds");
      sizes.push_back(size);
      low[d] = std::max<int64_t>(0, low[d]);
      high[d] = std::max<int64_t>(0, high[d]);
    }
    x = tensor::ExtractSliceOp::create(n.b(), n.loc(), x, offsets, sizes,
                                       strides);
  }
  if (mode == "constant") {
    Type elt = eltOf(x);
    TypedAttr attr = isa<FloatType>(elt)
                         ? TypedAttr(floatAttr(elt, value))
                         : TypedAttr(IntegerAttr::get(elt, int64_t(value)));
    SmallVector<OpFoldResult> lo, hi;
    for (int64_t d = 0; d < rank; ++d) {
      lo.push_back(ir.index(low[d]));
      hi.push_back(ir.index(high[d]));
    }
    n.setOutput(0, ir.pad(x, lo, hi, attr));
    return success();
  }
  SmallVector<std::optional<std::vector<int64_t>>> tables(rank);
  for (int64_t d = 0; d < rank; ++d) {
    if (low[d] == 0 && high[d] == 0)
      continue;
    std::optional<int64_t> size = IRBuilder::constant(ir.size(x, d));
    if (!size)
      return n.unsupported("mode '" + mode + "' on dynamic dimension " +
                           Twine(d));
    if (*size == 0)
      return n.unsupported("mode '" + mode + "' on an empty dimension");
    if (mode == "reflect" && (low[d] >= *size || high[d] >= *size))
      return n.unsupported("reflect pads of dimension " + Twine(d) +
                           " must be smaller than its size " + Twine(*size));
    std::vector<int64_t> t;
    for (int64_t o = 0; o < low[d] + *size + high[d]; ++o)
      t.push_back(padSource(mode, o, low[d], *size));
    tables[d] = std::move(t);
  }
  n.setOutput(0, gatherByTables(n, x, tables));
  return success();
}

LogicalResult convertTile(NodeContext &n) {
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  FailureOr<std::vector<int64_t>> repeats = n.intsInput(1, "repeats");
  if (failed(repeats))
    return failure();
  if (int64_t(repeats->size()) != rank)
    return n.unsupported("repeats has " + Twine(repeats->size()) +
                         " values for rank " + Twine(rank));
  SmallVector<std::optional<std::vector<int64_t>>> tables(rank);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t r = (*repeats)[d];
    if (r < 0)
      return n.unsupported("repeats must not be negative");
    if (r == 1)
      continue;
    std::optional<int64_t> size = IRBuilder::constant(n.ir().size(x, d));
    if (!size)
      return n.unsupported("tiling dynamic dimension " + Twine(d));
    std::vector<int64_t> t;
    for (int64_t o = 0; o < r * *size; ++o)
      t.push_back(o % *size);
    tables[d] = std::move(t);
  }
  if (llvm::none_of(tables, [](const auto &t) { return t.has_value(); })) {
    n.forward(0, 0);
    return success();
  }
  n.setOutput(0, gatherByTables(n, x, tables));
  return success();
}

} // namespace qforge::onnx_import
