//===- AutoquantMaxError.h - The plan under an output-error budget -*- C++ -*-===//
//
// qforge-compile --scheme auto --autoquant-max-error=E (with --calib): the
// per-layer guard bounds each layer's noise, this bounds the model's. The
// plan quantizes a clone of the float model (qf-quantize replaying the
// plan text), which runs on the calibration samples against float; while
// the largest relative output error is over E, one layer is reverted to a
// more accurate candidate (autoquant::revertWorstLayer) and the model is
// measured again. A driver step, not part of qf-autoquant: it runs the
// model, which a pass may not do.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_COMPILER_AUTOQUANTMAXERROR_H
#define QFORGE_LIB_COMPILER_AUTOQUANTMAXERROR_H

#include "CalibrationStage.h"

#include "qforge/Autoquant/Passes.h"
#include "qforge/Compiler/Compile.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qforge {

/// Reverts layers of `result` until the plan meets
/// options.autoquant.maxError on `calibration`'s samples; fills
/// result.maxError, outputError and reverts; returns the final plan's
/// scheme-file text (planFileText). `report` gets the final plan's
/// per-layer and per-output errors, the evaluation the driver would
/// otherwise repeat after quantizing with that plan. An error when even
/// every layer at its most accurate admitted candidate is over the budget.
llvm::Expected<std::string> holdMaxError(mlir::ModuleOp floatModel,
                                         const CompileOptions &options,
                                         CalibrationStage &calibration,
                                         autoquant::AutoquantResult &result,
                                         CompileReport &report);

} // namespace qforge

#endif
