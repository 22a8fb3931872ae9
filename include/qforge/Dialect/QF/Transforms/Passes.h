//===- Passes.h - qf transformation passes ----------------------*- C++ -*-===//
#ifndef QFORGE_DIALECT_QF_TRANSFORMS_PASSES_H
#define QFORGE_DIALECT_QF_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "qforge/Calibration/StatsFile.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Quant/Scheme.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace qforge::qf {

#define GEN_PASS_DECL
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"

/// What qf-quantize takes in memory from C++ (the driver, Python,
/// autoquant) in place of its file options, which qforge-opt uses.
struct QuantizeInputs {
  /// Calibration statistics, in place of `stats=FILE` (checked against the
  /// module's fingerprint all the same).
  std::shared_ptr<const calib::StatsFile> stats;
  /// A per-layer plan, in place of `scheme-file=FILE`: (glob, scheme), the
  /// first match wins; layers no rule matches take `scheme=`.
  std::vector<std::pair<std::string, quant::Scheme>> plan;
  /// The text of a scheme file, in place of `scheme-file=FILE` (same
  /// grammar: an autoquant plan the driver holds in memory);
  /// `schemeFileName` names it in diagnostics.
  std::string schemeFileText;
  std::string schemeFileName = "<plan>";
};

/// qf-quantize with `inputs` in memory.
std::unique_ptr<mlir::Pass> createQFQuantize(const QFQuantizeOptions &options,
                                             QuantizeInputs inputs);

/// What --qf-lower-to-reference does, as a function (the pattern of
/// upstream's populate...Patterns: passes share it, none runs another):
/// every qf op of `module` to linalg/arith with the numeric core's exact
/// semantics, then uiN -> iN module-wide and qf.name attributes dropped.
/// qf-lower-to-cpu calls it for the qf ops it has no kernel for.
mlir::LogicalResult lowerToReference(mlir::ModuleOp module);

} // namespace qforge::qf

#endif // QFORGE_DIALECT_QF_TRANSFORMS_PASSES_H
