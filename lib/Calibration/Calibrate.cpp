//===- Calibrate.cpp - Calibration and comparison as one API -------------===//
//
// One implementation of "run the float model on the samples" (statistics)
// and "run both models and compare" (errors), for every caller.
//
//===----------------------------------------------------------------------===//

#include "qforge/Calibration/Calibrate.h"

#include "qforge/Calibration/Fingerprint.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;

namespace qforge::calib {

using formats::NpyArray;
using formats::shapeString;
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

bool hasObservers(ModuleOp module) {
  bool found = false;
  module.walk([&](qf::ObserveOp) {
    found = true;
    return WalkResult::interrupt();
  });
  return found;
}

/// Observers on every matmul's input (statistics) and, with `outputs`, its
/// output (errors): --qf-insert-observers on the caller's clone.
llvm::Error insertObservers(ModuleOp module, bool outputs) {
  PassManager pm(module.getContext());
  qf::QFInsertObserversOptions options;
  options.outputs = outputs;
  pm.addPass(qf::createQFInsertObservers(options));
  if (failed(pm.run(module)))
    return fail("inserting calibration observers failed (see the errors "
                "above)");
  return llvm::Error::success();
}

/// JIT-compiles `module` (a clone, lowered in place).
llvm::Expected<std::unique_ptr<CompiledModel>>
jit(ModuleOp module, StringRef entry, StringRef what) {
  MLIRContext *ctx = module.getContext();
  registerBuiltinDialectTranslation(*ctx);
  registerLLVMDialectTranslation(*ctx);
  // Names are known already; LLVM would only warn about qf.* attributes.
  module.walk([&](func::FuncOp fn) {
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      fn.removeArgAttr(i, StringAttr::get(ctx, qf::kNameAttrName));
      fn.removeArgAttr(i, StringAttr::get(ctx, qf::kDimNamesAttrName));
    }
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      fn.removeResultAttr(i, StringAttr::get(ctx, qf::kNameAttrName));
  });
  return CompiledModel::compile(module, entry, what);
}

/// The statistics `collector` gathered, ids in observation order.
StatsFile toStatsFile(const std::vector<std::string> &ids,
                      const Collector &collector, const ObserverOptions &o,
                      const std::string &fingerprint, size_t samples,
                      const WarningFn &warn) {
  StatsFile stats;
  stats.fingerprint = fingerprint;
  stats.observer = observerKindName(o.kind).str();
  stats.momentum = o.momentum;
  stats.percentile = o.percentile;
  stats.samples = int64_t(samples);
  for (size_t i = 0; i < ids.size(); ++i) {
    const ValueObserver &obs = collector.observers[i];
    if (obs.empty()) {
      if (warn)
        warn("observer '" + ids[i] + "' never ran; it is left out");
      continue;
    }
    if (obs.nonFinite() && warn)
      warn(llvm::formatv("observer '{0}' saw {1} non-finite values (ignored)",
                         ids[i], obs.nonFinite())
               .str());
    stats.ids.push_back(ids[i]);
    stats.stats[ids[i]] = obs.finalize();
  }
  return stats;
}

std::string sampleError(size_t i, llvm::Error err) {
  return llvm::formatv("sample {0}: {1}", i, llvm::toString(std::move(err)))
      .str();
}

} // namespace

Session::~Session() = default;

llvm::Expected<std::unique_ptr<Session>>
Session::create(ModuleOp floatModel, StringRef samplesPath,
                const SessionOptions &options) {
  std::unique_ptr<Session> session(new Session());
  session->options = options;
  llvm::Expected<func::FuncOp> entry =
      findEntryFunction(floatModel, options.entry);
  if (!entry)
    return fail(options.what + ": " + llvm::toString(entry.takeError()));
  session->options.entry = entry->getName().str();
  session->fingerprint = computeModelFingerprint(floatModel);
  session->floatClone = floatModel.clone();
  ModuleOp clone = *session->floatClone;
  if (!(options.keepExistingObservers && hasObservers(clone)))
    if (llvm::Error e = insertObservers(clone, options.observeOutputs))
      return std::move(e);
  if (options.requireObservers && !hasObservers(clone))
    return fail("'" + options.what +
                "' has no matmul (or qf.observe) to observe");
  llvm::Expected<std::unique_ptr<CompiledModel>> model =
      jit(clone, session->options.entry, options.what);
  if (!model)
    return model.takeError();
  session->floatModel = std::move(*model);
  llvm::Expected<Samples> samples = session->readSamples(samplesPath);
  if (!samples)
    return samples.takeError();
  session->samples = std::move(*samples);
  return std::move(session);
}

llvm::Expected<Samples> Session::readSamples(StringRef path) const {
  std::vector<std::string> names =
      options.inputNames.empty()
          ? positionalNames(floatModel->inputs().size())
          : options.inputNames;
  return loadSamples(path, *floatModel, names, options.maxSamples);
}

llvm::Expected<StatsFile> Session::calibrate(const ObserverOptions &observer,
                                             const ProgressFn &progress,
                                             const WarningFn &warn) {
  const std::vector<std::string> &ids = floatModel->observeIds();
  Collector collector(ids, observer, /*capture=*/false);
  std::vector<NpyArray> results;
  for (size_t i = 0; i < samples.count; ++i) {
    if (llvm::Error err = floatModel->run(samples.sample(i), results, &collector))
      return fail(sampleError(i, std::move(err)));
    if (progress)
      progress(i + 1, samples.count);
  }
  return toStatsFile(ids, collector, observer, fingerprint, samples.count,
                     warn);
}

