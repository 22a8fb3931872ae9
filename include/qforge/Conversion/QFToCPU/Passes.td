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

    Which kernel runs each op is not decided here: the op's `qf.cpu.kernel`
    (a `#qf.cpu_kernel` written by `--qf-cpu-select-kernels`, autoquant or by
    hand) names it, and an op without one, or with one that cannot run it
    on the module's `#qf.target` (`qf.target`, the host when absent), is an
    error. Packed layouts are read from the global `--qf-pack-weights`
    wrote (the op's `qf.cpu.packed`), checked against the config.

    The `int8_activations` kernel (packed 4- and 8-bit integer, NF4 and FP4
    weights, groups of a multiple of 64 / 32, or per channel; every M): activations are quantized to int8 per weight group
    (symmetric, round to nearest even) and multiplied with the unsigned codes
    exactly in i32 (`vpmaddubsw` + `vpmaddwd` on AVX2; 8-bit codes as two
    nibbles), then scaled per group in f32. NF4 / FP4 codes multiply as
    their codebook rounded to int8 (`vpshufb`; levels within step/2 of the
    values, step = max|value| / 127). This is the arithmetic of ONNX
    Runtime's MatMulNBits at accuracy_level=4: the result differs from the
    f32-activation one by at most sum_k |W| * s_x / 2 per output.

    The outer loop over (N tile, block of 64 lhs rows) pairs is an
    `scf.parallel` marked `qf.cpu.parallel_grain` (the fewest iterations worth
    one thread-pool task); `--qf-cpu-outline-parallel` and
    `--qf-cpu-parallel-to-llvm` run it on the runtime's thread pool.

    Any other qf op (quantize, dequantize, dynamic_quantize, observe) takes
    the reference lowering (`qforge::qf::lowerToReference`, the function
    `--qf-lower-to-reference` runs), which also makes unsigned integer types
    signless module-wide. Operands are bridged with
    `bufferization.to_buffer` / `to_tensor`; run One-Shot Bufferize after.
    See docs/KERNELS.md.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::arm_neon::ArmNeonDialect",
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

def QFCPUSelectKernels : Pass<"qf-cpu-select-kernels", "mlir::ModuleOp"> {
  let summary = "Choose the CPU kernel of every qf.matmul and record it as a "
                "#qf.cpu_kernel";
  let description = [{
    The one place where the CPU backend decides how a `qf.matmul` runs
    (docs/KERNELS.md "Kernel selection"). For each op without a
    `qf.cpu.kernel` attribute, writes one from the op's scheme, shape and
    constness and the module's `#qf.target` (the host when absent):

    - `kind`: `int8` for a8w8 schemes; `int8_activations` for 4- and 8-bit
      integer, NF4 and FP4 weights (groups of a multiple of the kernel's
      block, or per channel / tensor) when the `int8-activations` policy
      says so and the weights are constants; `float` otherwise;
    - `layout`: packed (`tiled`, `lookup` for NF4/FP4 on targets with
      register lookups, `dot` for `int8_activations`) when the weight, its
      scales and zero points are constants and the group size is a multiple
      of a block that fits the vector width; `unpacked` otherwise;
    - `nr`, `kb`: the target's tile rows and the block;
    - `large_m`: the row count from which the large-M GEMM kernel runs (0
      when it cannot read the weights).

    With `pack=false` every config is `unpacked` (and no op takes the
    int8-activation kernel, which reads packed weights only).

    Configs already present (written by hand or by autoquant) are kept as
    they are; `--qf-pack-weights` and `--qf-lower-to-cpu` check that they
    can run.
  }];
  let options = [
    Option<"int8Activations", "int8-activations",
           "::qforge::cpu::Int8ActivationPolicy",
           /*default=*/"::qforge::cpu::Int8ActivationPolicy::Never",
           "Where weight-only 4- and 8-bit, NF4 and FP4 matmuls quantize "
           "their activations to int8 (per weight group, at run time) and use "
           "int8 dot products, as MatMulNBits accuracy_level=4: faster, "
           "within the activation rounding of the f32 result",
           [{::llvm::cl::values(
             clEnumValN(::qforge::cpu::Int8ActivationPolicy::Never, "never",
                        "f32 activations everywhere"),
             clEnumValN(::qforge::cpu::Int8ActivationPolicy::Always, "always",
                        "every matmul whose weights the kernel takes"),
             clEnumValN(::qforge::cpu::Int8ActivationPolicy::Auto, "auto",
                        "as always, on targets with native int8 dot "
                        "products (AVX2, VNNI, AArch64 dotprod)"))}]>,
    Option<"pack", "pack", "bool", /*default=*/"true",
           "Choose packed layouts for constant weights; false keeps every "
           "weight in its operand layout (unpacked kernels)">
  ];
  let dependentDialects = ["::qforge::qf::QFDialect"];
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
    The layout (tile rows, block, order) is the one the op's `qf.cpu.kernel`
    names (`--qf-cpu-select-kernels`); ops whose config is `unpacked` are
    left alone, and one whose config is packed but whose weights are not
    readable constants is an error.
  }];
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

    Also on AVX2: the kernels' adjacent-pair sums of byte products tagged
    `qf.cpu.maddubs` (u8 x s8 pairs into i16, whose range the kernel
    guarantees) become `vpmaddubsw`, and i16 pair sums tagged
    `qf.cpu.pair_sum` become `vpmaddwd` with ones. With VNNI as well
    (`avxvnni`, `avx512vnni` or `vnni`), the 4-byte sums of u8 x s8 products
    tagged `qf.cpu.dpbusd` become `vpdpbusd`
    (`llvm.x86.avx512.vpdpbusd.256`), together with the add of the i32
    accumulator they feed. Other targets keep the plain vector ops, which
    compute the same values.

    The target is the enclosing module's `#qf.target` (the host when absent).
    Runs after bufferization (the intrinsic call has no memory-effect model,
    which the buffer deallocation passes require), before vector to LLVM.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def QFOutlineParallel : Pass<"qf-cpu-outline-parallel", "mlir::ModuleOp"> {
  let summary = "Outline the CPU kernels' parallel loops into functions over "
                "an iteration range";
  let description = [{
    Every `scf.parallel` that `--qf-lower-to-cpu` marked with
    `qf.cpu.parallel_grain` (the kernels' loop over N tiles and M blocks)
    becomes a private function `@<func>_parallel<i>(%begin: index, %end:
    index, <captured values>)` running the iterations [begin, end) in order
    with an `scf.for`, and a `func.call` of it over the whole range. The
    function keeps the grain attribute; `--qf-cpu-parallel-to-llvm` later
    turns the call into a call through the runtime's parallel-for hook.
    Constants and other operand-free pure ops are cloned into the function
    instead of being passed. Runs on memrefs (after `--qf-lower-to-cpu`,
    before or after bufferization).
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def QFShareKernels : Pass<"qf-cpu-share-kernels", "mlir::ModuleOp"> {
  let summary = "Merge the outlined kernel functions that differ only in the "
                "constant globals they read, passing those as arguments";
  let description = [{
    Runs on the LLVM dialect, before `--qf-cpu-parallel-to-llvm`. A model
    whose layers share a shape (N transformer blocks, a stack of equal
    layers) lowers to one kernel function per layer, identical but for the
    weights, scales and biases each reads through `llvm.mlir.addressof` of
    its own constant global; LLVM then optimizes and generates code for each
    copy (about 250 KB of IR per 64x64 layer). This pass groups the private
    functions with bodies that are the same op for op (types, attributes,
    operands, regions), where an `llvm.mlir.addressof` of a constant global
    matches one of another constant global of the same type and alignment,
    keeps one function per group and rewrites every call of the others to
    it. Each address that differs within a group becomes a new trailing
    `!llvm.ptr` argument marked `llvm.noalias`, `llvm.readonly` and
    `llvm.align` (what LLVM knew of the global: its loads cannot be
    clobbered by the kernel's stores), and each call passes its own
    function's global. Functions used other than as a direct callee are left
    alone. The numbers do not change: every call runs the same code on the
    same data.
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect"
  ];
}

def QFParallelToLLVM : Pass<"qf-cpu-parallel-to-llvm", "mlir::ModuleOp"> {
  let summary = "Call the kernels' outlined parallel loops through the "
                "runtime's thread-pool hook";
  let description = [{
    Runs on the LLVM dialect, after the rest of the lowering. For each function
    marked `qf.cpu.parallel_grain` (from `--qf-cpu-outline-parallel`), adds a
    task `@<body>_task(ptr ctx, i64 begin, i64 end)` that unpacks the
    captured values from `ctx` and calls the body, and rewrites each call
    `@<body>(0, count, captured...)` into: store the captured values in a
    stack struct, then call `qforge_parallel_for(qforge_parallel_pool, task,
    ctx, count, grain)` through the module's two weak, null-initialized
    globals `@qforge_parallel_for` and `@qforge_parallel_pool`. A runtime
    (lib/Runtime, include/qforge-c/qforge_parallel.h) binds them to its pool;
    while unbound the call runs `task(ctx, 0, count)` on the calling thread
    (mlir-runner, any plain ExecutionEngine).
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect"
  ];
}

#endif // QFORGE_CONVERSION_QFTOCPU_PASSES_TD
