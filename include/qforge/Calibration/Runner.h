//===- Runner.h - JIT-run a model with qf.observe taps ----------*- C++ -*-===//
//
// Calibration runs the model itself: every `qf.observe` becomes a call into
// this runtime,
//   func.call @qforge_observe(%index, %channel_dim, %x) : (i64, i64, tensor<*xf32>) -> ()
// (declared `llvm.emit_c_interface`; the JIT resolves
// `_mlir_ciface_qforge_observe` through ExecutionEngine's symbol map), the
// rest goes through qforge::buildReferenceToLLVMPipeline, and the entry
// function is JIT-compiled with mlir::ExecutionEngine and run sample by
// sample. Arguments and results are ranked tensors; they are passed as
// formats::NpyArray values (row-major host arrays).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_CALIBRATION_RUNNER_H
#define QFORGE_CALIBRATION_RUNNER_H

#include "qforge/Formats/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
}

namespace qforge::calib {

/// The runtime symbol `qf.observe` lowers to.
inline constexpr const char *kObserveFunction = "qforge_observe";

/// Receives the values of the observers while a compiled model runs.
class ObserveSink {
public:
  virtual ~ObserveSink();
  /// `data`: `rows` x `channels` contiguous floats, the observed tensor with
  /// its channel dimension moved last (`shape` is that permuted shape).
  /// A returned error stops the run and is reported by CompiledModel::run.
  virtual llvm::Error observe(unsigned index, const float *data, int64_t rows,
                              int64_t channels, llvm::ArrayRef<int64_t> shape) = 0;
};

/// One argument or result of the entry function.
struct TensorSignature {
  std::string type;       ///< as MLIR prints it, e.g. "tensor<4x32xf32>"
  char kind = 'f';        ///< numpy kind ('f', 'i', 'u', 'b')
  unsigned itemSize = 4;  ///< bytes
  std::vector<int64_t> shape; ///< -1 for a dynamic dimension
};

/// The entry function: `name` if not empty; otherwise the only public
/// function, or else `main` or `forward`. Errors say what was found.
llvm::Expected<mlir::func::FuncOp> findEntryFunction(mlir::ModuleOp module,
                                                     llvm::StringRef name);

/// Replaces every qf.observe by a call to the runtime (see above). Returns
/// the ids by index (an id observed in several places shares an index).
llvm::Expected<std::vector<std::string>>
lowerObservesToRuntimeCalls(mlir::ModuleOp module);

class CompiledModel {
public:
  ~CompiledModel();

  /// Lowers `module` in place and JIT-compiles it. `what` names the model
  /// in errors.
  static llvm::Expected<std::unique_ptr<CompiledModel>>
  compile(mlir::ModuleOp module, llvm::StringRef entry, llvm::StringRef what);

  llvm::StringRef entryName() const { return entry_; }
  const std::vector<std::string> &observeIds() const { return ids_; }
  const std::vector<TensorSignature> &inputs() const { return inputs_; }
  const std::vector<TensorSignature> &outputs() const { return outputs_; }

  /// Runs the entry function once. `args` must match inputs() (checked);
  /// they are copied, so the model may write to its argument buffers.
  /// Observers report to `sink` (may be null).
  llvm::Error run(llvm::ArrayRef<formats::NpyArray> args, std::vector<formats::NpyArray> &results,
                  ObserveSink *sink);

private:
  CompiledModel() = default;
  std::string entry_, what_;
  std::vector<std::string> ids_;
  std::vector<TensorSignature> inputs_, outputs_;
  /// The large constants' values, which the engine's code reads (declared
  /// before it: destroyed after it).
  std::vector<std::unique_ptr<char, void (*)(void *)>> constants_;
  std::unique_ptr<mlir::ExecutionEngine> engine_;
};

/// Checks `array` (one sample, leading dimension removed) against `sig`;
/// errors name the argument and both shapes/dtypes.
llvm::Error checkArgument(const TensorSignature &sig, const formats::NpyArray &array,
                          unsigned index);

/// Registers what parsing and lowering a model needs (all upstream dialects
/// and extensions, qf, LLVM IR translations) and initialises the native
/// target for the JIT.
void registerRunnerDialects(mlir::DialectRegistry &registry);
void initializeNativeTargetOnce();

} // namespace qforge::calib

#endif
