//===- QFOps.cpp - qf operation verifiers --------------------------------===//

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/StorageTypes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace qforge;
using namespace qforge::qf;

namespace {

/// Dimensions that are both static and different.
bool mismatch(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string out = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      out += ", ";
    out += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return out + "]";
}

bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (mismatch(x, y))
      return false;
  return true;
}

/// Shared by quantize and dequantize: storage type, zero point, and the
/// ONNX-style scale layout (per tensor / per axis / blocked).
LogicalResult verifyQuantLayout(Operation *op, RankedTensorType data,
                                Type storage, RankedTensorType scale,
                                Value zeroPoint, std::optional<int64_t> axis,
                                std::optional<int64_t> blockSize,
                                std::optional<Codebook> codebook) {
  if (codebook) {
    auto intType = dyn_cast<IntegerType>(storage);
    if (!intType || !intType.isUnsigned() || intType.getWidth() != 4)
      return op->emitOpError("with codebook '")
             << stringifyCodebook(*codebook)
             << "' needs 'ui4' storage, got " << storage;
  } else if (!isStorageType(storage)) {
    return op->emitOpError("storage element type must be i8, ui8, i4, ui4, "
                           "i2, ui2, f8E4M3FN, f8E5M2 or f4E2M1FN, got ")
           << storage;
  }
  if (zeroPoint) {
    if (codebook || isFloatStorage(storage))
      return op->emitOpError("takes no zero point with ")
             << (codebook ? "a codebook" : "float storage");
    auto zpType = cast<RankedTensorType>(zeroPoint.getType());
    if (zpType.getElementType() != storage)
      return op->emitOpError("zero point element type ")
             << zpType.getElementType() << " must be the storage type "
             << storage;
    if (!shapesCompatible(zpType.getShape(), scale.getShape()))
      return op->emitOpError("zero point shape ")
             << shapeStr(zpType.getShape()) << " must match the scale shape "
             << shapeStr(scale.getShape());
  }

  int64_t rank = data.getRank();
  if (blockSize && !axis)
    return op->emitOpError("'block_size' needs an 'axis'");
  if (!axis) {
    if (scale.getRank() != 0)
      return op->emitOpError("per-tensor scale must be rank 0, got shape ")
             << shapeStr(scale.getShape())
             << " (set 'axis' for per-axis or blocked scales)";
    return success();
  }
  if (*axis < 0 || *axis >= rank)
    return op->emitOpError("axis ") << *axis << " is out of range for rank "
                                    << rank;
  int64_t dim = data.getDimSize(*axis);
  if (!blockSize) {
    if (scale.getRank() != 1 || mismatch(scale.getDimSize(0), dim))
      return op->emitOpError("per-axis scale must have shape [")
             << (ShapedType::isDynamic(dim) ? std::string("?")
                                            : std::to_string(dim))
             << "] (dimension " << *axis << " of the data), got "
             << shapeStr(scale.getShape());
    return success();
  }
  if (*blockSize <= 0)
    return op->emitOpError("block_size must be positive, got ") << *blockSize;
  SmallVector<int64_t> expected(data.getShape());
  if (!ShapedType::isDynamic(dim))
    expected[*axis] = llvm::divideCeil(dim, *blockSize);
  if (!shapesCompatible(scale.getShape(), expected))
    return op->emitOpError("blocked scale must have shape ")
           << shapeStr(expected) << " (dimension " << *axis
           << " divided by block_size " << *blockSize << ", rounded up), got "
           << shapeStr(scale.getShape());
  return success();
}

} // namespace

LogicalResult QuantizeOp::verify() {
  auto input = getInput().getType();
  auto result = getResult().getType();
  if (!shapesCompatible(input.getShape(), result.getShape()))
    return emitOpError("result shape ")
           << shapeStr(result.getShape()) << " must match the input shape "
           << shapeStr(input.getShape());
  return verifyQuantLayout(*this, input, result.getElementType(),
                           getScale().getType(), getZeroPoint(), getAxis(),
                           getBlockSize(), getCodebook());
}

