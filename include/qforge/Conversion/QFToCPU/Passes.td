//===- Passes.td - qf to CPU kernel passes -----------------*- tablegen -*-===//
#ifndef QFORGE_CONVERSION_QFTOCPU_PASSES_TD
#define QFORGE_CONVERSION_QFTOCPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def QFLowerToCPU : Pass<"qf-lower-to-cpu", "mlir::ModuleOp"> {
  let summary = "Lower qf.matmul to fused vector kernels (dequantize in "
                "registers, epilogue on the accumulators)";
  let description = [{
    Every `qf.matmul` with static N and K (any M, dynamic included; batch
    dimensions are folded into M) becomes loops over the vector dialect:
    weight tiles are read and dequantized in registers inside the K loop
    (never a dequantized copy of W in memory), group scales are applied to
    per-group vector accumulators, and bias, activation, residual and
    requantization are applied on the reduced accumulators before a masked
    store. Weight-only schemes accumulate in f32; `a8w8` schemes quantize the
    activations per row (dynamic) or with the static scale into an
    activation-sized int8 buffer and accumulate int8 products exactly in i32
    (AVX2 `vpmaddwd` when the target has AVX2, portable vector code
    otherwise).

    Weights packed by `--qf-pack-weights` (a `qf.cpu.packed` attribute on the
    op) are read from the packed global instead of the weight operand.

    Any other qf op (quantize, dequantize, dynamic_quantize, observe) takes the
    reference lowering (`--qf-lower-to-reference`), which also makes unsigned
    integer types signless module-wide. Operands are bridged with
    `bufferization.to_buffer` / `to_tensor`; run One-Shot Bufferize after.
    See docs/KERNELS.md.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "Code generation target, as in #qf.target<\"...\"> (host, "
           "x86_64:znver3+avx2+fma, aarch64+neon, ...): vector width and "
           "instruction choice">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::ub::UBDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // QFORGE_CONVERSION_QFTOCPU_PASSES_TD
