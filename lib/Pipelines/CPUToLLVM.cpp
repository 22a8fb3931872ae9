//===- CPUToLLVM.cpp - qf-cpu-to-llvm pipeline ---------------------------===//
//
// The fused-kernel counterpart of qf-reference-to-llvm: float matmuls with
// constant weights to f32 qf.matmul, pack constant weights, lower qf.matmul
// to vector loops, bufferize, and convert everything to the LLVM dialect,
// with the target's vector features. Built from pass constructors, like the
// reference pipeline, so it works wherever the library is embedded.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Pipelines/Pipelines.h"
#include "PipelineStages.h"
#include "qforge/Support/Target.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassOptions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace qforge {

void buildCPUToLLVMPipeline(OpPassManager &pm,
                            const CPUPipelineOptions &options) {
  const std::string &target = options.target;
  // Float matmuls too: otherwise linalg-to-loops makes scalar loops of them.
  pm.addPass(qf::createQFFloatMatmulToKernel());
  cpu::QFPackWeightsOptions pack;
  pack.target = target;
  pack.int8Activations = options.int8Activations;
  pm.addPass(cpu::createQFPackWeights(pack));
  cpu::QFLowerToCPUOptions lower;
  lower.target = target;
  lower.int8Activations = options.int8Activations;
  pm.addPass(cpu::createQFLowerToCPU(lower));
  // Threads: the kernels' parallel loops become functions over a range...
  pm.addPass(cpu::createQFOutlineParallel());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());

  detail::addBufferizationStages(pm, options.resultsToOutParams);

  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // After bufferization: register permutes for the table lookups.
  cpu::QFLowerCPULookupsOptions lookups;
  lookups.target = target;
  pm.addNestedPass<func::FuncOp>(cpu::createQFLowerCPULookups(lookups));
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass());
  pm.addNestedPass<func::FuncOp>(createSCFToControlFlowPass());
  pm.addNestedPass<func::FuncOp>(arith::createArithExpandOpsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());

  // Vector ops with the target's features: x86vector for x86 targets with
  // AVX, and reassociated float reductions (the kernels' accumulation order
  // already differs from the reference; the tree reduction is faster).
  ConvertVectorToLLVMPassOptions vectorOptions;
  vectorOptions.reassociateFPReductions = true;
  std::optional<Target> parsed = Target::parse(target);
  if (parsed) {
    Target resolved = parsed->resolved();
    vectorOptions.x86Vector = resolved.arch == Target::Arch::X86_64 &&
                              resolved.hasFeature("avx2");
    vectorOptions.armNeon = resolved.arch == Target::Arch::AArch64;
  }
  pm.addPass(createConvertVectorToLLVMPass(vectorOptions));
  detail::addLLVMConversionStages(pm);
  // ...called through the runtime's thread-pool hook (serial when unbound).
  pm.addPass(cpu::createQFParallelToLLVM());
}

namespace {
struct CPUPipelineTextOptions
    : public PassPipelineOptions<CPUPipelineTextOptions> {
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Code generation target (#qf.target text)"),
      llvm::cl::init("host")};
  Option<bool> int8Activations{
      *this, "int8-activations",
      llvm::cl::desc("4-bit integer weights: int8 activations and int8 dot "
                     "products in the small-M kernel (see qf-lower-to-cpu)"),
      llvm::cl::init(false)};
};
} // namespace

void registerCPUPipelines() {
  PassPipelineRegistration<CPUPipelineTextOptions>(
      "qf-cpu-to-llvm",
      "Float matmuls with constant weights to f32 qf.matmul, pack constant "
      "weights, lower qf.matmul to fused vector kernels for the target, "
      "bufferize, and convert everything to the LLVM dialect (runnable with "
      "mlir-runner)",
      [](OpPassManager &pm, const CPUPipelineTextOptions &options) {
        CPUPipelineOptions cpu;
        cpu.target = options.target;
        cpu.int8Activations = options.int8Activations;
        buildCPUToLLVMPipeline(pm, cpu);
      });
}

} // namespace qforge
