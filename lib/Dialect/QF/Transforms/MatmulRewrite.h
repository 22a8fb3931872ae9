//===- MatmulRewrite.h - Shared pieces of the quantizing rewrites -*- C++ -*-===//
//
// Matching a float matmul with a constant weight, and building the constants
// and activation scaling of its qf.matmul replacement: used by --qf-quantize,
// --qf-import-weights and --qf-float-matmul-to-kernel.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_DIALECT_QF_TRANSFORMS_MATMULREWRITE_H
#define QFORGE_LIB_DIALECT_QF_TRANSFORMS_MATMULREWRITE_H

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/Transforms/MatchMatmul.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace qforge::qf::rewrite {

/// Codes as the numeric core holds them (integer values, or float bit
/// codes) in a constant of `type`.
mlir::DenseElementsAttr codesAttr(mlir::RankedTensorType type,
                                  const std::vector<int32_t> &codes);

/// Floats in a constant of `type` (f32, f16 or bf16 elements).
mlir::DenseElementsAttr floatsAttr(mlir::RankedTensorType type,
                                   llvm::ArrayRef<float> values);

/// Erases the pure, now unused producers of `v`, walking up their operands.
void eraseDeadChain(mlir::IRRewriter &b, mlir::Value v);

/// lhs / s along its last dimension (AWQ and SmoothQuant activation scaling).
mlir::Value scaleActivations(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value lhs, llvm::ArrayRef<float> s);

/// Replaces `op` (matched as `match`) by a qf.matmul of the given weight
/// operands under `scheme`, marked with `algorithm` (in a `qf.algorithm`
/// attribute; none when empty, as for float weights). A non-empty `divisor`
/// scales the activations first (lhs / divisor, see scaleActivations); a
/// `lhsScale` becomes the static activation scale. The float weight and a
/// zero accumulator that became dead are erased.
qforge::qf::MatmulOp replaceWithQfMatmul(
    mlir::IRRewriter &b, mlir::Operation *op, const MatchedMatmul &match,
    qforge::qf::SchemeAttr scheme, mlir::Value weight, mlir::Value scale,
    mlir::Value zeroPoint, llvm::ArrayRef<float> divisor,
    std::optional<float> lhsScale, llvm::StringRef algorithm);

/// The attribute marking the activation-scaling linalg.generic.
inline constexpr llvm::StringLiteral kActivationScalingAttr =
    kActivationScalingAttrName;

} // namespace qforge::qf::rewrite

#endif
