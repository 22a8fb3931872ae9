//===- ONNXResize.cpp - Resize and Upsample --------------------------------===//
//
// What detectors and segmenters write to upsample feature maps (FPN, U-Net,
// YOLO): Resize (opset 10, 11-13, 18-19) and the older Upsample (7-9), in
// `nearest` and `linear` modes. The output size and every source index and
// weight are computed here, at import time, as ONNX Runtime computes them
// (the specification's formulas, in single precision): per resized axis,
// for each output position two source indices (clamped to the input, as
// the reference's edge padding) and two weights, or for nearest the chosen
// index. One linalg.generic reads those tables and the input: 2^R taps for
// R linearly resized axes; nearest is Pad's and Tile's gather through
// index tables (gatherByTables). Cubic, antialiasing and tf_crop_and_resize are refused
// by name.
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

namespace {

/// How output coordinates map to input coordinates, and which taps weigh.
struct ResizeMode {
  bool linear = false;
  std::string coordinates = "half_pixel";
  std::string nearest = "round_prefer_floor";
};

/// One resized axis: per output position, two clamped source indices and
/// their weights; nearest: the chosen index alone, in index0.
struct AxisTable {
  std::vector<int64_t> index0, index1;
  std::vector<double> weight0, weight1;
};

/// The 1-D tables for an axis of `in` elements resized to `out` with
/// `scale` (out / in when sizes are given), as ONNX Runtime computes them:
/// source coordinates in single precision, the integer output length where
/// the specification says length_resized (align_corners, and a one-element
/// output of pytorch_half_pixel). ONNX's reference takes scale * in there
/// instead; the backend cases where that differs are listed in
/// test/unit/Import/ReferenceDisagreements.inc.
FailureOr<AxisTable> axisTable(NodeContext &n, const ResizeMode &mode,
                               int64_t in, int64_t out, float scale) {
  AxisTable t;
  float inF = float(in), outF = float(out);
  for (int64_t yi = 0; yi < out; ++yi) {
    float y = float(yi), x;
    const std::string &c = mode.coordinates;
    if (c == "align_corners")
      x = out == 1 ? 0.0f : y * (inF - 1) / (outF - 1);
    else if (c == "asymmetric")
      x = y / scale;
    else if (c == "pytorch_half_pixel")
      x = out > 1 ? (y + 0.5f) / scale - 0.5f : 0.0f;
    else if (c == "half_pixel")
      x = (y + 0.5f) / scale - 0.5f;
    else if (c == "half_pixel_symmetric")
      x = inF / 2 * (1 - outF / (scale * inF)) + (y + 0.5f) / scale - 0.5f;
    else
      return n.unsupported("coordinate_transformation_mode '" + c + "'");
    // The two neighbours: floor(x) and the next; at an integer x, x - 1 and
    // x with all the weight on x.
    float lo = std::floor(x);
    bool integral = x == lo;
    float ratio = integral ? 1.0f : x - lo;
    int64_t first = integral ? int64_t(lo) - 1 : int64_t(lo);
    auto clamp = [&](int64_t i) { return std::clamp<int64_t>(i, 0, in - 1); };
    if (mode.linear) {
      t.index0.push_back(clamp(first));
      t.index1.push_back(clamp(first + 1));
      t.weight0.push_back(1 - ratio);
      t.weight1.push_back(ratio);
    } else {
      bool second;
      if (integral)
        second = true;
      else if (mode.nearest == "round_prefer_floor")
        second = ratio > 0.5f;
      else if (mode.nearest == "round_prefer_ceil")
        second = ratio >= 0.5f;
      else if (mode.nearest == "floor")
        second = false;
      else if (mode.nearest == "ceil")
        second = true;
      else if (mode.nearest == "simple")
        second = scale < 1.0f; // ceil when downsampling, else floor
      else
        return n.unsupported("nearest_mode '" + mode.nearest + "'");
      t.index0.push_back(clamp(second ? first + 1 : first));
    }
  }
  return t;
}

/// A constant 1-D tensor of `values` with element type `elt`.
template <typename T>
Value vectorConstant(NodeContext &n, Type elt, ArrayRef<T> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, elt);
  SmallVector<Attribute> attrs;
  for (T v : values)
    attrs.push_back(isa<FloatType>(elt) ? Attribute(FloatAttr::get(elt, v))
                                        : IntegerAttr::get(elt, int64_t(v)));
  return arith::ConstantOp::create(n.b(), n.loc(),
                                   DenseElementsAttr::get(type, attrs));
}

