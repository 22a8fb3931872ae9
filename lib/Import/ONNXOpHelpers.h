//===- ONNXOpHelpers.h - Helpers shared by ONNX op converters ---*- C++ -*-===//
//
// Small helpers that several op families (ONNX<Family>.cpp) use, in
// qforge::onnx_import::detail: tensor type accessors, scalar constants,
// elementwise emission and axis normalization (ONNXOpHelpers.cpp), and the
// few pieces one family lends to another: divideBy (ONNXReductions.cpp) and
// the matmul builders (ONNXMatmul.cpp), used by convolution, pooling and the
// integer matmuls. Internal to lib/Import.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_IMPORT_ONNXOPHELPERS_H
#define QFORGE_LIB_IMPORT_ONNXOPHELPERS_H

#include "Importer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <vector>
#include <string>

namespace qforge::onnx_import::detail {

using BodyFn = IRBuilder::BodyFn;

//===----------------------------------------------------------------------===//
// Types and constants
//===----------------------------------------------------------------------===//

inline mlir::RankedTensorType typeOf(Value v) {
  return mlir::cast<mlir::RankedTensorType>(v.getType());
}
inline int64_t rankOf(Value v) { return typeOf(v).getRank(); }
inline mlir::Type eltOf(Value v) { return typeOf(v).getElementType(); }

/// The ONNX name of an element type ("FLOAT", ...), "?" for others.
std::string typeName(mlir::Type t);

inline mlir::TypedAttr floatAttr(mlir::Type t, double v) {
  return mlir::FloatAttr::get(t, v);
}

/// A scalar float arith.constant of type `t`.
inline Value fconst(mlir::OpBuilder &b, mlir::Location l, mlir::Type t,
                    double v) {
  return mlir::arith::ConstantOp::create(b, l, mlir::FloatAttr::get(t, v));
}

//===----------------------------------------------------------------------===//
// Node helpers (ONNXOpHelpers.cpp)
//===----------------------------------------------------------------------===//

/// Output 0 of `n` as a broadcasting elementwise op over `ins`; an
/// unsupported-node failure when the shapes do not broadcast.
LogicalResult emitElementwise(NodeContext &n, mlir::ValueRange ins,
                              mlir::Type outElt, BodyFn body);

/// Fails (unsupported) unless `elt` is a float or a signed, non-bool
/// integer: the types of the arithmetic ops.
LogicalResult requireFloatOrSignedInt(NodeContext &n, mlir::Type elt);

/// Input `i`, a per-channel parameter [C] with `x`'s element type, as
/// [C, 1, ...]: it broadcasts along axis 1 of `x` [N, C, D...]
/// (BatchNormalization, InstanceNormalization).
mlir::FailureOr<Value> perChannelInput(NodeContext &n, int i, Value x);

/// Sorted, unique, normalized axes.
std::optional<llvm::SmallVector<int64_t>>
normalizeAxes(NodeContext &n, llvm::ArrayRef<int64_t> axes, int64_t rank);

//===----------------------------------------------------------------------===//
// Lent by one family to others
//===----------------------------------------------------------------------===//

/// `x` (a reduction result) divided by a scalar (ONNXReductions.cpp).
Value divideBy(NodeContext &n, Value x, Value scalar);

/// y[o...] = x[tables[d][o_d]...]: axes with a table (source indices,
/// computed at import time) read through it, the others one to one; one
/// generic (ONNXPadTile.cpp: Pad, Tile; nearest Resize).
Value gatherByTables(NodeContext &n, Value x,
                     llvm::ArrayRef<std::optional<std::vector<int64_t>>> tables);

// Matmul builders (ONNXMatmul.cpp).

/// A zero-filled tensor of `sizes` x `elt` (float or integer).
Value zeroFilled(NodeContext &n, llvm::ArrayRef<OpFoldResult> sizes,
                 mlir::Type elt);
/// acc + lhs * rhs, float or integer: the body of a contraction generic.
void contractionBody(mlir::OpBuilder &b, mlir::Location l, mlir::ValueRange v);
/// lhs [rows..., K] times a 2-D weight [K, N] (or [N, K] with `transB`).
mlir::FailureOr<Value> matmulWithMatrix(NodeContext &n, Value lhs, Value w,
                                        bool transB);
/// numpy matmul with broadcast batch dims (B rank >= 3).
mlir::FailureOr<Value> batchedMatmul(NodeContext &n, Value a, Value b);

/// The external `void name(i64 x numArgs)` through which generated code
/// reports an invalid run-time input (include/qforge-c/qforge_errors.h),
/// declared once in `module`.
mlir::func::FuncOp runtimeReportFunction(mlir::ModuleOp module,
                                         llvm::StringRef name,
                                         unsigned numArgs);

} // namespace qforge::onnx_import::detail

#endif // QFORGE_LIB_IMPORT_ONNXOPHELPERS_H
