//===- CompilePipeline.cpp - qf-compile: what qforge-compile runs --------===//
//
// One pipeline from a float (or qf) module to the LLVM dialect: the driver
// only loads the model, runs this, and writes the artifact and report, so
// that `qforge-opt --pass-pipeline="$(qforge-compile --print-pipeline ...)"`
// replays it.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Pipelines/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace qforge {

void buildSpecializeInputShapes(OpPassManager &pm, StringRef entry,
                                ArrayRef<std::string> shapes) {
  if (shapes.empty())
    return;
  qf::QFSpecializeInputShapesOptions specialize;
  specialize.entry = entry.str();
  specialize.shapes = llvm::to_vector(shapes);
  pm.addPass(qf::createQFSpecializeInputShapes(specialize));
  pm.addPass(createCanonicalizerPass());
}

void buildCompilePipeline(
    OpPassManager &pm, const CompilePipelineOptions &options,
    const qf::QuantizeInputs &inputs,
    const std::function<void(OpPassManager &)> &beforeQuantize) {
  buildSpecializeInputShapes(
      pm, options.entry.empty() ? StringRef("main") : StringRef(options.entry),
      options.inputShapes);
  if (beforeQuantize)
    beforeQuantize(pm);
  if (!options.scheme.empty() || !options.schemeFile.empty() ||
      !inputs.plan.empty() || !inputs.schemeFileText.empty()) {
    qf::QFQuantizeOptions quantize;
    quantize.schemeText =
        options.scheme.empty() ? std::string("f32") : std::string(options.scheme);
    quantize.schemeFile = options.schemeFile;
    quantize.algorithm = options.algorithm;
    quantize.only = options.only;
    quantize.sensitiveLayers = options.sensitiveLayers;
    quantize.sensitiveMinSqnr = options.sensitiveMinSqnr;
    quantize.statsFile = options.stats;
    pm.addPass(qf::createQFQuantize(quantize, inputs));
  }
  if (!options.lower)
    return;
  bool artifact = !options.entry.empty();
  if (artifact) {
    qf::QFPrepareExportOptions prepare;
    prepare.entry = options.entry;
    pm.addPass(qf::createQFPrepareExport(prepare));
  }
  if (options.lowering == LoweringKind::Reference) {
    ReferencePipelineOptions reference;
    reference.resultsToOutParams = artifact;
    buildReferenceToLLVMPipeline(pm, reference);
    return;
  }
  CPUPipelineOptions cpu;
  cpu.target = options.target;
  cpu.resultsToOutParams = artifact;
  cpu.int8Activations = options.int8Activations;
  buildCPUToLLVMPipeline(pm, cpu);
}

void registerCompilePipeline() {
  PassPipelineRegistration<CompilePipelineOptions>(
      "qf-compile",
      "What qforge-compile runs: quantize, prepare the exported function, and "
      "lower to the LLVM dialect through the CPU kernels (or the reference "
      "lowering)",
      [](OpPassManager &pm, const CompilePipelineOptions &options) {
        buildCompilePipeline(pm, options);
      });
}

} // namespace qforge