/// Linear resizing from the per-axis tables (none for axes left alone):
/// 2^R weighted taps for R resized axes.
Value buildLinearResize(NodeContext &n, Value x,
                        ArrayRef<std::optional<AxisTable>> tables) {
  IRBuilder &ir = n.ir();
  MLIRContext *ctx = n.ctx();
  int64_t rank = rankOf(x);
  Type elt = eltOf(x);
  SmallVector<OpFoldResult> outSizes;
  SmallVector<int64_t> resized;
  for (int64_t d = 0; d < rank; ++d) {
    if (tables[d]) {
      outSizes.push_back(ir.index(int64_t(tables[d]->index0.size())));
      resized.push_back(d);
    } else {
      outSizes.push_back(ir.size(x, d));
    }
  }
  // Inputs: per resized axis index0, index1 (i64) and the two weights;
  // each indexed by its output dimension.
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  Type i64 = n.b().getI64Type();
  for (int64_t d : resized) {
    const AxisTable &t = *tables[d];
    Value columns[] = {vectorConstant<int64_t>(n, i64, t.index0),
                       vectorConstant<int64_t>(n, i64, t.index1),
                       vectorConstant<double>(n, elt, t.weight0),
                       vectorConstant<double>(n, elt, t.weight1)};
    for (Value v : columns) {
      inputs.push_back(v);
      maps.push_back(AffineMap::get(rank, 0, getAffineDimExpr(d, ctx)));
    }
  }
  Value init = ir.empty(outSizes, elt);
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  constexpr int64_t perAxis = 4;
  auto body = [&](OpBuilder &b, Location l, ValueRange v) {
    SmallVector<Value> coords;
    for (int64_t d = 0; d < rank; ++d)
      coords.push_back(linalg::IndexOp::create(b, l, d));
    // Which of an axis' two neighbours each tap reads.
    auto index = [&](size_t axis, int which) {
      return arith::IndexCastOp::create(b, l, b.getIndexType(),
                                        v[axis * perAxis + which]);
    };
    Value sum;
    for (int64_t corner = 0; corner < (int64_t(1) << resized.size());
         ++corner) {
      Value weight;
      for (auto [i, d] : llvm::enumerate(resized)) {
        int which = (corner >> i) & 1;
        coords[d] = index(i, which);
        Value w = v[i * perAxis + 2 + which];
        weight = weight ? arith::MulFOp::create(b, l, weight, w).getResult()
                        : w;
      }
      Value tap = arith::MulFOp::create(
          b, l, weight, tensor::ExtractOp::create(b, l, x, coords));
      sum = sum ? arith::AddFOp::create(b, l, sum, tap).getResult() : tap;
    }
    linalg::YieldOp::create(b, l, sum);
  };
  return linalg::GenericOp::create(
             n.b(), n.loc(), TypeRange{init.getType()}, inputs,
             ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             body)
      .getResult(0);
}

/// Resizes input 0 with per-axis `scales` or `sizes` (one of the two, for
/// every axis of X after `axes` is applied).
LogicalResult resize(NodeContext &n, const ResizeMode &mode,
                     std::optional<std::vector<double>> scales,
                     std::optional<std::vector<int64_t>> sizes,
                     std::optional<std::vector<int64_t>> axesAttr,
                     StringRef policy) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  SmallVector<int64_t> axes;
  if (axesAttr) {
    // In the given order: scales and sizes follow it ([3, 2] is legal).
    for (int64_t a : *axesAttr) {
      std::optional<int64_t> d = n.axis(a, rank);
      if (!d)
        return failure();
      if (llvm::is_contained(axes, *d))
        return n.unsupported("axis " + Twine(a) + " is repeated in axes");
      axes.push_back(*d);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  size_t given = scales ? scales->size() : sizes->size();
  if (given != axes.size())
    return n.unsupported(Twine(scales ? "scales" : "sizes") + " has " +
                         Twine(given) + " elements for " + Twine(axes.size()) +
                         " axes");
  auto type = typeOf(x);
  // Single precision, as ONNX Runtime keeps them.
  std::vector<float> scale(rank, 1.0f);
  std::vector<int64_t> out(rank, ShapedType::kDynamic);
  for (int64_t d = 0; d < rank; ++d)
    out[d] = type.getDimSize(d);
  for (auto [i, d] : llvm::enumerate(axes)) {
    int64_t in = type.getDimSize(d);
    bool identity = scales ? (*scales)[i] == 1.0 : false;
    if (ShapedType::isDynamic(in)) {
      if (identity)
        continue;
      return n.unsupported("resizing dimension " + Twine(d) +
                           ", which is dynamic (it needs a static size)");
    }
    if (scales) {
      double s = (*scales)[i];
      if (!(s > 0) || !std::isfinite(s))
        return n.unsupported("scale " + llvm::formatv("{0}", s).str() +
                             " (scales must be positive and finite)");
      scale[d] = float(s);
      out[d] = int64_t(scale[d] * float(in));
    } else {
      int64_t size = (*sizes)[i];
      if (size <= 0)
        return n.unsupported("size " + Twine(size) + " (sizes must be positive)");
      scale[d] = float(size) / float(in);
      out[d] = size;
    }
  }
  if (sizes && policy != "stretch") {
    // One scale for every resized axis, the smallest or the largest.
    if (policy != "not_larger" && policy != "not_smaller")
      return n.unsupported("keep_aspect_ratio_policy '" + policy + "'");
    float s = scale[axes[0]];
    for (int64_t d : axes)
      s = policy == "not_larger" ? std::min(s, scale[d]) : std::max(s, scale[d]);
    for (int64_t d : axes) {
      scale[d] = s;
      out[d] = int64_t(s * float(type.getDimSize(d)) + 0.5f);
    }
  }
  SmallVector<std::optional<AxisTable>> tables(rank);
  for (int64_t d : axes) {
    int64_t in = type.getDimSize(d);
    if (ShapedType::isDynamic(in))
      continue;
    if (out[d] <= 0)
      return n.unsupported("an empty output along dimension " + Twine(d));
    // The reference leaves an axis alone when its scale is 1 and its size
    // unchanged.
    if (scale[d] == 1.0f && out[d] == in)
      continue;
    FailureOr<AxisTable> t = axisTable(n, mode, in, out[d], scale[d]);
    if (failed(t))
      return failure();
    tables[d] = std::move(*t);
  }
  if (llvm::none_of(tables, [](const auto &t) { return t.has_value(); })) {
    n.forward(0, 0);
    return success();
  }
  if (mode.linear) {
    n.setOutput(0, buildLinearResize(n, x, tables));
    return success();
  }
  // Nearest: a gather through the chosen indices.
  SmallVector<std::optional<std::vector<int64_t>>> chosen(rank);
  for (int64_t d = 0; d < rank; ++d)
    if (tables[d])
      chosen[d] = std::move(tables[d]->index0);
  n.setOutput(0, gatherByTables(n, x, chosen));
  return success();
}

/// The node's `mode`, "nearest" or "linear" (Upsample-7's "bilinear" is
/// linear; the others are refused by name), with Upsample's coordinates:
/// asymmetric, and ONNX Runtime's "simple" nearest (down when an axis
/// grows, up when it shrinks). Resize-11 and later take theirs from their
/// attributes.
FailureOr<ResizeMode> upsampleMode(NodeContext &n) {
  std::string mode = n.attrString("mode", "nearest");
  if (mode != "nearest" && mode != "linear" && mode != "bilinear")
    return n.unsupported("mode '" + mode + "' (nearest and linear are "
                         "supported)");
  ResizeMode m;
  m.linear = mode != "nearest";
  m.coordinates = "asymmetric";
  m.nearest = "simple";
  return m;
}

/// The float values of a constant input, or a located error.
FailureOr<std::vector<double>> floatsInput(NodeContext &n, int i,
                                           StringRef what) {
  const ConstTensor *t = n.constInput(i);
  std::optional<std::vector<double>> v = t ? t->toDoubles() : std::nullopt;
  if (!v)
    return n.unsupported(what + " must be a constant float tensor");
  return *v;
}

} // namespace

