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

def QFAttachTarget : Pass<"qf-attach-target", "mlir::ModuleOp"> {
  let summary = "Attach the code generation target to the module as "
                "#qf.target";
  let description = [{
    Sets the module's `qf.target` attribute to `#qf.target<"TARGET">`
    (replacing any), as `nvvm-attach-target` does for GPU modules. Every
    later pass that generates code for a target reads it from there (the
    host when a module has none). The text is checked here: its grammar
    (docs/COMPILE.md "Targets") and, for a named CPU, that LLVM knows it (a
    CPU name implies its features, as `-mcpu` does).
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "Code generation target: host, x86_64[:CPU][+FEATURE...], "
           "aarch64[:CPU][+FEATURE...] or sm_XX">
  ];
  let dependentDialects = ["::qforge::qf::QFDialect"];
}

def QFDetachTarget : Pass<"qf-detach-target", "mlir::ModuleOp"> {
  let summary = "Remove the module's #qf.target once code has been generated";
  let description = [{
    The last step of the CPU pipeline: every pass that reads the target has
    run, and the LLVM dialect module then holds no qf attribute value, so
    stock tools (`mlir-translate --mlir-to-llvmir`, `mlir-runner`) read it
    without the qf dialect. The artifact writer takes its target from the
    compile options.
  }];
}

def QFSpecializeInputShapes
    : Pass<"qf-specialize-input-shapes", "mlir::ModuleOp"> {
  let summary = "Give inputs of the entry function static shapes";
  let description = [{
    Each `shapes` entry `NAME=D0xD1x...` (qforge-compile's `--shape`) gives
    the input NAME (its `qf.name`, else `argN`) of the function `entry` that
    static type, and casts it back to the old type for its users, so that a
    canonicalization afterwards propagates the sizes through the body. The
    rank and every static dimension must match; an unknown input name, a
    malformed entry or a missing function is a located error.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "The function whose inputs are specialised">,
    ListOption<"shapes", "shapes", "std::string",
               "NAME=D0xD1x... entries">
  ];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}

def QFDefineRuntimeHooks : Pass<"qf-define-runtime-hooks", "mlir::ModuleOp"> {
  let summary = "Route run-time error reports of generated code through a "
                "global hook the loader binds";
  let description = [{
    Runs on the LLVM dialect. Generated code reports an invalid run-time
    input by calling an external function: `qforge_index_error(i64 index,
    i64 size)` (an ONNX Gather index out of bounds) or
    `qforge_shape_error(i64 output, i64 dim, i64 computed, i64 declared)` (an
    output whose declared static dimension the graph does not compute). This
    pass gives each declaration a body that loads a null-initialized global
    (`qforge_index_error_hook`, `qforge_shape_error_hook`) and calls it when
    set, so that the artifact needs no symbol from its loader: `qforge_load`
    (and the calibration JIT) store their handlers in the globals
    (include/qforge-c/qforge_errors.h). Nothing changes in a module that
    calls neither.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def QFOutlineLoopNests : Pass<"qf-outline-loop-nests", "mlir::ModuleOp"> {
  let summary = "Give each top-level loop nest of a function its own "
                "non-inlined function";
  let description = [{
    After bufferization and linalg-to-loops, a model is one function with a
    loop nest per op. LLVM's optimizer is superlinear in the size of one
    function (IndVarSimplify alone took 27 of 29 s at -O3 on a chain of 400
    elementwise ops), so a function with at least `min-nests` top-level
    loop nests (`scf.for`, `scf.parallel`, `scf.forall`, `scf.while`) has
    each of them moved into a private `noinline` function `<name>_nestN`,
    called in its place with the values it uses: compile time grows
    linearly with the number of ops, and a call per op costs nothing next to
    its loops. Functions with fewer nests are left as they are.
  }];
  let options = [
    Option<"minNests", "min-nests", "unsigned", /*default=*/"2",
           "Outline the nests of functions that have at least this many">
  ];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::scf::SCFDialect"];
}

def QFContiguousLoopOrder
    : Pass<"qf-contiguous-loop-order", "mlir::func::FuncOp"> {
  let summary = "Order each linalg reduction's loops for contiguous memory "
                "access, keeping every output's accumulation order";
  let description = [{
    linalg-to-loops nests a structured op's loops in the order of its
    iteration space, reductions innermost. For a matmul with a `[K, N]`
    weight (ONNX's and torch's exported layout) the inner loop then walks
    down a weight column, one cache line and one TLB entry per product (in
    the loops that calibration and the error reports run, this pass took
    `qforge-compile --calib` on a 100M-parameter model from 161 s to 121 s;
    docs/BENCHMARKS.md).

    For each linalg op with a reduction this pass counts, per loop, the
    operands it strides through (it appears in an operand's index other than
    the last) and moves the parallel loop that strides through the fewest
    innermost when that is fewer than the current innermost loop does.
    Reduction loops keep their relative order and run as before, so every
    output element receives the same operations in the same order: the
    results are bit-identical, only the memory access pattern changes.
    Named ops are generalized first when they are reordered.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def QFExternalizeConstants
    : Pass<"qf-externalize-constants", "mlir::ModuleOp"> {
  let summary = "Turn large constant LLVM globals into external declarations "
                "that a JIT resolves to memory";
  let description = [{
    On the LLVM dialect: every constant `llvm.mlir.global` whose value is at
    least `min-bytes` of 2..8-, 16-, 32- or 64-bit integer or float elements
    (dense or resource), laid out by LLVM as those elements back to back
    (sub-byte elements one per byte), loses its value and becomes an external declaration of the
    same name, type and alignment. For in-process JITs (calibration, error
    reports) that write those values to memory first
    (qforge::qf::findExternalizableConstants / writeConstantBytes, the same
    selection) and bind the names to it: LLVM then never builds, optimizes
    or emits the weights as constants, which took most of the JIT's time on
    large models. Artifacts keep their weights and never run this pass.
  }];
  let options = [
    Option<"minBytes", "min-bytes", "uint64_t", /*default=*/"1048576",
           "Externalize constants of at least this many bytes">
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def QFPrepareExport : Pass<"qf-prepare-export", "mlir::ModuleOp"> {
  let summary = "Mark the function an artifact exports for its C interface "
                "and drop its qf.name attributes";
  let description = [{
    Gives the function `entry` the `llvm.emit_c_interface` attribute (the
    artifact's packed entry point calls its C interface) and removes the
    `qf.name` / `qf.dim_names` attributes of its arguments and results,
    whose information the artifact's signature carries. A missing function
    is an error.
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"main\"",
           "The exported function">
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


def QFQuantize : Pass<"qf-quantize", "mlir::ModuleOp"> {
  let summary = "Rewrite float matmuls with constant weights into qf.matmul "
                "with quantized constant weights and scale tensors";
  let description = [{
    Every matmul-like op (`linalg.matmul`, also with a transposed operand,
    and contraction `linalg.generic`s with a 2-D weight) whose weight is a
    constant (`dense` or `dense_resource`, possibly behind `linalg.transpose`
    or a reshape) becomes a `qf.matmul` under the scheme: the weights are
    quantized at compile time by the numeric core (lib/Quant) and stored as
    `[N, K]` constants of the scheme's storage type next to their scale (and
    zero point) tensors. An accumulator that is not a zero fill becomes the
    `residual` operand. Matmuls with non-constant weights are left alone.

    Layer names (LayerNames.h: the op's `loc("name")`, else
    `<function>.matmul<i>`) select layers: `skip` and `layers` take globs,
    and `scheme-file` names a file of `GLOB SCHEME[+i8act] [KERNEL]` lines
    (first match wins; `#` starts a comment) for mixed precision: `+i8act`
    marks the qf.matmul for the int8-activation kernel and a
    `#qf.cpu_kernel<...>` KERNEL is set on it as its kernel config (plans
    written by autoquant). A `qf.autoquant` decision on the op itself
    (`--qf-autoquant`) comes before every rule. A glob that matches no layer
    is an error. `only` restricts every rule to one kind of layer: `matmul`
    or `conv` (ops the importer marked `qf.layer_kind = "conv"`: convolutions
    written as im2col and a matmul); the others stay float. The quantized
    op keeps the original location and records the algorithm in a
    `qf.algorithm` attribute.

    Sensitive layers (`sensitive-layers=keep`, the default): when the
    `scheme` given for the whole model stores weights in fewer than 8 bits,
    the first layers (activations straight from the function's arguments),
    the last ones (results straight to its results), layers whose K is below
    the scheme's group and layers whose SQNR falls below
    `sensitive-min-sqnr` keep int8 per-channel weights; each such qf.matmul
    says so in `qf.kept_wider = {requested = "SCHEME", reason = "..."}`.
    Per-layer choices (scheme-file lines, autoquant decisions) are applied
    as given.

    Algorithms (lib/Quant, docs/ALGORITHMS.md): `rtn` (round to nearest;
    every scheme), `hqq` (data-free half-quadratic fit of scales and zero
    points), and from calibration statistics (`stats=`, a qforge-calibrate
    file whose model fingerprint must match this module): `gptq` (from the
    inputs' X^T X), `awq` (from X^T X and mean |x|; the activations are
    divided by the chosen per-channel scales in a linalg.generic before the
    matmul), `smoothquant` (for int8-activation schemes; from max |x| per
    channel, same activation scaling). Static schemes (`a8w8-static`) take
    their per-tensor activation scale from the statistics.
  }];
  let options = [
    Option<"schemeText", "scheme", "std::string", /*default=*/"\"w8\"",
           "Scheme for every selected layer, e.g. w8, w4g128, w4g128asym, "
           "nf4g64, fp8, a8w8, a8w8-static">,
    Option<"algorithm", "algorithm", "std::string", /*default=*/"\"rtn\"",
           "Weight quantization algorithm: rtn, gptq, awq, smoothquant or hqq">,
    Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
           "Calibration statistics (safetensors from qforge-calibrate)">,
    ListOption<"skip", "skip", "std::string",
               "Layer names or globs to leave in float">,
    ListOption<"layers", "layers", "std::string",
               "Only quantize these layer names or globs">,
    Option<"schemeFile", "scheme-file", "std::string", /*default=*/"\"\"",
           "File of 'GLOB SCHEME' lines choosing a scheme per layer">,
    Option<"gptqActOrder", "gptq-act-order", "bool", /*default=*/"false",
           "GPTQ: quantize columns by decreasing Hessian diagonal (groups "
           "stay the original contiguous ones)">,
    Option<"gptqDamp", "gptq-damp", "double", /*default=*/"0.01",
           "GPTQ: dampening as a fraction of the Hessian's mean diagonal">,
    Option<"awqClip", "awq-clip", "bool", /*default=*/"false",
           "AWQ: also search a clipping ratio per group">,
    Option<"smoothQuantAlpha", "smoothquant-alpha", "double",
           /*default=*/"0.5",
           "SmoothQuant: migration strength alpha in [0, 1]">,
    Option<"only", "only", "std::string", /*default=*/"\"all\"",
           "Which layers may be quantized: all, matmul (MatMul, Gemm and "
           "linalg matmuls; convolutions stay float, as ONNX Runtime's "
           "MatMulNBits mode) or conv (convolutions only)">,
    Option<"sensitiveLayers", "sensitive-layers", "std::string",
           /*default=*/"\"keep\"",
           "Layers a whole-model scheme narrower than 8 bits would hurt: "
           "keep (first and last layers, K below the group, and layers "
           "under sensitive-min-sqnr keep int8 weights) or quantize (every "
           "layer takes the scheme)">,
    Option<"sensitiveMinSqnr", "sensitive-min-sqnr", "double",
           /*default=*/"10.0",
           "With sensitive-layers=keep: a narrow layer whose SQNR (dB; on "
           "the calibration rows when the statistics have them, else on "
           "its weights) is below this keeps int8 weights">
  ];
  let dependentDialects = [
    "::qforge::qf::QFDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def QFFloatMatmulToKernel : Pass<"qf-float-matmul-to-kernel",
                                 "mlir::ModuleOp"> {
  let summary = "Rewrite float matmuls with constant weights into qf.matmul "
                "with scheme f32, so that the CPU kernels run them";
  let description = [{
    The matmuls that `--qf-quantize` leaves float (scheme `f32`, skipped or
    unselected layers, float models) stay `linalg` ops, which the CPU
    pipeline would lower to scalar loops. This pass gives them to the fused
    kernels instead: every matmul-like op that `--qf-quantize` would match
    (`linalg.matmul`, also with a transposed operand, and contraction
    `linalg.generic`s with a 2-D constant weight, possibly behind
    `linalg.transpose` or a reshape) becomes `qf.matmul #qf.scheme<"f32">`.
    The weight keeps its values and element type (f32, f16 or bf16): the
    weight operand itself when it already is `[N, K]`, otherwise a new
    `[N, K]` constant of the transposed data. An accumulator that is not a
    zero fill becomes the `residual` operand; the op keeps its location (and
    so its layer name) and gets no `qf.algorithm`.

    Matmuls with non-constant weights (activations times activations) and
    lhs operands with a dynamic K (which `--qf-lower-to-cpu` cannot take)
    are left alone. `--qf-cpu-to-llvm` (and so `qforge-compile
    --lowering=cpu`) runs this pass first; the reference lowering keeps the
    linalg ops.
  }];
  let dependentDialects = [
    "::qforge::qf::QFDialect",
    "::mlir::arith::ArithDialect"
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

def QFExportWeights : Pass<"qf-export-weights", "mlir::ModuleOp"> {
  let summary = "Write every qf.matmul's quantized weights, scales and zero "
                "points to a safetensors file with a quantization map";
  let description = [{
    `--qf-export-weights=FILE.safetensors` (or `file=FILE`). For each
    qf.matmul, by layer name: `<layer>.weight` (codes, one per element: I8/U8
    for integer and NF4/FP4 codes, F8_E4M3/F8_E5M2 for float8),
    `<layer>.scale`, `<layer>.zero_point`, `<layer>.input_divisor` (the
    AWQ/SmoothQuant activation scaling) and `<layer>.lhs_scale` (static
    activation scale) as present. `__metadata__` holds `format`
    ("qforge-weights"), `version` and `quantization_map`: JSON
    `{layer: {"scheme", "algorithm", "storage"}}`. The module is unchanged.
    `--qf-import-weights` reads the file back (Quanto's quantization_map +
    requantize, without requantizing).
  }];
  let options = [
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "The safetensors file to write">
  ];
}

def QFImportWeights : Pass<"qf-import-weights", "mlir::ModuleOp"> {
  let summary = "Replace float matmuls by qf.matmul with weights read from a "
                "--qf-export-weights file instead of quantizing them again";
  let description = [{
    `--qf-import-weights=FILE.safetensors` (or `file=FILE`). Every layer of
    the file's quantization map must be a matmul-like op of the module with a
    constant weight of the same [N, K]; layers not in the map stay float.
    The result is what `--qf-quantize` produced when the file was exported.
  }];
  let options = [
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "The safetensors file to read">
  ];
  let dependentDialects = [
    "::qforge::qf::QFDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD
