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

def QFInsertObservers : Pass<"qf-insert-observers", "mlir::ModuleOp"> {
  let summary = "Insert qf.observe calibration taps on the activation input "
                "(and optionally the output) of every matmul-like op";
  let description = [{
    For every matmul-like op (linalg.matmul and its transposed forms,
    batch_matmul, contraction linalg.generics, qf.matmul) named `<layer>` by
    `qforge::qf::getLayerNames`, observes the activation input (operand 0,
    the lhs) as `<layer>.input`, and with `outputs=true` the result as
    `<layer>.output`. Only float ranked tensors are observed. Idempotent: a
    value already observed under the same id is not observed again. When the
    contraction dimension is not the lhs's last dimension (a transposed lhs),
    the observer carries `qf.channel_dim` so that per-channel statistics and
    X^T X are taken over the contraction dimension.
  }];
  let options = [
    Option<"outputs", "outputs", "bool", /*default=*/"false",
           "Also observe each matmul's result as `<layer>.output`">
  ];
  let dependentDialects = ["::qforge::qf::QFDialect"];
}

#endif // QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD
