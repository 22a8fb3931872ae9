//===- Pipelines.h - Named qf pass pipelines --------------------*- C++ -*-===//
#ifndef QFORGE_PIPELINES_PIPELINES_H
#define QFORGE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

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
  /// The code generation target, a #qf.target text ("host", "x86-64-v3",
  /// "aarch64+neon+dotprod", ...).
  std::string target = "host";
  /// As in ReferencePipelineOptions.
  bool resultsToOutParams = false;
  /// 4-bit integer weights take the int8-activation kernel
  /// (--qf-lower-to-cpu's `int8-activations`).
  bool int8Activations = false;
};

/// qf code down to the LLVM dialect through the fused CPU kernels
/// (--qf-float-matmul-to-kernel, --qf-pack-weights, --qf-lower-to-cpu) for
/// the target; runnable with mlir-runner and mlir::ExecutionEngine. Defined
/// in lib/Pipelines/CPUToLLVM.cpp.
void buildCPUToLLVMPipeline(mlir::OpPassManager &pm,
                            const CPUPipelineOptions &options);
inline void buildCPUToLLVMPipeline(mlir::OpPassManager &pm,
                                   const std::string &target = "host") {
  CPUPipelineOptions options;
  options.target = target;
  buildCPUToLLVMPipeline(pm, options);
}

/// Registers every named pipeline (`--qf-reference-to-llvm`, ...).
void registerPipelines();

} // namespace qforge

#endif
