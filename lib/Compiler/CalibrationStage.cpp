//===- CalibrationStage.cpp - --calib inside qforge-compile --------------===//

#include "CalibrationStage.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"

#include "qforge/Calibration/Collector.h"
#include "qforge/Calibration/Fingerprint.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;

namespace qforge {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Observers on every matmul's input (statistics) and output (errors).
llvm::Error insertObservers(ModuleOp module) {
  PassManager pm(module.getContext());
  qf::QFInsertObserversOptions options;
  options.outputs = true;
  pm.addPass(qf::createQFInsertObservers(options));
  if (failed(pm.run(module)))
    return fail("inserting calibration observers failed (see the errors "
                "above)");
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<calib::CompiledModel>>
jit(ModuleOp module, StringRef entry, StringRef what) {
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());
  // Names are known already; LLVM would only warn about qf.* attributes.
  MLIRContext *ctx = module.getContext();
  module.walk([&](func::FuncOp fn) {
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      fn.removeArgAttr(i, StringAttr::get(ctx, qf::kNameAttrName));
      fn.removeArgAttr(i, StringAttr::get(ctx, qf::kDimNamesAttrName));
    }
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      fn.removeResultAttr(i, StringAttr::get(ctx, qf::kNameAttrName));
  });
  return calib::CompiledModel::compile(module, entry, what);
}

ErrorReport toReport(const calib::ErrorAccumulator &acc) {
  ErrorReport r;
  r.measured = true;
  // All-zero float output: no relative error to speak of.
  r.relError = acc.ref > 0 ? acc.relError() : (acc.err > 0 ? INFINITY : 0.0);
  r.sqnrDb = acc.err > 0 ? acc.sqnrDb() : INFINITY;
  return r;
}

} // namespace

llvm::Expected<std::unique_ptr<CalibrationStage>>
CalibrationStage::run(ModuleOp module, StringRef entry,
                      const std::vector<std::string> &names,
                      const CompileOptions &options) {
  std::unique_ptr<CalibrationStage> stage(new CalibrationStage());
  stage->entry_ = entry.str();
  stage->stats_.fingerprint = computeModelFingerprint(module);
  stage->floatClone_ = module.clone();
  if (llvm::Error e = insertObservers(*stage->floatClone_))
    return std::move(e);
  auto model = jit(*stage->floatClone_, entry, "calibration (float model)");
  if (!model)
    return model.takeError();
  stage->float_ = std::move(*model);
  auto samples =
      calib::loadSamples(options.calib, *stage->float_, names);
  if (!samples)
    return samples.takeError();
  stage->samples_ = std::move(*samples);

  const std::vector<std::string> &ids = stage->float_->observeIds();
  calib::Collector collector(ids, calib::ObserverOptions(), /*capture=*/false);
  std::vector<calib::NpyArray> results;
  size_t count = stage->samples_.count;
  for (size_t i = 0; i < count; ++i) {
    if (llvm::Error err = stage->float_->run(stage->samples_.sample(i), results,
                                             &collector))
      return fail(llvm::formatv("{0}: sample {1}: {2}", options.calib, i,
                                llvm::toString(std::move(err))));
    if (options.onProgress)
      options.onProgress("calibration", i + 1, count);
  }
  calib::StatsFile &stats = stage->stats_;
  stats.samples = int64_t(count);
  for (size_t i = 0; i < ids.size(); ++i) {
    if (collector.observers[i].empty())
      continue;
    stats.ids.push_back(ids[i]);
    stats.stats[ids[i]] = collector.observers[i].finalize();
  }
  return stage;
}

llvm::Error CalibrationStage::measureErrors(ModuleOp quantized,
                                            const CompileOptions &options,
                                            CompileReport &report) {
  OwningOpRef<ModuleOp> clone = quantized.clone();
  if (llvm::Error e = insertObservers(*clone))
    return e;
  auto quant = jit(*clone, entry_, "evaluation (quantized model)");
  if (!quant)
    return quant.takeError();

  // Layers: "<layer>.output" observed in both models.
  struct Match {
    LayerReport *layer;
    unsigned ref, quant;
    calib::ErrorAccumulator acc;
  };
  std::vector<Match> matches;
  const auto &refIds = float_->observeIds(), &quantIds = (*quant)->observeIds();
  for (LayerReport &layer : report.layers) {
    std::string id = layer.name + ".output";
    auto r = llvm::find(refIds, id), q = llvm::find(quantIds, id);
    if (r != refIds.end() && q != quantIds.end())
      matches.push_back({&layer, unsigned(r - refIds.begin()),
                         unsigned(q - quantIds.begin()), {}});
  }
  calib::Collector refSink(refIds, std::nullopt, /*capture=*/true);
  calib::Collector quantSink(quantIds, std::nullopt, /*capture=*/true);
  std::vector<calib::ErrorAccumulator> outputs(report.outputs.size());
  std::vector<calib::NpyArray> refResults, quantResults;
  size_t count = samples_.count;
  for (size_t i = 0; i < count; ++i) {
    std::vector<calib::NpyArray> args = samples_.sample(i);
    refSink.clearCaptured();
    quantSink.clearCaptured();
    if (llvm::Error err = float_->run(args, refResults, &refSink))
      return fail(llvm::formatv("{0}: sample {1}: {2}", options.calib, i,
                                llvm::toString(std::move(err))));
    if (llvm::Error err = (*quant)->run(args, quantResults, &quantSink))
      return fail(llvm::formatv("{0}: sample {1}: {2}", options.calib, i,
                                llvm::toString(std::move(err))));
    for (size_t o = 0; o < outputs.size() && o < refResults.size(); ++o) {
      std::vector<double> y = calib::toDoubles(refResults[o]);
      std::vector<double> q = calib::toDoubles(quantResults[o]);
      if (y.size() != q.size())
        return fail(llvm::formatv("sample {0}: output {1} differs in size "
                                  "between the float and quantized models",
                                  i, o));
      outputs[o].add(y.data(), q.data(), y.size());
    }
    for (Match &m : matches) {
      const auto &y = refSink.captured[m.ref];
      const auto &q = quantSink.captured[m.quant];
      if (y.size() == q.size())
        m.acc.add(y.data(), q.data(), y.size());
    }
    if (options.onProgress)
      options.onProgress("evaluation", i + 1, count);
  }
  for (Match &m : matches)
    m.layer->error = toReport(m.acc);
  report.outputErrors.clear();
  for (const calib::ErrorAccumulator &acc : outputs)
    report.outputErrors.push_back(toReport(acc));
  report.calibrationSamples = int64_t(count);
  return llvm::Error::success();
}

} // namespace qforge
