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
    (sign-extend, multiply, add adjacent pairs: LLVM selects `vpmaddwd` on
    AVX2).

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

def QFPackWeights : Pass<"qf-pack-weights", "mlir::ModuleOp"> {
  let summary = "Repack constant quantized weights and scales into the CPU "
                "kernels' layout";
  let description = [{
    For each `qf.matmul` whose weight, scales and zero points are constants
    (`arith.constant`), writes a private constant `memref.global` holding the
    weights in the layout the CPU kernel streams: tiles of NR output rows;
    per tile and group a header of NR f32 scales (and NR f32 zero terms
    scale * zero_point for asymmetric and offset-stored symmetric codes),
    followed by K blocks in which each row's codes are packed (int4/NF4/FP4 two
    per byte, int2 four per byte, 8-bit one per byte) and interleaved so that
    one vector load and a shift/mask yield consecutive K elements. The op gets
    a `qf.cpu.packed` attribute naming the global and the layout;
    `--qf-lower-to-cpu` then ignores the (now dead) weight operand.
    Weights that cannot be packed (non-constant, group size not a multiple of
    the block) are left alone and lowered from their unpacked layout.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "Code generation target (#qf.target text)">
  ];
  let dependentDialects = [
    "::mlir::memref::MemRefDialect"
  ];
}

def QFLowerCPULookups : Pass<"qf-lower-cpu-lookups", "mlir::func::FuncOp"> {
  let summary = "Turn 16-entry table lookups of the CPU kernels into "
                "register permutes";
  let description = [{
    The kernels decode NF4 and FP4 codes with `vector.gather` from a constant
    16-entry f32 table (a `memref.get_global` of a constant global). On x86
    with AVX2 and 8-lane vectors, each such gather becomes two `vpermps`
    (`llvm.x86.avx2.permps` on the table's halves, held in registers) and a
    select on `index > 7`: about four instructions instead of an 8-element
    memory gather. Other targets keep the gather.

    Runs after bufferization (the intrinsic call has no memory-effect model,
    which the buffer deallocation passes require), before vector to LLVM.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "Code generation target (#qf.target text)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // QFORGE_CONVERSION_QFTOCPU_PASSES_TD
