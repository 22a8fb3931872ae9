//===- Passes.td - qf transformation passes ----------------*- tablegen -*-===//
#ifndef QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD
#define QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QFImportQuant : Pass<"qf-import-quant", "mlir::ModuleOp"> {
  let summary = "Rewrite upstream quant.qcast/dcast/scast on !quant.uniform "
                "types into qf ops with constant scale tensors";
  let description = [{
    Converts every `!quant.uniform` type (per-tensor, per-axis and
    sub-channel) to its storage type (`iN` when signed, `uiN` when unsigned)
    throughout the module: function signatures, calls, returns and block
    arguments. `quant.qcast` becomes `qf.quantize` and `quant.dcast` becomes
    `qf.dequantize`, with the type's scales and zero points materialised as
    `arith.constant` tensors; `quant.scast` disappears (storage and quantized
    values are the same bits).

    Sub-channel types with more than one blocked dimension have their scales
    expanded along all but one blocked dimension, since qf layouts block one
    axis (like ONNX); the numbers are unchanged.
  }];
  let dependentDialects = [
    "::qforge::qf::QFDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect"
  ];
}

def QFLowerToReference : Pass<"qf-lower-to-reference", "mlir::ModuleOp"> {
  let summary = "Lower qf ops to linalg/arith/math on tensors with the "
                "numeric core's exact semantics";
  let description = [{
    Every qf op becomes `linalg.generic`s on tensors that compute exactly what
    `lib/Quant` computes: round half to even, saturation, NaN to the zero
    point for integer storage, float8/FP4 encoding by bit manipulation (RNE,
    saturating to the largest finite value), NF4 by nearest level.
    `qf.observe` is dropped. Unsigned integer element types (`uiN`) are
    rewritten to signless ones in the whole module afterwards, since their
    meaning has been consumed by the lowering and upstream dialects want
    signless integers.

    This is the slow, obviously-correct path that every optimised kernel is
    checked against.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD
