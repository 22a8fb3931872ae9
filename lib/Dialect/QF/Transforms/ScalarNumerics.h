//===- ScalarNumerics.h - Scalar IR for the numeric core's math -*- C++ -*-===//
//
// Builders for the scalar arith/math IR that the reference lowering puts in
// linalg.generic bodies. Each mirrors one function of lib/Quant bit for bit
// (docs/NUMERICS.md): the reference lowering is only as good as this match.
// All arithmetic is in f32; integer results are returned as signless values
// of the storage width. The formulas themselves (quantize, dequantize,
// float and NF4 encoding, the decode tables' values) are the shared
// builders of qforge/Dialect/QF/Utils/NumericBuilders.h.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_DIALECT_QF_TRANSFORMS_SCALARNUMERICS_H
#define QFORGE_LIB_DIALECT_QF_TRANSFORMS_SCALARNUMERICS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

namespace qforge::qf::reference {

/// f32 constant.
mlir::Value f32(mlir::OpBuilder &b, mlir::Location loc, float value);

/// Any float (f16, bf16, f32) widened to f32.
mlir::Value toF32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value);

/// An integer storage value (signless bits of `storage`, which may be
/// unsigned) as f32.
mlir::Value intToF32(mlir::OpBuilder &b, mlir::Location loc, mlir::Value bits,
                     mlir::Type storage);

/// saturate(roundeven(x / scale) + zp) into `storage` (iN or uiN); NaN -> zp.
/// `zp` is f32. Returns signless bits of the storage width.
mlir::Value quantizeInt(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        mlir::Value scale, mlir::Value zp, mlir::Type storage);

/// (q - zp) * scale, all f32 in, f32 out (q and zp already converted).
mlir::Value dequantize(mlir::OpBuilder &b, mlir::Location loc, mlir::Value q,
                       mlir::Value zp, mlir::Value scale);

/// Exact decode of a float storage value to f32 (table lookup; `table` is a
/// tensor<2^bits x f32> built by makeDecodeTable outside the loop).
mlir::Value decodeFloat(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value value, mlir::Value table);

/// Constant tensor<2^bits x f32> holding the value of every code of a float
/// storage type (codeValues).
mlir::Value makeDecodeTable(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Type storage);

/// Constant tensor<16xf32> of the NF4 levels.
mlir::Value makeNF4Table(mlir::OpBuilder &b, mlir::Location loc);

/// NF4 level of a code (i4 bits) from the table.
mlir::Value decodeNF4(mlir::OpBuilder &b, mlir::Location loc, mlir::Value code,
                      mlir::Value table);

} // namespace qforge::qf::reference

#endif
