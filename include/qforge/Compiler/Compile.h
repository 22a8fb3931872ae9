//===- Compile.h - Model to artifact, as a library --------------*- C++ -*-===//
//
// What qforge-compile does, callable from C++ (and later Python): quantize a
// module, lower it, and write OUTDIR/<name>.so, <name>.h, report.json and
// <name>.manifest (the files' sizes and SHA-256, checked by qforge_load).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_COMPILER_COMPILE_H
#define QFORGE_COMPILER_COMPILE_H

#include "qforge/Dialect/QF/Transforms/InputShapes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qforge {

/// What qforge-compile writes: the artifact, or the module at a stage:
/// MLIR after quantization, LLVMDialect after the whole compile pipeline
/// (what `qforge-opt --pass-pipeline=<--print-pipeline>` prints), LLVM IR
/// after LLVM's optimizer, or the object file.
enum class EmitKind { Artifact, MLIR, LLVMDialect, LLVM, Object };

/// How qf ops become code: the fused CPU kernels for the target (packed
/// weights; the default), or the scalar reference lowering (for debugging:
/// slow, one sub-byte code per byte).
enum class Lowering { CPU, Reference };

/// --shape NAME=D0xD1x...: a static shape for input NAME
/// (qf-specialize-input-shapes).
using qf::InputShape;
using qf::parseInputShape;

/// `--scheme auto[:...]`: qf-autoquant's options (docs/AUTOQUANT.md).
struct AutoquantOptions {
  std::string mProfile = "1:0.9,512:0.1"; ///< --autoquant-m
  double minSqnr = 15.0;                  ///< --min-sqnr, dB
  std::string cachePath;                  ///< --autoquant-cache (default XDG)
  std::string cacheMode = "readwrite";    ///< --autoquant-cache-mode
  std::string planFile;                   ///< --autoquant-plan
  std::string timer = "measure";          ///< measure | model | table
  std::string costs;                      ///< the cost table of timer=table
  unsigned threads = 0;                   ///< --autoquant-threads (0: all)
  unsigned rounds = 7;                    ///< --autoquant-rounds
  double budget = 0.0;                    ///< --autoquant-budget, seconds
  /// --autoquant-verify: time the artifact against every uniform scheme
  /// that passes the guard; use the best uniform one if the plan is slower.
  bool verify = false;
  /// --autoquant-max-error (needs --calib): the largest relative error of
  /// any model output on the calibration samples; layers are reverted to
  /// more accurate candidates until the plan meets it. 0: no such check.
  double maxError = 0.0;
  bool quiet = false;                     ///< no progress on stderr
};

struct CompileOptions {
  /// empty: keep float unless schemeFile is set; "auto[:S1,...]": autoquant
  std::string scheme;
  AutoquantOptions autoquant;
  std::string schemeFile;
  std::string algorithm = "rtn";
  /// Which layers the scheme quantizes: "all", "matmul" or "conv"
  /// (qf-quantize's `only`).
  std::string only = "all";
  /// "keep": a whole-model scheme narrower than 8 bits leaves the layers it
  /// would hurt at int8 weights (qf-quantize's sensitive-layer policy,
  /// with its SQNR floor in dB); "quantize": every layer takes it.
  std::string sensitiveLayers = "keep";
  double sensitiveMinSqnr = 10.0;
  std::string stats;      ///< calibration statistics file, if any
  /// Calibration samples (.npz, arrays named after the inputs, leading
  /// sample dimension): calibrate in-process, quantize with the statistics
  /// and report each layer's error on them.
  std::string calib;
  /// Held-out samples (.npz, as calib) the report's errors are measured on
  /// instead of the calibration ones; needs calib.
  std::string eval;
  std::vector<InputShape> shapes; ///< inputs specialised to static shapes
  std::string target = "host";
  std::string outDir;
  std::string name;       ///< artifact base name; default: the entry's name
  std::string entry;      ///< function to export; default: the only public one
  EmitKind emit = EmitKind::Artifact;
  Lowering lowering = Lowering::CPU;
  /// CPU lowering: 4-bit integer weights multiply int8 activations
  /// (quantized per group at run time) with int8 dot products
  /// (qf-lower-to-cpu's int8-activations): faster, within
  /// the activation rounding of the f32 result.
  bool int8Activations = false;
  /// Called at the start of each stage ("calibration", "quantization",
  /// "lowering", "codegen") and with progress inside long ones (e.g.
  /// "calibration 3/16"), e.g. to show progress on a terminal.
  std::function<void(llvm::StringRef stage)> onStage;
  /// Called as samples are run in "calibration" and "evaluation".
  std::function<void(llvm::StringRef stage, size_t done, size_t total)>
      onProgress;
};

/// One argument or result of the exported function.
struct TensorSignature {
  std::string name;
  std::string dtype; ///< f32, f16, bf16, i8, u8, i32, i64
  std::vector<int64_t> shape; ///< -1 for a dynamic dimension
  /// Per dimension: "" when static, else the dynamic dimension's name (an
  /// output's names are those of the input dimensions it equals).
  std::vector<std::string> dimNames;

  bool isDynamic() const;
};

/// Error of a quantized value against float on the calibration samples.
struct ErrorReport {
  bool measured = false;
  double relError = 0.0; ///< ||float - quantized|| / ||float||
  double sqnrDb = 0.0;
};

struct LayerReport {
  std::string name, scheme, algorithm;
  /// "matmul", or "conv" for a convolution (qf.layer_kind).
  std::string kind = "matmul";
  /// Before: the float weight. After: what the artifact stores for the
  /// layer (the packed global of the CPU kernels: codes, scales, zero
  /// terms; or codes one per byte plus scales and zero points).
  int64_t weightBytesBefore = 0, weightBytesAfter = 0;
  /// Whether its activations are multiplied as int8: a8w8 schemes, and
  /// weight-only ones that run on the int8-activation kernel.
  bool int8Activations = false;
  /// Why --int8-activations did not apply to the layer (the kernel
  /// selection's reason, e.g. groups that are not a multiple of the
  /// kernel's block); empty when it applied or was not asked for.
  std::string int8ActivationsNotApplied;
  /// The whole model's scheme the layer was asked to take and why it kept
  /// a wider one (qf-quantize's sensitive-layer policy); empty when it
  /// took what was asked.
  std::string schemeRequested, keptWider;
  /// The layer's output in the quantized model against the float model
  /// (errors of earlier layers included), with --calib.
  ErrorReport error;
};

namespace autoquant {
struct AutoquantResult;
}

/// --autoquant-verify's end-to-end times.
struct AutoquantVerifyReport {
  struct Entry {
    std::string label; ///< "plan" or a uniform candidate
    double median = 0.0, p20 = 0.0, p80 = 0.0;
  };
  std::vector<Entry> entries;
  std::string used; ///< "plan", or the uniform candidate that replaced it
  /// The uniform candidate whose artifact is byte-identical to the plan's
  /// (every layer chose it), if any.
  std::string identical;
  /// Uniform candidates not compared, with the reason.
  std::vector<std::string> skipped;
};

struct CompileReport {
  std::string name, target;
  bool int8Activations = false; ///< CompileOptions::int8Activations
  std::vector<TensorSignature> inputs, outputs;
  std::vector<LayerReport> layers;
  int64_t calibrationSamples = 0;     ///< 0 without --calib
  /// Samples the errors were measured on, and whether they were --eval's
  /// held-out ones (else the calibration samples).
  int64_t evaluationSamples = 0;
  bool errorsOnHeldOut = false;
  std::vector<ErrorReport> outputErrors; ///< per output, with --calib
  std::vector<std::string> files; ///< what was written, in OUTDIR
  /// With --scheme auto: every layer's candidates, times and choice.
  std::shared_ptr<const autoquant::AutoquantResult> autoquant;
  /// With --autoquant-verify.
  std::optional<AutoquantVerifyReport> autoquantVerify;
};

/// The textual pass pipeline compileModule runs on `module` with `options`
/// (qforge-compile --print-pipeline), after input shapes are specialized;
/// an error for options it cannot express (--calib: statistics computed
/// in-process).
llvm::Expected<std::string> compilePipelineText(mlir::ModuleOp module,
                                                const CompileOptions &options);

/// Compiles `module` (float or already qf) in place and writes the files of
/// `options.emit` into options.outDir. On failure outDir holds no file of
/// this compile: files it would replace are as they were (lib/Compiler/
/// Publish.h).
llvm::Expected<CompileReport> compileModule(mlir::ModuleOp module,
                                            const CompileOptions &options);

/// The report as JSON (report.json), as a terminal table, and as an SVG bar
/// chart of weight bytes per layer (report.svg).
std::string reportToJSON(const CompileReport &report);
std::string reportToTable(const CompileReport &report);
std::string reportToSVG(const CompileReport &report);

} // namespace qforge

#endif
