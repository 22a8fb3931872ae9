//===- Passes.td - qf-autoquant ----------------------------*- tablegen -*-===//
#ifndef QFORGE_AUTOQUANT_PASSES_TD
#define QFORGE_AUTOQUANT_PASSES_TD

include "mlir/Pass/PassBase.td"

def QFAutoquant : Pass<"qf-autoquant", "mlir::ModuleOp"> {
  let summary = "Choose each matmul's scheme and kernel by timing the "
                "generated kernels per shape, under an accuracy guard";
  let description = [{
    For every matmul `--qf-quantize` would rewrite (a constant weight), the
    candidates of `scheme` (`auto`: f32, w8, w4g128, w4g32, nf4g64, fp8,
    a8w8, each also with int8 activations where its kernel has that form;
    `auto:S1,S2,...`: those) are judged by the guard (SQNR of the layer's
    output on the recorded calibration rows of `stats`, or of the weights
    alone without statistics, which then admits weight-only candidates
    only; `min-sqnr`), ordered by a roofline model, and timed per distinct
    shape over the M buckets of `m-profile` (a static M is used as it is)
    by the generated kernels of the module's `#qf.target` (the host's; for
    another target the roofline model stands in: `source: model`). A
    challenger replaces the model's best only when at least 5% faster.
    Times are kept in a persistent cache (`cache`, `cache-mode`).

    The decision is written on each float matmul as a `qf.autoquant`
    dictionary: `scheme` (the candidate, e.g. "w4g128+i8act") and, when
    measured, `kernel` (the `#qf.cpu_kernel` that was timed);
    `--qf-quantize` applies it and `--qf-cpu-select-kernels` keeps the
    kernel. `plan` writes the decision as a scheme file (`--qf-quantize
    scheme-file=` replays it, with provenance comments), `report` as JSON.
    docs/AUTOQUANT.md.
  }];
  let options = [
    Option<"schemeText", "scheme", "std::string", /*default=*/"\"auto\"",
           "auto, or auto:S1,S2,... (schemes, optionally with +i8act)">,
    Option<"mProfile", "m-profile", "std::string",
           /*default=*/"\"1:0.9,512:0.1\"",
           "M buckets and weights for matmuls with a dynamic M: M:W,...">,
    Option<"minSqnr", "min-sqnr", "double", /*default=*/"15.0",
           "Smallest SQNR (dB) of a layer's output a candidate may have">,
    Option<"statsFile", "stats", "std::string", /*default=*/"\"\"",
           "Calibration statistics (qforge-calibrate) with recorded rows">,
    Option<"timer", "timer", "std::string", /*default=*/"\"measure\"",
           "How kernels are timed: measure (on this host), model "
           "(roofline), or table (the `costs` file)">,
    Option<"costsFile", "costs", "std::string", /*default=*/"\"\"",
           "Cost table for timer=table: CANDIDATE M N K MICROSECONDS lines">,
    Option<"cachePath", "cache", "std::string", /*default=*/"\"\"",
           "Timing cache (JSON Lines); default "
           "$XDG_CACHE_HOME/qforge/autoquant.jsonl">,
    Option<"cacheMode", "cache-mode", "std::string",
           /*default=*/"\"readwrite\"",
           "off, read, readwrite or refresh">,
    Option<"threads", "threads", "unsigned", /*default=*/"0",
           "Threads the kernels are timed with; 0: every core, as the "
           "artifact runs by default">,
    Option<"rounds", "rounds", "unsigned", /*default=*/"7",
           "Timed rounds per kernel (at least 7)">,
    Option<"budget", "budget", "double", /*default=*/"0.0",
           "Seconds of timing after which the remaining shapes take the "
           "roofline model's times (0: no limit)">,
    Option<"planFile", "plan", "std::string", /*default=*/"\"\"",
           "Write the plan as a scheme file">,
    Option<"reportFile", "report", "std::string", /*default=*/"\"\"",
           "Write the per-layer report as JSON">,
    Option<"quiet", "quiet", "bool", /*default=*/"false",
           "No progress on stderr">
  ];
  let dependentDialects = ["::qforge::qf::QFDialect"];
}

#endif
