//===- CalibrationStage.h - --calib inside qforge-compile -------*- C++ -*-===//
//
// In-process calibration through the calibration library's Session
// (qforge/Calibration/Calibrate.h): the float model runs on the samples with
// observers on every matmul's input and output; the statistics go to
// --qf-quantize; after quantization both models run on the same samples and
// each layer's output (and each model output) is compared, giving the
// report's per-layer error: on the calibration samples, or with --eval on
// held-out ones (errors measured on the samples the statistics came from
// flatter SmoothQuant and GPTQ, which fit them; issue 18).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_COMPILER_CALIBRATIONSTAGE_H
#define QFORGE_LIB_COMPILER_CALIBRATIONSTAGE_H

#include "qforge/Calibration/Calibrate.h"
#include "qforge/Compiler/Compile.h"

#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <optional>

namespace qforge {

class CalibrationStage {
public:
  /// Calibrates a clone of the float `module` on `options.calib`, whose
  /// arrays are named `names` (one per input of `entry`).
  static llvm::Expected<std::unique_ptr<CalibrationStage>>
  run(mlir::ModuleOp module, llvm::StringRef entry,
      const std::vector<std::string> &names, const CompileOptions &options);

  /// The statistics, shared with qf-quantize (QuantizeInputs) uncopied.
  std::shared_ptr<const calib::StatsFile> stats() const { return stats_; }
  size_t numSamples() const { return session_->numSamples(); }

  /// Which samples errors are measured on.
  enum class Samples {
    Calibration, ///< --calib's, which the statistics came from
    Evaluation,  ///< --eval's held-out ones (the calibration ones without)
  };

  /// Runs a clone of the quantized module next to the float one on
  /// `samples` and fills the per-layer and per-output errors of `report`.
  llvm::Error measureErrors(mlir::ModuleOp quantized,
                            const CompileOptions &options,
                            CompileReport &report,
                            Samples samples = Samples::Calibration);

private:
  CalibrationStage() = default;
  std::unique_ptr<calib::Session> session_;
  std::shared_ptr<const calib::StatsFile> stats_;
  /// --eval's samples, loaded once.
  std::optional<calib::Samples> evaluation_;
};

} // namespace qforge

#endif
