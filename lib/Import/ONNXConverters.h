//===- ONNXConverters.h - The ONNX op converters ----------------*- C++ -*-===//
//
// Declarations of the converters that the op-type table (ONNXOps.cpp) maps
// ONNX operators to, one section per family file. Templates are defined and
// explicitly instantiated, for the arguments the table uses, in their family
// file. Internal to lib/Import.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_IMPORT_ONNXCONVERTERS_H
#define QFORGE_LIB_IMPORT_ONNXCONVERTERS_H

#include "Importer.h"

namespace qforge::onnx_import {

//===----------------------------------------------------------------------===//
// Elementwise (ONNXElementwise.cpp)
//===----------------------------------------------------------------------===//

/// Add, Sub, Mul, Div: `FOp` on floats, `IOp` on signless integers.
template <typename FOp, typename IOp>
LogicalResult convertBinary(NodeContext &n);
LogicalResult convertPow(NodeContext &n);

using UnaryFn = Value (*)(mlir::OpBuilder &, mlir::Location, Value);

/// A float unary op applying `fn` to each element.
template <UnaryFn fn> LogicalResult convertUnary(NodeContext &n);

// Scalar bodies for convertUnary.
Value sqrtFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value reluFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value sigmoidFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value tanhFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value erfFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value expFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value logFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value negFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value absFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value reciprocalFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value floorFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value ceilFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value softplusFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value softsignFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value signFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value sinFn(mlir::OpBuilder &b, mlir::Location l, Value x);
Value cosFn(mlir::OpBuilder &b, mlir::Location l, Value x);

LogicalResult convertGelu(NodeContext &n);
LogicalResult convertIdentity(NodeContext &n);
LogicalResult convertDropout(NodeContext &n);

//===----------------------------------------------------------------------===//
// Clipping activations, Min / Max, BatchNormalization (ONNXActivations.cpp)
//===----------------------------------------------------------------------===//

LogicalResult convertClip(NodeContext &n);
LogicalResult convertLeakyRelu(NodeContext &n);
/// HardSigmoid, or with `swish` HardSwish (x times HardSigmoid(x), alpha
/// 1/6).
template <bool swish> LogicalResult convertHardSigmoid(NodeContext &n);
template <bool isMax> LogicalResult convertMinMax(NodeContext &n);
LogicalResult convertPRelu(NodeContext &n);
/// Elu, or with `selu` Selu.
template <bool selu> LogicalResult convertElu(NodeContext &n);
/// Sum, or with `mean` Mean.
template <bool mean> LogicalResult convertSum(NodeContext &n);
LogicalResult convertBatchNorm(NodeContext &n);

//===----------------------------------------------------------------------===//
// Comparisons, logic, Where (ONNXLogical.cpp)
//===----------------------------------------------------------------------===//

/// Equal, Less, ...: `fp` on floats, `ip` on signed integers (unsigned on
/// bools); bool results.
template <mlir::arith::CmpFPredicate fp, mlir::arith::CmpIPredicate ip>
LogicalResult convertCompare(NodeContext &n);
LogicalResult convertNot(NodeContext &n);
/// And, Or, Xor on bools.
template <typename IOp> LogicalResult convertLogical(NodeContext &n);
LogicalResult convertWhere(NodeContext &n);

//===----------------------------------------------------------------------===//
// Shape values (ONNXShapeValues.cpp)
//===----------------------------------------------------------------------===//

LogicalResult convertShape(NodeContext &n);
LogicalResult convertConstantOfShape(NodeContext &n);
LogicalResult convertRange(NodeContext &n);
LogicalResult convertExpand(NodeContext &n);

//===----------------------------------------------------------------------===//
// Reductions and normalizations (ONNXReductions.cpp)
//===----------------------------------------------------------------------===//

enum class ReduceKind { Mean, Sum, Max, Min };

template <ReduceKind kind> LogicalResult convertReduce(NodeContext &n);
LogicalResult convertGlobalAveragePool(NodeContext &n);
LogicalResult convertGlobalMaxPool(NodeContext &n);
/// ArgMax (isMax) or ArgMin: int64 indices.
template <bool isMax> LogicalResult convertArgExtreme(NodeContext &n);
/// Softmax, or LogSoftmax (isLog).
template <bool isLog> LogicalResult convertSoftmax(NodeContext &n);
LogicalResult convertLayerNorm(NodeContext &n);
LogicalResult convertInstanceNorm(NodeContext &n);
LogicalResult convertGroupNorm(NodeContext &n);

//===----------------------------------------------------------------------===//
// Resize and Upsample (ONNXResize.cpp)
//===----------------------------------------------------------------------===//

LogicalResult convertResize(NodeContext &n);

//===----------------------------------------------------------------------===//
// Pad and Tile (ONNXPadTile.cpp)
//===----------------------------------------------------------------------===//

LogicalResult convertPad(NodeContext &n);
LogicalResult convertTile(NodeContext &n);
LogicalResult convertUpsample(NodeContext &n);

//===----------------------------------------------------------------------===//
// Matmuls (ONNXMatmul.cpp)
//===----------------------------------------------------------------------===//

LogicalResult convertMatMul(NodeContext &n);
LogicalResult convertGemm(NodeContext &n);

//===----------------------------------------------------------------------===//
// Convolution and pooling (ONNXConvPool.cpp)
//===----------------------------------------------------------------------===//

LogicalResult convertConv(NodeContext &n);
LogicalResult convertConvTranspose(NodeContext &n);
/// MaxPool (`isMax`) and AveragePool.
template <bool isMax> LogicalResult convertPool(NodeContext &n);

//===----------------------------------------------------------------------===//
// Shapes and data movement (ONNXShapeOps.cpp)
//===----------------------------------------------------------------------===//

LogicalResult convertReshape(NodeContext &n);
LogicalResult convertFlatten(NodeContext &n);
LogicalResult convertSqueeze(NodeContext &n);
LogicalResult convertUnsqueeze(NodeContext &n);
LogicalResult convertTranspose(NodeContext &n);
/// DepthToSpace (isDepthToSpace) or SpaceToDepth.
template <bool isDepthToSpace> LogicalResult convertDepthSpace(NodeContext &n);
LogicalResult convertConcat(NodeContext &n);
LogicalResult convertSplit(NodeContext &n);
LogicalResult convertSlice(NodeContext &n);
LogicalResult convertGather(NodeContext &n);
LogicalResult convertCast(NodeContext &n);
LogicalResult convertConstant(NodeContext &n);

//===----------------------------------------------------------------------===//
// Pre-quantized graphs (ONNXQuantOps.cpp)
//===----------------------------------------------------------------------===//

LogicalResult convertQuantizeLinear(NodeContext &n);
LogicalResult convertDequantizeLinear(NodeContext &n);
LogicalResult convertDynamicQuantizeLinear(NodeContext &n);
LogicalResult convertMatMulInteger(NodeContext &n);
LogicalResult convertQLinearMatMul(NodeContext &n);

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_IMPORT_ONNXCONVERTERS_H
