//===- PipelineStages.cpp - Stages shared by the LLVM pipelines ----------===//

#include "PipelineStages.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "StridedCopies.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;

namespace qforge::detail {

void addBufferizationStages(OpPassManager &pm, bool resultsToOutParams) {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  if (resultsToOutParams) {
    bufferization::BufferResultsToOutParamsPassOptions outParams;
    outParams.hoistStaticAllocs = true;
    outParams.modifyPublicFunctions = true;
    pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  }
  bufferization::buildBufferDeallocationPipeline(pm);
  // Returning a function argument, a constant or a view of one leaves a
  // bufferization.clone behind: lower it to alloc + copy.
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Copies into padded buffers: loops, not a runner-utils call.
  pm.addNestedPass<func::FuncOp>(createStridedCopiesToLinalgPass());
}

void addLLVMConversionStages(OpPassManager &pm) {
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  // Run-time error reports (a Gather index out of bounds) through a global
  // the loader binds.
  pm.addPass(qf::createQFDefineRuntimeHooks());
}

} // namespace qforge::detail