LogicalResult DequantizeOp::verify() {
  auto input = getInput().getType();
  auto result = getResult().getType();
  if (!shapesCompatible(input.getShape(), result.getShape()))
    return emitOpError("result shape ")
           << shapeStr(result.getShape()) << " must match the input shape "
           << shapeStr(input.getShape());
  return verifyQuantLayout(*this, input, input.getElementType(),
                           getScale().getType(), getZeroPoint(), getAxis(),
                           getBlockSize(), getCodebook());
}

LogicalResult DynamicQuantizeOp::verify() {
  auto input = getInput().getType();
  auto result = getResult().getType();
  if (!shapesCompatible(input.getShape(), result.getShape()))
    return emitOpError("result shape ")
           << shapeStr(result.getShape()) << " must match the input shape "
           << shapeStr(input.getShape());
  SmallVector<int64_t> scaleShape;
  if (getPerRow()) {
    if (input.getRank() < 1)
      return emitOpError("'per_row' needs an input of rank >= 1");
    scaleShape.assign(input.getShape().begin(), input.getShape().end() - 1);
  }
  if (!shapesCompatible(getScale().getType().getShape(), scaleShape))
    return emitOpError("scale must have shape ")
           << shapeStr(scaleShape) << ", got "
           << shapeStr(getScale().getType().getShape());
  auto zp = getZeroPoint().getType();
  if (!shapesCompatible(zp.getShape(), scaleShape))
    return emitOpError("zero point must have shape ")
           << shapeStr(scaleShape) << ", got " << shapeStr(zp.getShape());
  if (zp.getElementType() != result.getElementType())
    return emitOpError("zero point element type ")
           << zp.getElementType() << " must match the result's "
           << result.getElementType();
  return success();
}

LogicalResult ObserveOp::verify() {
  if (getId().empty())
    return emitOpError("needs a non-empty id");
  return success();
}

