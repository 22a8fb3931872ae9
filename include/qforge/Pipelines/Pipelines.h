//===- Pipelines.h - Named qf pass pipelines --------------------*- C++ -*-===//
#ifndef QFORGE_PIPELINES_PIPELINES_H
#define QFORGE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace qforge {

/// qf (and upstream tensor/linalg/memref/math/...) code down to the LLVM
/// dialect through the reference lowering; runnable with mlir-runner.
void buildReferenceToLLVMPipeline(mlir::OpPassManager &pm);

/// Registers every named pipeline (`--qf-reference-to-llvm`, ...).
void registerPipelines();

} // namespace qforge

#endif
