//===- ONNXShapeOps.cpp - ONNX shape and data-movement operators ----------===//
//
// Reshape, Flatten, Squeeze, Unsqueeze, Transpose, DepthToSpace,
// SpaceToDepth, Concat, Split, Slice, Gather, Cast and Constant. Shape ops on import-time constants (and integer
// Casts) are folded into new constants instead of emitting IR.
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"

#include "qforge-c/qforge_errors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/BuiltinOps.h"

#include <algorithm>
#include <cstring>

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

//===----------------------------------------------------------------------===//
// Shapes and data movement
//===----------------------------------------------------------------------===//

namespace {

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

/// Input `i` as the integers of a 1-D constant (a shape vector), if it is
/// one: what Concat, Slice and Gather fold.
std::optional<std::vector<int64_t>> shapeVectorInput(NodeContext &n, int i) {
  const ConstTensor *c = n.constInput(i);
  if (!c || c->shape.size() != 1)
    return std::nullopt;
  return c->toInts();
}

SmallVector<OpFoldResult> inputSizes(NodeContext &n, int i) {
  if (const ConstTensor *c = n.constInput(i))
    return constSizes(n, *c);
  return n.ir().sizes(n.input(i));
}

} // namespace

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

namespace {

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

} // namespace

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

/// DepthToSpace (isDepthToSpace) or SpaceToDepth of x [N, C, H, W]: a
/// reshape to six dims, a transpose and a reshape back, in the
/// specification's DCR or CRD order.
template <bool isDepthToSpace>
LogicalResult convertDepthSpace(NodeContext &n) {
  Value x = n.input(0);
  if (rankOf(x) != 4)
    return n.unsupported("input must be [N, C, H, W]");
  int64_t b = n.attrInt("blocksize", 0);
  if (b < 1)
    return n.unsupported("blocksize must be positive");
  IRBuilder &ir = n.ir();
  std::optional<int64_t> c = IRBuilder::constant(ir.size(x, 1));
  if (!c)
    return n.unsupported("the channel dimension must be static");
  OpFoldResult batch = ir.size(x, 0), h = ir.size(x, 2), w = ir.size(x, 3);
  OpFoldResult bb = ir.index(b);
  SmallVector<OpFoldResult> six, out;
  SmallVector<int64_t> perm;
  std::string mode = n.attrString("mode", "DCR");
  if (mode != "DCR" && mode != "CRD")
    return n.unsupported("mode '" + mode + "'");
  bool dcr = mode == "DCR";
  if (isDepthToSpace) {
    if (*c % (b * b) != 0)
      return n.unsupported("channels (" + Twine(*c) +
                           ") must be a multiple of blocksize squared");
    OpFoldResult co = ir.index(*c / (b * b));
    if (dcr) {
      six = {batch, bb, bb, co, h, w};
      perm = {0, 3, 4, 1, 5, 2};
    } else {
      six = {batch, co, bb, bb, h, w};
      perm = {0, 1, 4, 2, 5, 3};
    }
    out = {batch, co, ir.mul(h, bb), ir.mul(w, bb)};
  } else {
    for (OpFoldResult s : {h, w})
      if (auto v = IRBuilder::constant(s); !v || *v % b != 0)
        return n.unsupported("H and W must be static multiples of blocksize");
    OpFoldResult ho = ir.floorDiv(h, b), wo = ir.floorDiv(w, b);
    six = {batch, ir.index(*c), ho, bb, wo, bb};
    perm = dcr ? SmallVector<int64_t>{0, 3, 5, 1, 2, 4}
               : SmallVector<int64_t>{0, 1, 3, 5, 2, 4};
    out = {batch, ir.index(*c * b * b), ho, wo};
  }
  n.setOutput(0, ir.reshape(ir.transpose(ir.reshape(x, six), perm), out));
  return success();
}