LogicalResult MatmulOp::verify() {
  SchemeAttr schemeAttr = getScheme();
  const quant::Scheme &scheme = schemeAttr.getScheme();
  std::string schemeName = "'" + scheme.str() + "'";
  auto lhs = getLhs().getType();
  auto weight = getWeight().getType();
  auto result = getResult().getType();

  if (lhs.getRank() < 2)
    return emitOpError("lhs must have rank >= 2 ([..., M, K]), got rank ")
           << lhs.getRank();
  if (weight.getRank() != 2)
    return emitOpError("weight must be [N, K], got rank ") << weight.getRank();
  int64_t n = weight.getDimSize(0), k = weight.getDimSize(1);
  if (mismatch(lhs.getShape().back(), k))
    return emitOpError("reduction sizes differ: lhs has K = ")
           << lhs.getShape().back() << ", weight has K = " << k;

  SmallVector<int64_t> resultShape(lhs.getShape());
  resultShape.back() = n;
  if (!shapesCompatible(result.getShape(), resultShape))
    return emitOpError("result shape must be ")
           << shapeStr(resultShape) << ", got " << shapeStr(result.getShape());

  // Weights and their scales.
  Type storage = schemeAttr.getWeightStorageType();
  if (scheme.isFloat()) {
    if (!isa<FloatType>(weight.getElementType()))
      return emitOpError("scheme 'f32' needs float weights, got ")
             << weight.getElementType();
    if (getWeightScale() || getWeightZeroPoint())
      return emitOpError("scheme 'f32' takes no weight scale or zero point");
  } else {
    if (weight.getElementType() != storage)
      return emitOpError("scheme ")
             << schemeName << " stores weights as " << storage << ", got "
             << weight.getElementType();
    if (!getWeightScale())
      return emitOpError("scheme ") << schemeName << " needs a weight scale";
    auto scale = getWeightScale().getType();
    if (scale.getElementType() != schemeAttr.getScaleElementType())
      return emitOpError("scheme ")
             << schemeName << " has " << schemeAttr.getScaleElementType()
             << " scales, got " << scale.getElementType();
    SmallVector<int64_t> expected;
    switch (scheme.granularity) {
    case quant::Granularity::Tensor:
      break;
    case quant::Granularity::Channel:
      expected = {n};
      break;
    case quant::Granularity::Group:
      expected = {n, ShapedType::isDynamic(k)
                         ? ShapedType::kDynamic
                         : int64_t(llvm::divideCeil(k, scheme.groupSize))};
      break;
    }
    if (!shapesCompatible(scale.getShape(), expected))
      return emitOpError("scheme ")
             << schemeName << " needs weight scales of shape "
             << shapeStr(expected) << ", got " << shapeStr(scale.getShape());
    if (scheme.symmetric && getWeightZeroPoint())
      return emitOpError("scheme ")
             << schemeName << " is symmetric and takes no zero point";
    if (!scheme.symmetric) {
      if (!getWeightZeroPoint())
        return emitOpError("scheme ")
               << schemeName << " is asymmetric and needs a zero point";
      auto zp = getWeightZeroPoint().getType();
      if (zp.getElementType() != storage ||
          !shapesCompatible(zp.getShape(), scale.getShape()))
        return emitOpError("zero point must be a tensor of ")
               << storage << " with the scales' shape "
               << shapeStr(scale.getShape());
    }
  }

  // Activations.
  bool intLhs = isa<IntegerType>(lhs.getElementType());
  auto lhsScale = getLhsScale();
  if (scheme.activation == quant::ActivationMode::None) {
    if (intLhs || lhsScale)
      return emitOpError("scheme ")
             << schemeName
             << " is weight-only: lhs must be float and take no lhs_scale";
  } else if (intLhs) {
    if (!lhsScale)
      return emitOpError("an i8 lhs needs its lhs_scale");
    SmallVector<int64_t> perRow(lhs.getShape().drop_back());
    auto shape = lhsScale.getType().getShape();
    if (!(shape.empty() || shapesCompatible(shape, perRow)))
      return emitOpError("lhs_scale must be rank 0 or per row ")
             << shapeStr(perRow) << ", got " << shapeStr(shape);
  } else if (scheme.activation == quant::ActivationMode::Static) {
    if (!lhsScale || lhsScale.getType().getRank() != 0)
      return emitOpError("static scheme ")
             << schemeName << " needs a rank-0 lhs_scale";
  } else if (lhsScale) {
    return emitOpError("dynamic scheme ")
           << schemeName
           << " computes activation scales at run time; remove lhs_scale";
  }

  // Epilogue.
  if (auto bias = getBias()) {
    auto shape = bias.getType().getShape();
    if (shape.size() != 1 || mismatch(shape[0], n))
      return emitOpError("bias must have shape [")
             << n << "], got " << shapeStr(shape);
  }
  if (auto residual = getResidual())
    if (!shapesCompatible(residual.getType().getShape(), resultShape))
      return emitOpError("residual must have the result's shape ")
             << shapeStr(resultShape);
  Type resultElt = result.getElementType();
  if (auto outScale = getOutputScale()) {
    if (outScale.getType().getRank() != 0)
      return emitOpError("output_scale must be rank 0");
    auto intType = dyn_cast<IntegerType>(resultElt);
    if (!intType || intType.getWidth() != 8 || intType.isSigned())
      return emitOpError("a requantized result must be i8 or ui8, got ")
             << resultElt;
    if (auto outZp = getOutputZeroPoint())
      if (outZp.getType().getRank() != 0 ||
          outZp.getType().getElementType() != resultElt)
        return emitOpError("output_zero_point must be a rank-0 tensor of ")
               << resultElt;
  } else {
    if (getOutputZeroPoint())
      return emitOpError("output_zero_point needs an output_scale");
    if (!isa<FloatType>(resultElt))
      return emitOpError("result must be float unless output_scale is given, "
                         "got ")
             << resultElt;
  }
  return success();
}

#define GET_OP_CLASSES
#include "qforge/Dialect/QF/IR/QFOps.cpp.inc"
