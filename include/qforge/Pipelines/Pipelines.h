//===- Pipelines.h - Named qf pass pipelines --------------------*- C++ -*-===//
#ifndef QFORGE_PIPELINES_PIPELINES_H
#define QFORGE_PIPELINES_PIPELINES_H

#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

#include <functional>
#include <string>

namespace qforge {

struct ReferencePipelineOptions {
  /// Turn memref results into caller-allocated out-parameters, appended to
  /// the arguments (what ahead-of-time artifacts want: the caller owns every
  /// buffer). Off for mlir-runner entry points, which return nothing.
  bool resultsToOutParams = false;
};

/// qf (and upstream tensor/linalg/memref/math/...) code down to the LLVM
/// dialect through the reference lowering; runnable with mlir-runner.
void buildReferenceToLLVMPipeline(mlir::OpPassManager &pm,
                                  const ReferencePipelineOptions &options = {});

struct CPUPipelineOptions {
  /// The code generation target, a #qf.target text ("host",
  /// "x86_64:znver3", "aarch64+neon+dotprod", ...), attached to the module
  /// by qf-attach-target; empty: the module's own #qf.target (the host when
  /// it has none).
  std::string target;
  /// As in ReferencePipelineOptions.
  bool resultsToOutParams = false;
  /// qf-cpu-select-kernels' policy for the int8-activation kernel.
  cpu::Int8ActivationPolicy int8Activations = cpu::Int8ActivationPolicy::Never;
};

/// qf code down to the LLVM dialect through the fused CPU kernels
/// (--qf-attach-target, --qf-float-matmul-to-kernel,
/// --qf-cpu-select-kernels, --qf-pack-weights, --qf-lower-to-cpu,
/// --qf-lower-to-reference, ...); runnable with mlir-runner and
/// mlir::ExecutionEngine. Defined in lib/Pipelines/CPUToLLVM.cpp.
void buildCPUToLLVMPipeline(mlir::OpPassManager &pm,
                            const CPUPipelineOptions &options);
inline void buildCPUToLLVMPipeline(mlir::OpPassManager &pm,
                                   const std::string &target = "") {
  CPUPipelineOptions options;
  options.target = target;
  buildCPUToLLVMPipeline(pm, options);
}

/// How qf ops become code in the compile pipeline.
enum class LoweringKind {
  CPU,       ///< the fused CPU kernels (packed weights)
  Reference, ///< the scalar reference lowering (debugging)
};

/// Everything qforge-compile does to a module, as one pipeline (the
/// upstream GPUToNVVMPipelineOptions pattern): quantize, then (unless
/// `lower` is false) prepare the exported function and lower to the LLVM
/// dialect with results as out-parameters. Its text (--print-pipeline) is
/// what `qforge-opt --pass-pipeline=...` replays; named `qf-compile`.
struct CompilePipelineOptions
    : public mlir::PassPipelineOptions<CompilePipelineOptions> {
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Code generation target (#qf.target text)"),
      llvm::cl::init("host")};
  Option<std::string> scheme{
      *this, "scheme",
      llvm::cl::desc("Quantization scheme of every matmul with a constant "
                     "weight (qf-quantize); empty: keep float unless "
                     "scheme-file is given")};
  Option<std::string> schemeFile{
      *this, "scheme-file",
      llvm::cl::desc("File of 'GLOB SCHEME' lines (qf-quantize)")};
  Option<std::string> algorithm{
      *this, "algorithm", llvm::cl::desc("Weight quantization algorithm"),
      llvm::cl::init("rtn")};
  Option<std::string> only{
      *this, "only",
      llvm::cl::desc("Which layers may be quantized: all, matmul, conv "
                     "(qf-quantize)"),
      llvm::cl::init("all")};
  Option<std::string> sensitiveLayers{
      *this, "sensitive-layers",
      llvm::cl::desc("keep (a narrow whole-model scheme leaves sensitive "
                     "layers at int8 weights) or quantize (qf-quantize)"),
      llvm::cl::init("keep")};
  Option<double> sensitiveMinSqnr{
      *this, "sensitive-min-sqnr",
      llvm::cl::desc("SQNR floor in dB of the sensitive-layer policy "
                     "(qf-quantize)"),
      llvm::cl::init(10.0)};
  Option<std::string> stats{
      *this, "stats", llvm::cl::desc("Calibration statistics file")};
  Option<cpu::Int8ActivationPolicy> int8Activations{
      *this, "int8-activations",
      llvm::cl::desc("qf-cpu-select-kernels' int8-activation policy"),
      llvm::cl::init(cpu::Int8ActivationPolicy::Never),
      llvm::cl::values(
          clEnumValN(cpu::Int8ActivationPolicy::Never, "never", ""),
          clEnumValN(cpu::Int8ActivationPolicy::Always, "always", ""),
          clEnumValN(cpu::Int8ActivationPolicy::Auto, "auto", ""))};
  Option<LoweringKind> lowering{
      *this, "lowering", llvm::cl::desc("How qf ops become code"),
      llvm::cl::init(LoweringKind::CPU),
      llvm::cl::values(
          clEnumValN(LoweringKind::CPU, "cpu", "the fused CPU kernels"),
          clEnumValN(LoweringKind::Reference, "reference",
                     "the scalar reference lowering"))};
  Option<std::string> entry{
      *this, "entry",
      llvm::cl::desc("The exported function (qf-prepare-export); empty: "
                     "none (results stay results, for mlir-runner)")};
  ListOption<std::string> inputShapes{
      *this, "input-shapes",
      llvm::cl::desc("NAME=D0xD1x... static shapes for inputs of `entry` "
                     "(qforge-compile --shape), applied first")};
  Option<bool> lower{*this, "lower",
                     llvm::cl::desc("Lower to the LLVM dialect (false: stop "
                                    "after quantization)"),
                     llvm::cl::init(true)};
};

/// qf-specialize-input-shapes on `entry`, then a canonicalization that
/// propagates the static sizes through the body (qforge-compile --shape);
/// nothing when `shapes` is empty.
void buildSpecializeInputShapes(mlir::OpPassManager &pm,
                                llvm::StringRef entry,
                                llvm::ArrayRef<std::string> shapes);

/// Defined in lib/Pipelines/CompilePipeline.cpp. `inputs`: statistics and
/// a per-layer plan in memory for qf-quantize (C++ callers; the text form
/// names files instead).
/// `beforeQuantize` adds passes between the shape specialisation and
/// qf-quantize (the driver's qf-autoquant, which lives above this library).
void buildCompilePipeline(
    mlir::OpPassManager &pm, const CompilePipelineOptions &options,
    const qf::QuantizeInputs &inputs = {},
    const std::function<void(mlir::OpPassManager &)> &beforeQuantize = {});

/// Registers every named pipeline (`--qf-reference-to-llvm`, ...).
void registerPipelines();

} // namespace qforge

#endif
