//===- Calibrate.h - Calibration and comparison as one API ------*- C++ -*-===//
//
// What qforge-calibrate, qforge-compile --calib, Python and autoquant share:
// a float model JIT-compiled with observers (lib/Calibration/Runner.h) and
// the samples it runs on (Samples.h), giving
//   - calibrate(): the statistics of every observed value (a StatsFile), and
//   - compare():   the error of a quantized model against it, per model
//                  output and per layer ("<layer>.output" in both models).
// A Session compiles the float model once for both; calibrate() and
// compare() below are the one-shot forms.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_CALIBRATION_CALIBRATE_H
#define QFORGE_CALIBRATION_CALIBRATE_H

#include "qforge/Calibration/Collector.h"
#include "qforge/Calibration/Runner.h"
#include "qforge/Calibration/Samples.h"
#include "qforge/Calibration/StatsFile.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qforge::calib {

/// Called with (samples done, total) as a run goes.
using ProgressFn = std::function<void(size_t done, size_t total)>;
/// Called with a warning that does not stop the run (an observer that never
/// ran, non-finite values seen).
using WarningFn = std::function<void(llvm::StringRef message)>;

struct SessionOptions {
  /// The entry function; empty: the only public one, or main / forward.
  std::string entry;
  /// Names of the samples' arrays, one per argument; empty: arg0, arg1, ...
  std::vector<std::string> inputNames;
  /// Use at most this many samples (0: all).
  size_t maxSamples = 0;
  /// Also observe each matmul's output as "<layer>.output" (compare() needs
  /// it).
  bool observeOutputs = true;
  /// When the model already has qf.observe ops, use them as they are
  /// instead of inserting observers (qforge-calibrate's rule).
  bool keepExistingObservers = false;
  /// A model with nothing to observe is an error (else: empty statistics).
  bool requireObservers = true;
  /// Names the model and the samples in errors.
  std::string what = "model";
};

/// The error of one value of the quantized model against the float one.
struct ValueError {
  std::string name;
  ErrorAccumulator error;
};

struct Comparison {
  std::vector<ErrorAccumulator> outputs; ///< per model output
  std::vector<ValueError> layers;        ///< "<layer>.output" in both models
  /// Layers of the float model with no counterpart in the quantized one.
  std::vector<std::string> unmatchedLayers;
  size_t samples = 0;
  /// The float model's statistics, when compare() was asked for them.
  std::optional<StatsFile> referenceStats;
};

class Session {
public:
  ~Session();

  /// Clones `floatModel` (left unchanged), inserts observers, JIT-compiles
  /// it and loads `samplesPath` against its arguments.
  static llvm::Expected<std::unique_ptr<Session>>
  create(mlir::ModuleOp floatModel, llvm::StringRef samplesPath,
         const SessionOptions &options);

  size_t numSamples() const { return samples.count; }
  const CompiledModel &model() const { return *floatModel; }

  /// Runs every sample and returns the statistics of every observed value,
  /// fingerprinted for the float model (qf-quantize checks it).
  llvm::Expected<StatsFile> calibrate(const ObserverOptions &observer,
                                      const ProgressFn &progress = {},
                                      const WarningFn &warn = {});

  /// Samples of the float model's inputs from `path`, checked against its
  /// arguments: the session's own (at creation), and e.g. held-out ones to
  /// measure errors on.
  llvm::Expected<Samples> readSamples(llvm::StringRef path) const;

  /// Runs `quantized` (a clone is compiled; it is left unchanged) next to
  /// the float model on every sample (of `on`, when given, else the
  /// session's). Its arguments and results must match the float model's.
  /// With `stats`, also the float model's statistics.
  llvm::Expected<Comparison>
  compare(mlir::ModuleOp quantized, llvm::StringRef what,
          const ProgressFn &progress = {},
          const std::optional<ObserverOptions> &stats = std::nullopt,
          const Samples *on = nullptr);

private:
  Session() = default;
  SessionOptions options;
  std::string fingerprint;
  mlir::OwningOpRef<mlir::ModuleOp> floatClone;
  std::unique_ptr<CompiledModel> floatModel;
  Samples samples;
};

/// The one-shot forms.
llvm::Expected<StatsFile> calibrate(mlir::ModuleOp floatModel,
                                    llvm::StringRef samplesPath,
                                    const SessionOptions &options,
                                    const ObserverOptions &observer,
                                    const ProgressFn &progress = {},
                                    const WarningFn &warn = {});
llvm::Expected<Comparison> compare(mlir::ModuleOp reference,
                                   mlir::ModuleOp quantized,
                                   llvm::StringRef samplesPath,
                                   const SessionOptions &options,
                                   llvm::StringRef quantizedWhat,
                                   const ProgressFn &progress = {});

} // namespace qforge::calib

#endif