llvm::Expected<Comparison>
Session::compare(ModuleOp quantized, StringRef what, const ProgressFn &progress,
                 const std::optional<ObserverOptions> &stats,
                 const Samples *on) {
  const Samples &samples = on ? *on : this->samples;
  OwningOpRef<ModuleOp> clone = quantized.clone();
  if (llvm::Error e = insertObservers(*clone, /*outputs=*/true))
    return std::move(e);
  llvm::Expected<std::unique_ptr<CompiledModel>> quant =
      jit(*clone, options.entry, what);
  if (!quant)
    return quant.takeError();
  CompiledModel &q = **quant;

  StringRef refWhat = options.what;
  const auto &ri = floatModel->inputs(), &qi = q.inputs();
  const auto &ro = floatModel->outputs(), &qo = q.outputs();
  if (ri.size() != qi.size())
    return fail(llvm::formatv("'{0}' takes {1} arguments but '{2}' takes {3}",
                              refWhat, ri.size(), what, qi.size()));
  for (size_t i = 0; i < ri.size(); ++i)
    if (ri[i].type != qi[i].type)
      return fail(llvm::formatv("argument {0} is {1} in '{2}' but {3} in '{4}'",
                                i, ri[i].type, refWhat, qi[i].type, what));
  if (ro.size() != qo.size())
    return fail(llvm::formatv("'{0}' has {1} results but '{2}' has {3}",
                              refWhat, ro.size(), what, qo.size()));
  for (size_t i = 0; i < ro.size(); ++i)
    if (ro[i].shape != qo[i].shape)
      return fail(llvm::formatv("result {0} is {1} in '{2}' but {3} in '{4}'",
                                i, ro[i].type, refWhat, qo[i].type, what));

  // Layers: "<layer>.output" observed in both models.
  Comparison result;
  struct Match {
    unsigned ref, quant;
  };
  std::vector<Match> matches;
  const auto &refIds = floatModel->observeIds(), &quantIds = q.observeIds();
  for (unsigned r = 0; r < refIds.size(); ++r) {
    StringRef id = refIds[r];
    if (!id.ends_with(".output"))
      continue;
    StringRef layer = id.drop_back(StringRef(".output").size());
    auto it = llvm::find(quantIds, refIds[r]);
    if (it == quantIds.end()) {
      result.unmatchedLayers.push_back(layer.str());
      continue;
    }
    matches.push_back({r, unsigned(it - quantIds.begin())});
    result.layers.push_back({layer.str(), {}});
  }

  Collector refSink(refIds, stats, /*capture=*/true);
  Collector quantSink(quantIds, std::nullopt, /*capture=*/true);
  result.outputs.resize(ro.size());
  std::vector<NpyArray> refResults, quantResults;
  for (size_t i = 0; i < samples.count; ++i) {
    std::vector<NpyArray> args = samples.sample(i);
    refSink.clearCaptured();
    quantSink.clearCaptured();
    if (llvm::Error err = floatModel->run(args, refResults, &refSink))
      return fail(sampleError(i, std::move(err)));
    if (llvm::Error err = q.run(args, quantResults, &quantSink))
      return fail(sampleError(i, std::move(err)));
    for (size_t o = 0; o < ro.size(); ++o) {
      if (refResults[o].shape != quantResults[o].shape)
        return fail(llvm::formatv(
            "sample {0}: output {1} has shape {2} in '{3}' but {4} in '{5}'", i,
            o, shapeString(refResults[o].shape), refWhat,
            shapeString(quantResults[o].shape), what));
      std::vector<double> y = toDoubles(refResults[o]);
      std::vector<double> yq = toDoubles(quantResults[o]);
      // An error against a NaN or Inf reference would read 0 or NaN as if it
      // meant something (issue 16 #8): say what is wrong instead.
      if (!llvm::all_of(y, [](double v) { return std::isfinite(v); }))
        return fail(llvm::formatv(
            "sample {0}: output {1} of '{2}' is not finite (NaN or Inf), so "
            "no error can be measured against it",
            i, o, refWhat));
      result.outputs[o].add(y.data(), yq.data(), y.size());
    }
    for (size_t m = 0; m < matches.size(); ++m) {
      const auto &y = refSink.captured[matches[m].ref];
      const auto &yq = quantSink.captured[matches[m].quant];
      if (y.size() != yq.size())
        return fail(llvm::formatv("sample {0}: layer '{1}' produced {2} values "
                                  "in '{3}' but {4} in '{5}'",
                                  i, result.layers[m].name, y.size(), refWhat,
                                  yq.size(), what));
      result.layers[m].error.add(y.data(), yq.data(), y.size());
    }
    if (progress)
      progress(i + 1, samples.count);
  }
  result.samples = samples.count;
  if (stats)
    result.referenceStats = toStatsFile(refIds, refSink, *stats, fingerprint,
                                        samples.count, /*warn=*/{});
  return std::move(result);
}

llvm::Expected<StatsFile> calibrate(ModuleOp floatModel, StringRef samplesPath,
                                    const SessionOptions &options,
                                    const ObserverOptions &observer,
                                    const ProgressFn &progress,
                                    const WarningFn &warn) {
  llvm::Expected<std::unique_ptr<Session>> session =
      Session::create(floatModel, samplesPath, options);
  if (!session)
    return session.takeError();
  return (*session)->calibrate(observer, progress, warn);
}

llvm::Expected<Comparison> compare(ModuleOp reference, ModuleOp quantized,
                                   StringRef samplesPath,
                                   const SessionOptions &options,
                                   StringRef quantizedWhat,
                                   const ProgressFn &progress) {
  SessionOptions withOutputs = options;
  withOutputs.observeOutputs = true;
  llvm::Expected<std::unique_ptr<Session>> session =
      Session::create(reference, samplesPath, withOutputs);
  if (!session)
    return session.takeError();
  return (*session)->compare(quantized, quantizedWhat, progress);
}

} // namespace qforge::calib
