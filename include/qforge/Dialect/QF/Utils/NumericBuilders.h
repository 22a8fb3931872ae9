//===- NumericBuilders.h - The numeric core's formulas as IR ----*- C++ -*-===//
//
// One set of IR builders for the formulas every lowering of qf shares, on a
// scalar f32 or a vector<N x f32> alike (as upstream Quant's Utils build
// scalar-or-tensor IR): the reference lowering puts them in linalg.generic
// bodies, the CPU kernels apply them to vector registers, and the GPU
// kernels will use them next. Each is the op sequence of the numeric core
// (lib/Quant, docs/NUMERICS.md), so that every lowering is bit-exact with it
// and with the others.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_DIALECT_QF_UTILS_NUMERICBUILDERS_H
#define QFORGE_DIALECT_QF_UTILS_NUMERICBUILDERS_H

#include "qforge/Dialect/QF/IR/QFAttrs.h"
#include "qforge/Quant/Scheme.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace qforge::qf {

/// `value` as f32 in the shape of `like` (f32 or vector of f32): a constant,
/// broadcast for a vector.
mlir::Value f32Like(mlir::OpBuilder &b, mlir::Location loc, mlir::Type like,
                    float value);

/// The matmul epilogue's activation on f32 (scalar or vector): relu, exact
/// (erf) GELU 0.5 x (1 + erf(x / sqrt 2)), SiLU x / (1 + exp(-x)).
mlir::Value buildActivation(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value x, Activation act);

/// saturate(roundeven(x / scale) + zp) into [qmin, qmax], NaN -> zp, as i32
/// of x's shape (scale, zp: f32 of x's shape).
mlir::Value buildQuantizeToI32(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value x, mlir::Value scale,
                               mlir::Value zp, int64_t qmin, int64_t qmax);

/// (q - zp) * scale, all f32 of one shape.
mlir::Value buildDequantizeValue(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value q, mlir::Value zp,
                                 mlir::Value scale);

/// The f32 value of every code of a non-integer weight format (NF4's levels,
/// FP4 E2M1, FP8 E4M3FN / E5M2), indexed by code: the decode tables of every
/// lowering (lib/Quant's decoders); empty for an integer format.
llvm::SmallVector<float> codeValues(quant::WeightFormat format);

/// The weight format whose codes a float storage type holds (f8E4M3FN,
/// f8E5M2, f4E2M1FN); nullopt for any other type.
std::optional<quant::WeightFormat> floatCodeFormatOf(mlir::Type storage);

/// f32 -> the bits of a float code of `storage` (f8E4M3FN, f8E5M2,
/// f4E2M1FN), round to nearest even, saturating to the largest finite
/// value, NaN to the format's NaN code (+0 for FP4, which has none). `x` is
/// f32 or vector of f32; the result has `storage` as element type.
mlir::Value buildEncodeFloat(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value x, mlir::Type storage);

/// The NF4 code (i4 bits, of x's shape) nearest to x / scale: the number of
/// the core's thresholds strictly below it; NaN -> code 7 (level 0).
mlir::Value buildEncodeNF4(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value x, mlir::Value scale);

} // namespace qforge::qf

#endif
