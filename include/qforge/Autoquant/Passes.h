//===- Passes.h - qf-autoquant ----------------------------------*- C++ -*-===//
#ifndef QFORGE_AUTOQUANT_PASSES_H
#define QFORGE_AUTOQUANT_PASSES_H

#include "qforge/Autoquant/Measurement.h"
#include "qforge/Autoquant/Planner.h"
#include "qforge/Autoquant/Revert.h"
#include "qforge/Calibration/StatsFile.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace qforge::autoquant {

#define GEN_PASS_DECL
#include "qforge/Autoquant/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qforge/Autoquant/Passes.h.inc"

/// The attribute qf-autoquant writes on each planned float matmul and
/// qf-quantize reads: {scheme = "CANDIDATE", kernel = #qf.cpu_kernel<...>}.
inline constexpr llvm::StringLiteral kAutoquantAttrName = "qf.autoquant";

/// What the pass gives back to C++ callers (the driver's report, Python).
struct AutoquantResult {
  std::vector<LayerPlan> layers;
  std::string target;       ///< resolved
  std::string timer;        ///< measured / model / table
  std::string guard;        ///< "calibration rows" or "weights only"
  std::string profile;      ///< profileString of m-profile
  double minSqnrDb = 0.0;
  std::string cachePath, cacheMode;
  /// Distinct shapes; kernel times (per shape, candidate and M bucket)
  /// read from the cache and produced by the timer.
  size_t shapes = 0, cacheHits = 0, timed = 0;
  /// Guard results (layer x candidate) read from the cache.
  size_t guardHits = 0;
  /// --autoquant-max-error (a driver step: it runs the model): the budget
  /// (0: none), the final plan's output error on the calibration samples,
  /// and the layers reverted to meet it, in order.
  double maxError = 0.0;
  double outputError = std::nan("");
  std::vector<Revert> reverts;
};

/// What qf-autoquant takes in memory from C++ in place of file options.
struct AutoquantInputs {
  std::shared_ptr<const calib::StatsFile> stats;
  /// Replaces the timer the options name (tests, Python).
  std::shared_ptr<Timer> timer;
  /// Filled when the pass succeeds.
  std::shared_ptr<AutoquantResult> result;
  /// Progress lines (default: stderr unless quiet).
  std::function<void(llvm::StringRef)> progress;
};

std::unique_ptr<mlir::Pass> createQFAutoquant(const QFAutoquantOptions &options,
                                              AutoquantInputs inputs);

/// The result as JSON (report.json's "autoquant").
std::string resultToJSON(const AutoquantResult &result);

/// The plan as a scheme file (planToSchemeFile) with a header naming the
/// target, timer, guard, profile, max-error reverts and how to replay it.
std::string planFileText(const AutoquantResult &result);

} // namespace qforge::autoquant

#endif
