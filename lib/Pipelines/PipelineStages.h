//===- PipelineStages.h - Stages shared by the LLVM pipelines ---*- C++ -*-===//
//
// The reference and CPU pipelines differ in how qf ops are lowered and in
// the vector conversion; bufferization (with results as out-parameters for
// artifacts) and the final conversion to the LLVM dialect are the same and
// live here once.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_PIPELINES_PIPELINESTAGES_H
#define QFORGE_LIB_PIPELINES_PIPELINESTAGES_H

#include "mlir/Pass/PassManager.h"

namespace qforge::detail {

/// One-shot bufferization across function boundaries (identity layouts),
/// optionally results -> caller-allocated out-parameters, deallocation, and
/// the leftover bufferization.clone -> memref.alloc + copy.
void addBufferizationStages(mlir::OpPassManager &pm, bool resultsToOutParams);

/// Loops with scalar/vector code on memrefs -> LLVM dialect: memref
/// descriptors, math (intrinsics or libm), everything else through the
/// ConvertToLLVM interfaces.
void addLLVMConversionStages(mlir::OpPassManager &pm);

} // namespace qforge::detail

#endif