template LogicalResult convertDepthSpace<true>(NodeContext &);
template LogicalResult convertDepthSpace<false>(NodeContext &);

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
  // Shape vectors (torch.onnx's Shape -> Slice -> Concat -> Reshape).
  {
    std::vector<int64_t> folded;
    int32_t type = n.constInput(0) ? n.constInput(0)->type : 0;
    bool all = true;
    for (int i = 0; i < n.numInputs() && all; ++i) {
      std::optional<std::vector<int64_t>> v = shapeVectorInput(n, i);
      all = v && n.constInput(i)->type == type;
      if (all)
        folded.insert(folded.end(), v->begin(), v->end());
    }
    if (all) {
      n.setOutput(0, ConstTensor::fromInts(type, {int64_t(folded.size())},
                                           folded));
      return success();
    }
  }
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
  // A shape vector (its dim is static, so the slice is constant): folded.
  if (std::optional<std::vector<int64_t>> v = shapeVectorInput(n, 0)) {
    int64_t offset = *IRBuilder::constant(offsets[0]),
            size = *IRBuilder::constant(sizes[0]),
            stride = *IRBuilder::constant(strides[0]);
    std::vector<int64_t> out;
    for (int64_t k = 0; k < size; ++k)
      out.push_back((*v)[size_t(offset + k * stride)]);
    if (!reversed.empty())
      std::reverse(out.begin(), out.end());
    n.setOutput(0, ConstTensor::fromInts(n.constInput(0)->type, {size}, out));
    return success();
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
  // An element of a shape vector (Shape -> Gather(0)): folded.
  if (std::optional<std::vector<int64_t>> v = shapeVectorInput(n, 0)) {
    const ConstTensor *idx = n.constInput(1);
    std::optional<std::vector<int64_t>> ids =
        idx ? idx->toInts() : std::nullopt;
    if (ids && idx->shape.size() <= 1) {
      std::vector<int64_t> out;
      int64_t size = int64_t(v->size());
      for (int64_t i : *ids) {
        if (i < -size || i >= size)
          return n.unsupported("index " + Twine(i) + " is out of range for " +
                               Twine(size) + " elements");
        out.push_back((*v)[size_t(i < 0 ? i + size : i)]);
      }
      n.setOutput(0, ConstTensor::fromInts(n.constInput(0)->type, idx->shape,
                                           out));
      return success();
    }
  }
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
  Type elt = eltOf(data);
  Value init = ir.empty(outSizes, elt);
  int64_t ax = *axis;
  func::FuncOp report = runtimeReportFunction(
      n.b().getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>(),
      QFORGE_INDEX_ERROR_FUNCTION, 2);
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
            Value given = arith::IndexCastOp::create(b, l, b.getIndexType(), v[0]);
            Value zero = arith::ConstantIndexOp::create(b, l, 0);
            Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                              given, zero);
            Value i = arith::SelectOp::create(
                b, l, neg, arith::AddIOp::create(b, l, given, axisSize), given);
            // As ONNX Runtime: an index outside [-size, size) is an error
            // ("indices element out of data bounds"), reported at run time
            // without reading outside the data (qforge_errors.h).
            Value inBounds = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::ult, i, axisSize);
            // linalg.index must sit directly in the generic's body.
            SmallVector<Value> coords;
            for (int64_t d = 0; d < ax; ++d)
              coords.push_back(linalg::IndexOp::create(b, l, d));
            coords.push_back(i);
            for (int64_t d = ax + 1; d < r; ++d)
              coords.push_back(linalg::IndexOp::create(b, l, d + q - 1));
            auto checked = scf::IfOp::create(
                b, l, TypeRange{elt}, inBounds, /*withElseRegion=*/true);
            {
              OpBuilder::InsertionGuard guard(b);
              b.setInsertionPointToStart(checked.thenBlock());
              scf::YieldOp::create(
                  b, l, tensor::ExtractOp::create(b, l, data, coords).getResult());
              b.setInsertionPointToStart(checked.elseBlock());
              Type i64 = b.getI64Type();
              func::CallOp::create(
                  b, l, report,
                  ValueRange{arith::IndexCastOp::create(b, l, i64, given),
                             arith::IndexCastOp::create(b, l, i64, axisSize)});
              scf::YieldOp::create(
                  b, l, arith::ConstantOp::create(b, l, b.getZeroAttr(elt))
                            .getResult());
            }
            linalg::YieldOp::create(b, l, checked.getResult(0));
          })
          .getResult(0);
  n.setOutput(0, y);
  return success();
}

namespace {

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

} // namespace

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

} // namespace qforge::onnx_import
