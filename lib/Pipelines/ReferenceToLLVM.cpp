//===- ReferenceToLLVM.cpp - qf-reference-to-llvm pipeline ---------------===//

#include "qforge/Pipelines/Pipelines.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/ErrorHandling.h"

using namespace mlir;

namespace qforge {

void buildReferenceToLLVMPipeline(OpPassManager &pm) {
  pm.addPass(qf::createQFLowerToReference());
  // Upstream passes by their textual names: the pipeline reads like the
  // mlir-opt invocation it replaces.
  // arith-expand runs after linalg is in loops: its float8/FP4 expansions only
  // take scalars.
  const char *upstream =
      "func.func(convert-elementwise-to-linalg),canonicalize,"
      "one-shot-bufferize{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},"
      "buffer-deallocation-pipeline,"
      "func.func(convert-linalg-to-loops,convert-scf-to-cf,arith-expand),"
      "expand-strided-metadata,lower-affine,finalize-memref-to-llvm,"
      "convert-math-to-llvm,convert-math-to-libm,convert-to-llvm,"
      "reconcile-unrealized-casts";
  if (failed(parsePassPipeline(upstream, pm)))
    llvm::report_fatal_error("qf-reference-to-llvm: bad upstream pipeline");
}

void registerPipelines() {
  PassPipelineRegistration<>(
      "qf-reference-to-llvm",
      "Lower qf ops through the reference lowering, bufferize, and convert "
      "everything to the LLVM dialect (runnable with mlir-runner)",
      buildReferenceToLLVMPipeline);
}

} // namespace qforge
