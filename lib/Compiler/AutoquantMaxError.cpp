//===- AutoquantMaxError.cpp - The plan under an output-error budget -----===//

#include "AutoquantMaxError.h"

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace qforge {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string number(double v) {
  return llvm::formatv("{0}", llvm::format("%.3g", v)).str();
}

/// The plan's output error: the largest relative error of any output; a
/// non-finite one is infinite (never within a budget). `report` gets the
/// per-layer and per-output errors (measureErrors).
llvm::Expected<double> planError(ModuleOp floatModel, llvm::StringRef plan,
                                 const CompileOptions &options,
                                 CalibrationStage &calibration,
                                 CompileReport &report) {
  OwningOpRef<ModuleOp> quantized = floatModel.clone();
  PassManager pm(floatModel.getContext(), ModuleOp::getOperationName());
  qf::QFQuantizeOptions quantize;
  quantize.schemeText = "f32";
  quantize.algorithm = options.algorithm;
  qf::QuantizeInputs inputs;
  inputs.stats = calibration.stats();
  inputs.schemeFileText = plan.str();
  inputs.schemeFileName = "the autoquant plan";
  pm.addPass(qf::createQFQuantize(quantize, inputs));
  if (failed(pm.run(*quantized)))
    return fail("quantizing with the autoquant plan failed (see the errors "
                "above)");
  if (llvm::Error e = calibration.measureErrors(*quantized, options, report))
    return std::move(e);
  double worst = 0.0;
  for (const ErrorReport &output : report.outputErrors)
    worst = std::isfinite(output.relError) ? std::max(worst, output.relError)
                                           : INFINITY;
  return worst;
}

} // namespace

llvm::Expected<std::string> holdMaxError(ModuleOp floatModel,
                                         const CompileOptions &options,
                                         CalibrationStage &calibration,
                                         autoquant::AutoquantResult &result,
                                         CompileReport &report) {
  double budget = options.autoquant.maxError;
  result.maxError = budget;
  result.reverts.clear();
  auto progress = [&](const std::string &line) {
    if (!options.autoquant.quiet)
      llvm::errs() << "qforge-compile: autoquant max-error: " << line << "\n";
  };
  while (true) {
    std::string plan = autoquant::planFileText(result);
    llvm::Expected<double> error =
        planError(floatModel, plan, options, calibration, report);
    if (!error)
      return error.takeError();
    result.outputError = *error;
    if (*error <= budget) {
      progress("output error " + number(*error) + " is within " +
               number(budget) + " after " +
               std::to_string(result.reverts.size()) + " revert(s)");
      // The header now states the final error.
      return autoquant::planFileText(result);
    }
    std::optional<autoquant::Revert> step =
        autoquant::revertWorstLayer(result.layers, *error);
    if (!step)
      return fail("no plan of these candidates meets --autoquant-max-error=" +
                  number(budget) + ": with every layer at its most accurate "
                  "candidate that passes the guard, the output error is " +
                  number(*error) + " (add f32 or a more precise scheme to "
                  "the candidates, or raise the budget)");
    progress("output error " + number(*error) + " > " + number(budget) +
             ": reverting " + step->layer + " from " + step->from + " to " +
             step->to);
    result.reverts.push_back(*step);
  }
}

} // namespace qforge