LogicalResult convertResize(NodeContext &n) {
  FailureOr<ResizeMode> upsample = upsampleMode(n);
  if (failed(upsample))
    return failure();
  ResizeMode mode = *upsample;
  if (n.opset() < 11) {
    // Resize-10 is Upsample-9 under another name.
    FailureOr<std::vector<double>> scales = floatsInput(n, 1, "scales");
    if (failed(scales))
      return failure();
    return resize(n, mode, *scales, std::nullopt, std::nullopt, "stretch");
  }
  mode.coordinates =
      n.attrString("coordinate_transformation_mode", "half_pixel");
  mode.nearest = n.attrString("nearest_mode", "round_prefer_floor");
  if (mode.coordinates == "tf_crop_and_resize")
    return n.unsupported("coordinate_transformation_mode 'tf_crop_and_resize' "
                         "(a crop by roi)");
  if (mode.coordinates == "tf_half_pixel_for_nn")
    return n.unsupported("coordinate_transformation_mode "
                         "'tf_half_pixel_for_nn' (removed in opset 13)");
  if (n.attrInt("antialias", 0) != 0)
    return n.unsupported("antialias=1");
  bool hasScales = n.hasInput(2) && n.constInput(2) &&
                   n.constInput(2)->numElements() > 0;
  bool hasSizes = n.hasInput(3);
  if (hasScales == hasSizes)
    return n.unsupported("exactly one of scales and sizes must be given");
  std::optional<std::vector<int64_t>> axes = n.attrInts("axes");
  std::string policy = n.attrString("keep_aspect_ratio_policy", "stretch");
  if (hasScales) {
    FailureOr<std::vector<double>> scales = floatsInput(n, 2, "scales");
    if (failed(scales))
      return failure();
    return resize(n, mode, *scales, std::nullopt, axes, policy);
  }
  FailureOr<std::vector<int64_t>> sizes = n.intsInput(3, "sizes");
  if (failed(sizes))
    return failure();
  return resize(n, mode, std::nullopt, *sizes, axes, policy);
}

LogicalResult convertUpsample(NodeContext &n) {
  FailureOr<ResizeMode> mode = upsampleMode(n);
  if (failed(mode))
    return failure();
  std::vector<double> scales;
  if (n.opset() < 9) {
    const onnx::AttributeProto *a = n.attr("scales");
    if (!a)
      return n.unsupported("the scales attribute is missing");
    scales.assign(a->floats().begin(), a->floats().end());
  } else {
    FailureOr<std::vector<double>> s = floatsInput(n, 1, "scales");
    if (failed(s))
      return failure();
    scales = std::move(*s);
  }
  return resize(n, *mode, scales, std::nullopt, std::nullopt, "stretch");
}

} // namespace qforge::onnx_import
