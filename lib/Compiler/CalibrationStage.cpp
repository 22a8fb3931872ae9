//===- CalibrationStage.cpp - --calib inside qforge-compile --------------===//

#include "CalibrationStage.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;

namespace qforge {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

ErrorReport toReport(const calib::ErrorAccumulator &acc) {
  ErrorReport r;
  r.measured = true;
  // All-zero float output: no relative error to speak of.
  r.relError = acc.ref > 0 ? acc.relError() : (acc.err > 0 ? INFINITY : 0.0);
  r.sqnrDb = acc.err > 0 ? acc.sqnrDb() : INFINITY;
  return r;
}

calib::ProgressFn progressFor(const CompileOptions &options,
                              llvm::StringRef stage) {
  if (!options.onProgress)
    return {};
  std::string name = stage.str();
  return [&options, name](size_t done, size_t total) {
    options.onProgress(name, done, total);
  };
}

} // namespace

llvm::Expected<std::unique_ptr<CalibrationStage>>
CalibrationStage::run(ModuleOp module, StringRef entry,
                      const std::vector<std::string> &names,
                      const CompileOptions &options) {
  std::unique_ptr<CalibrationStage> stage(new CalibrationStage());
  calib::SessionOptions session;
  session.entry = entry.str();
  session.inputNames = names;
  session.observeOutputs = true;
  session.requireObservers = false;
  session.what = "calibration (float model)";
  llvm::Expected<std::unique_ptr<calib::Session>> created =
      calib::Session::create(module, options.calib, session);
  if (!created)
    return created.takeError();
  stage->session_ = std::move(*created);
  llvm::Expected<calib::StatsFile> stats = stage->session_->calibrate(
      calib::ObserverOptions(), progressFor(options, "calibration"));
  if (!stats)
    return fail(options.calib + ": " + llvm::toString(stats.takeError()));
  stage->stats_ = std::make_shared<const calib::StatsFile>(std::move(*stats));
  if (!options.eval.empty()) {
    llvm::Expected<calib::Samples> held =
        stage->session_->readSamples(options.eval);
    if (!held)
      return held.takeError();
    stage->evaluation_ = std::move(*held);
  }
  return std::move(stage);
}

llvm::Error CalibrationStage::measureErrors(ModuleOp quantized,
                                            const CompileOptions &options,
                                            CompileReport &report,
                                            Samples samples) {
  const calib::Samples *on =
      samples == Samples::Evaluation && evaluation_ ? &*evaluation_ : nullptr;
  llvm::Expected<calib::Comparison> comparison = session_->compare(
      quantized, "evaluation (quantized model)",
      progressFor(options, "evaluation"), std::nullopt, on);
  if (!comparison)
    return fail((on ? options.eval : options.calib) + ": " +
                llvm::toString(comparison.takeError()));
  for (LayerReport &layer : report.layers)
    for (const calib::ValueError &v : comparison->layers)
      if (v.name == layer.name)
        layer.error = toReport(v.error);
  report.outputErrors.clear();
  for (const calib::ErrorAccumulator &acc : comparison->outputs)
    report.outputErrors.push_back(toReport(acc));
  report.calibrationSamples = int64_t(session_->numSamples());
  report.evaluationSamples = int64_t(comparison->samples);
  report.errorsOnHeldOut = on != nullptr;
  return llvm::Error::success();
}

} // namespace qforge
