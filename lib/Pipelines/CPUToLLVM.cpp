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
  if (!options.target.empty()) {
    qf::QFAttachTargetOptions attach;
    attach.target = options.target;
    pm.addPass(qf::createQFAttachTarget(attach));
  }
  // Float matmuls too: otherwise linalg-to-loops makes scalar loops of them.
  pm.addPass(qf::createQFFloatMatmulToKernel());
  // Decide (one #qf.cpu_kernel per qf.matmul), then pack and lower as told.
  cpu::QFCPUSelectKernelsOptions select;
  select.int8Activations = options.int8Activations;
  pm.addPass(cpu::createQFCPUSelectKernels(select));
  pm.addPass(cpu::createQFPackWeights());
  pm.addPass(cpu::createQFLowerToCPU());
  // Threads: the kernels' parallel loops become functions over a range...
  pm.addPass(cpu::createQFOutlineParallel());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  // Chains of elementwise ops become one loop nest: less memory traffic, and
  // less code for LLVM (each element sees the same ops in the same order, so
  // the numbers are unchanged).
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());

  detail::addBufferizationStages(pm, options.resultsToOutParams);

  // Loops that walk memory contiguously (same numbers, bit for bit).
  pm.addNestedPass<func::FuncOp>(qf::createQFContiguousLoopOrder());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // After bufferization: register permutes for the table lookups.
  pm.addNestedPass<func::FuncOp>(cpu::createQFLowerCPULookups());
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass());
  // One function per op's loop nest: LLVM's time stays linear in the ops.
  pm.addPass(qf::createQFOutlineLoopNests());
  pm.addNestedPass<func::FuncOp>(createSCFToControlFlowPass());
  pm.addNestedPass<func::FuncOp>(arith::createArithExpandOpsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());

  // Vector ops to LLVM, with reassociated float reductions (the kernels'
  // accumulation order already differs from the reference; the tree
  // reduction is faster). The x86vector and arm_neon conversions are both
  // enabled: they rewrite only ops of their own dialects, which the kernels
  // emit only for targets that have them, so the pipeline needs no target
  // here and reads it from the module like every other pass.
  ConvertVectorToLLVMPassOptions vectorOptions;
  vectorOptions.reassociateFPReductions = true;
  vectorOptions.x86Vector = true;
  vectorOptions.armNeon = true;
  pm.addPass(createConvertVectorToLLVMPass(vectorOptions));
  detail::addLLVMConversionStages(pm);
  // One function per distinct kernel: layers of one shape share their code,
  // each passing its own weights (LLVM's time grows with distinct kernels,
  // not layers).
  pm.addPass(cpu::createQFShareKernels());
  // ...called through the runtime's thread-pool hook (serial when unbound).
  pm.addPass(cpu::createQFParallelToLLVM());
  // The target is consumed: stock mlir-translate reads the result.
  pm.addPass(qf::createQFDetachTarget());
}

namespace {
struct CPUPipelineTextOptions
    : public PassPipelineOptions<CPUPipelineTextOptions> {
  Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Code generation target (#qf.target text) to attach; "
                     "empty: the module's own (the host when it has none)"),
      llvm::cl::init("")};
  Option<cpu::Int8ActivationPolicy> int8Activations{
      *this, "int8-activations",
      llvm::cl::desc("Where weight-only matmuls take the int8-activation "
                     "kernel (qf-cpu-select-kernels)"),
      llvm::cl::init(cpu::Int8ActivationPolicy::Never),
      llvm::cl::values(
          clEnumValN(cpu::Int8ActivationPolicy::Never, "never",
                     "f32 activations everywhere"),
          clEnumValN(cpu::Int8ActivationPolicy::Always, "always",
                     "every matmul whose weights the kernel takes"),
          clEnumValN(cpu::Int8ActivationPolicy::Auto, "auto",
                     "as always, on targets with native int8 dot products"))};
};
} // namespace

void registerCPUPipelines() {
  PassPipelineRegistration<CPUPipelineTextOptions>(
      "qf-cpu-to-llvm",
      "Attach the target, float matmuls with constant weights to f32 "
      "qf.matmul, select a kernel per qf.matmul, pack constant weights, lower "
      "qf.matmul to fused vector kernels for the target, bufferize, and "
      "convert everything to the LLVM dialect (runnable with mlir-runner)",
      [](OpPassManager &pm, const CPUPipelineTextOptions &options) {
        CPUPipelineOptions cpu;
        cpu.target = options.target;
        cpu.int8Activations = options.int8Activations;
        buildCPUToLLVMPipeline(pm, cpu);
      });
}

} // namespace qforge
