//===- ReferenceToLLVM.cpp - qf-reference-to-llvm pipeline ---------------===//
//
// Built from pass constructors rather than pipeline text, so that it works
// wherever the library is embedded, whether or not the upstream passes were
// registered by name. The dialects' ConvertToLLVM interfaces must be
// registered (mlir::registerAllExtensions, or the specific ones).
//
//===----------------------------------------------------------------------===//

#include "qforge/Pipelines/Pipelines.h"
#include "PipelineStages.h"
#include "StridedCopies.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace qforge {

void buildReferenceToLLVMPipeline(OpPassManager &pm,
                                  const ReferencePipelineOptions &options) {
  pm.addPass(qf::createQFLowerToReference());
  // Upstream elementwise ops on tensors (arith.extsi, ...) become linalg so
  // that they bufferize like the rest.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());

  detail::addBufferizationStages(pm, options.resultsToOutParams);

  // Loops that walk memory contiguously (same numbers, bit for bit).
  pm.addNestedPass<func::FuncOp>(qf::createQFContiguousLoopOrder());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // One function per op's loop nest: LLVM's time stays linear in the ops.
  pm.addPass(qf::createQFOutlineLoopNests());
  pm.addNestedPass<func::FuncOp>(createSCFToControlFlowPass());
  // After linalg is in loops: arith-expand's float8/FP4 rewrites take
  // scalars only.
  pm.addNestedPass<func::FuncOp>(arith::createArithExpandOpsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  detail::addLLVMConversionStages(pm);
}

void registerCPUPipelines();     // CPUToLLVM.cpp
void registerCompilePipeline();  // CompilePipeline.cpp

void registerPipelines() {
  PassPipelineRegistration<>(
      "qf-reference-to-llvm",
      "Lower qf ops through the reference lowering, bufferize, and convert "
      "everything to the LLVM dialect (runnable with mlir-runner)",
      [](OpPassManager &pm) { buildReferenceToLLVMPipeline(pm); });
  registerCPUPipelines();
  registerCompilePipeline();
  registerStridedCopiesToLinalgPass();
}

} // namespace qforge
