//===- ONNXConvPool.cpp - ONNX convolution and pooling --------------------===//
//
// Conv (1-D to 3-D, grouped: padding, im2col, then a matmul or a grouped
// contraction) and MaxPool / AveragePool (a generic over a shape-only window
// operand), with the window geometry (pads, auto_pad, ceil_mode) they share.
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"

#include "qforge/Dialect/QF/IR/QFAttrNames.h"

#include "mlir/IR/AffineMap.h"

#include <algorithm>
#include <limits>

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

namespace {

struct Window {
  SmallVector<int64_t> kernel, strides, dilations;
  SmallVector<OpFoldResult> padLow, padHigh; ///< per spatial dim
  SmallVector<OpFoldResult> out;             ///< output spatial sizes
  SmallVector<int64_t> overhang; ///< ceil_mode padding included in padHigh
};

/// The ints attribute `name` with `count` values, or `count` times `dflt`
/// when absent.
LogicalResult intsAttr(NodeContext &n, StringRef name, int64_t count,
                       int64_t dflt, SmallVector<int64_t> &out) {
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
}

/// The auto_pad attribute: NOTSET, VALID, SAME_UPPER or SAME_LOWER.
FailureOr<std::string> autoPadOf(NodeContext &n) {
  std::string autoPad = n.attrString("auto_pad", "NOTSET");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return n.unsupported("auto_pad '" + autoPad + "'");
  return autoPad;
}

/// Kernel, strides, dilations and pads (explicit or auto_pad) of a
/// convolution or pooling node over `x` [N, C, spatial...].
LogicalResult windowOf(NodeContext &n, Value x, ArrayRef<int64_t> kernel,
                       bool ceilMode, Window &w) {
  IRBuilder &ir = n.ir();
  int64_t d = rankOf(x) - 2;
  w.kernel.assign(kernel.begin(), kernel.end());
  SmallVector<int64_t> pads;
  if (failed(intsAttr(n, "strides", d, 1, w.strides)) ||
      failed(intsAttr(n, "dilations", d, 1, w.dilations)) ||
      failed(intsAttr(n, "pads", 2 * d, 0, pads)))
    return failure();
  for (int64_t i = 0; i < d; ++i)
    if (w.strides[i] < 1 || w.dilations[i] < 1 || w.kernel[i] < 1 ||
        pads[i] < 0 || pads[d + i] < 0)
      return n.unsupported("invalid kernel_shape, strides, dilations or pads");
  FailureOr<std::string> autoPadOr = autoPadOf(n);
  if (failed(autoPadOr))
    return failure();
  const std::string &autoPad = *autoPadOr;
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

/// Y [N, M, O...] = conv(x [N, C, I...], w [M, C / group, k...]) over the
/// window `win` (its pads applied to x), plus `bias` [M] when given: im2col
/// and a matmul with the weight as [M, C k] (group 1, quantizable, marked
/// "conv"), or a contraction with a group dimension.
FailureOr<Value> convolve(NodeContext &n, Value x, Value w, int64_t group,
                          const Window &win, Value bias);

} // namespace

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
  FailureOr<Value> y =
      convolve(n, x, w, group, win, n.hasInput(2) ? n.input(2) : Value());
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

namespace {

FailureOr<Value> convolve(NodeContext &n, Value x, Value w, int64_t group,
                          const Window &win, Value bias) {
  int64_t d = rankOf(x) - 2;
  auto wt = typeOf(w);
  int64_t m = wt.getDimSize(0), cg = wt.getDimSize(1);
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
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
    // Quantization tells convolutions from matmuls (--only, the report).
    mm->getDefiningOp()->setAttr(qf::kLayerKindAttrName,
                                 StringAttr::get(ctx, "conv"));
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
    // A convolution in the report, though its 3-D weight keeps it float.
    yg.getDefiningOp()->setAttr(qf::kLayerKindAttrName,
                                StringAttr::get(ctx, "conv"));
    SmallVector<ReassociationIndices> og;
    for (int64_t i = 0; i <= d; ++i)
      og.push_back({i});
    og.push_back({d + 1, d + 2});
    y = tensor::CollapseShapeOp::create(n.b(), n.loc(), yg, og);
  }
  if (bias) {
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
  return ir.transpose(y, perm);
}

} // namespace

/// ConvTranspose as a convolution (lib/Import, docs/IMPORT.md): X with
/// stride - 1 zeros between its elements, padded by dilation * (k - 1)
/// (plus output_padding at the end), convolved with stride 1 by W flipped
/// along every spatial axis with its two channel axes swapped per group,
/// then cropped by the node's pads. The convolution is an ordinary one: its
/// matmul is quantizable and runs on the kernels.
LogicalResult convertConvTranspose(NodeContext &n) {
  if (failed(n.requireFloat(0)) || failed(n.requireFloat(1)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x), d = rank - 2;
  const ConstTensor *wc = n.constInput(1);
  std::optional<std::vector<double>> wv = wc ? wc->toDoubles() : std::nullopt;
  if (!wv)
    return n.unsupported("W must be a constant (initializer or Constant "
                         "node)");
  if (rank < 3 || int64_t(wc->shape.size()) != rank)
    return n.unsupported("X and W must have the same rank >= 3");
  int64_t group = n.attrInt("group", 1);
  int64_t c = wc->shape[0], mg = wc->shape[1];
  std::optional<int64_t> xc = IRBuilder::constant(n.ir().size(x, 1));
  if (!xc || *xc != c || group < 1 || c % group != 0)
    return n.unsupported("channels of X and W (" + Twine(c) +
                         ") and group " + Twine(group) + " do not match");
  SmallVector<int64_t> kernel(wc->shape.begin() + 2, wc->shape.end());
  if (auto ks = n.attrInts("kernel_shape"))
    if (ArrayRef<int64_t>(*ks) != ArrayRef<int64_t>(kernel))
      return n.unsupported("kernel_shape does not match W");
  SmallVector<int64_t> strides, dilations, pads, outPad;
  if (failed(intsAttr(n, "strides", d, 1, strides)) ||
      failed(intsAttr(n, "dilations", d, 1, dilations)) ||
      failed(intsAttr(n, "pads", 2 * d, 0, pads)) ||
      failed(intsAttr(n, "output_padding", d, 0, outPad)))
    return failure();
  FailureOr<std::string> autoPadOr = autoPadOf(n);
  if (failed(autoPadOr))
    return failure();
  const std::string &autoPad = *autoPadOr;
  std::optional<std::vector<int64_t>> outputShape = n.attrInts("output_shape");
  if (outputShape && int64_t(outputShape->size()) != d) {
    if (int64_t(outputShape->size()) != rank)
      return n.unsupported("output_shape has " + Twine(outputShape->size()) +
                           " values, expected " + Twine(d));
    outputShape->erase(outputShape->begin(), outputShape->begin() + 2);
  }
  IRBuilder &ir = n.ir();
  SmallVector<int64_t> padBegin(d), padEnd(d);
  for (int64_t i = 0; i < d; ++i) {
    int64_t s = strides[i], dil = dilations[i], k = kernel[i];
    if (s < 1 || dil < 1 || k < 1 || outPad[i] < 0 ||
        outPad[i] >= std::max(s, dil))
      return n.unsupported("invalid strides, dilations or output_padding");
    padBegin[i] = pads[i];
    padEnd[i] = pads[d + i];
    if (autoPad == "VALID") {
      padBegin[i] = padEnd[i] = 0;
    } else if (outputShape || autoPad != "NOTSET") {
      // The specification: pads from the requested output size (the input
      // size times the stride under SAME_*), split as auto_pad says.
      std::optional<int64_t> in = IRBuilder::constant(ir.size(x, 2 + i));
      if (!in)
        return n.unsupported("output_shape or auto_pad with a dynamic "
                             "spatial size");
      int64_t want = outputShape ? (*outputShape)[i] : *in * s;
      // Negative when the output is larger than the full transposed
      // convolution: the positions no kernel tap reaches (at the end, as
      // onnxruntime and the reference put them) hold the bias.
      int64_t total =
          s * (*in - 1) + outPad[i] + (k - 1) * dil + 1 - want;
      bool upper = autoPad == "SAME_UPPER";
      padBegin[i] = total < 0 ? 0 : upper ? total / 2 : total - total / 2;
      padEnd[i] = total - padBegin[i];
    }
    if (!outputShape && autoPad == "NOTSET" &&
        (padBegin[i] < 0 || padEnd[i] < 0))
      return n.unsupported("negative pads");
  }

  // W' [M, C / group, k...]: W [C, M / group, k...] with its channel axes
  // swapped per group and every spatial axis reversed.
  int64_t cg = c / group, m = mg * group, spatial = 1;
  for (int64_t k : kernel)
    spatial *= k;
  std::vector<float> flipped(size_t(m * cg * spatial));
  SmallVector<int64_t> pos(d);
  for (int64_t g = 0; g < group; ++g)
    for (int64_t co = 0; co < mg; ++co)
      for (int64_t ci = 0; ci < cg; ++ci)
        for (int64_t e = 0; e < spatial; ++e) {
          // Spatial index e and its reverse, row-major over the kernel.
          int64_t rest = e, rev = 0;
          for (int64_t i = d - 1, stride = 1; i >= 0; --i) {
            int64_t p = rest % kernel[i];
            rest /= kernel[i];
            rev += (kernel[i] - 1 - p) * stride;
            stride *= kernel[i];
          }
          int64_t src = ((g * cg + ci) * mg + co) * spatial + rev;
          int64_t dst = ((g * mg + co) * cg + ci) * spatial + e;
          flipped[size_t(dst)] = float((*wv)[size_t(src)]);
        }
  SmallVector<int64_t> wShape = {m, cg};
  wShape.append(kernel.begin(), kernel.end());
  Type elt = eltOf(x);
  Value w = n.constant(ConstTensor::fromFloats(wShape, flipped),
                       n.node().input(1) + ".flipped");
  if (elt != eltOf(w)) {
    std::string error;
    FailureOr<Value> converted = ir.elementwise(
        {w}, elt,
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          if (cast<FloatType>(elt).getWidth() < 32)
            return arith::TruncFOp::create(b, l, elt, v[0]);
          return arith::ExtFOp::create(b, l, elt, v[0]);
        },
        &error);
    if (failed(converted))
      return n.unsupported("W: " + error);
    w = *converted;
  }

  // X with stride - 1 zeros between elements.
  SmallVector<OpFoldResult> upSizes = {ir.size(x, 0), ir.size(x, 1)};
  SmallVector<OpFoldResult> offsets(rank, ir.index(0)), sizes, steps;
  for (int64_t i = 0; i < rank; ++i) {
    sizes.push_back(ir.size(x, i));
    steps.push_back(ir.index(i < 2 ? 1 : strides[i - 2]));
  }
  for (int64_t i = 0; i < d; ++i)
    upSizes.push_back(ir.add(
        ir.mul(ir.sub(ir.size(x, 2 + i), ir.index(1)), ir.index(strides[i])),
        ir.index(1)));
  Value up = x;
  if (llvm::any_of(strides, [](int64_t s) { return s > 1; })) {
    Value zeros = ir.filled(upSizes, elt, floatAttr(elt, 0.0));
    up = tensor::InsertSliceOp::create(n.b(), n.loc(), x, zeros, offsets,
                                       sizes, steps);
  }
  // The full transposed convolution: every kernel tap that touches an
  // input element, plus output_padding at the end.
  Window win;
  win.kernel = kernel;
  win.strides.assign(d, 1);
  win.dilations = dilations;
  // Negative pads (an output_shape beyond it) widen it on their side.
  SmallVector<int64_t> extraLow(d), extraHigh(d);
  for (int64_t i = 0; i < d; ++i) {
    int64_t full = (kernel[i] - 1) * dilations[i];
    extraLow[i] = std::max<int64_t>(0, -padBegin[i]);
    extraHigh[i] = std::max<int64_t>(0, -padEnd[i]);
    win.padLow.push_back(ir.index(full + extraLow[i]));
    win.padHigh.push_back(ir.index(full + outPad[i] + extraHigh[i]));
    win.out.push_back(ir.add(ir.size(up, 2 + i),
                             ir.index(full + outPad[i] + extraLow[i] +
                                      extraHigh[i])));
    win.overhang.push_back(0);
  }
  FailureOr<Value> y =
      convolve(n, up, w, group, win, n.hasInput(2) ? n.input(2) : Value());
  if (failed(y))
    return failure();
  // Cropped by the pads.
  SmallVector<OpFoldResult> cropOffsets = {ir.index(0), ir.index(0)};
  SmallVector<OpFoldResult> cropSizes = {ir.size(*y, 0), ir.size(*y, 1)};
  for (int64_t i = 0; i < d; ++i) {
    int64_t begin = padBegin[i] + extraLow[i], end = padEnd[i] + extraHigh[i];
    cropOffsets.push_back(ir.index(begin));
    OpFoldResult size = ir.sub(ir.size(*y, 2 + i), ir.index(begin + end));
    if (auto sz = IRBuilder::constant(size); sz && *sz < 1)
      return n.unsupported("the pads leave an empty output");
    cropSizes.push_back(size);
  }
  SmallVector<OpFoldResult> unit(rank, ir.index(1));
  n.setOutput(0, tensor::ExtractSliceOp::create(n.b(), n.loc(), *y,
                                                cropOffsets, cropSizes, unit)
                     .getResult());
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

// The instantiations the op-type table (ONNXOps.cpp) uses.
template LogicalResult convertPool<false>(NodeContext &);
template LogicalResult convertPool<true>(NodeContext &);

} // namespace qforge::onnx_import
