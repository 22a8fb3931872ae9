//===- JIT.h - Compiling an LLVM-dialect module in process ------*- C++ -*-===//
//
// The one place that turns a module in the LLVM dialect into an
// mlir::ExecutionEngine: calibration and comparison (lib/Calibration), the
// matmul harness of qforge-bench and the kernel tests (lib/Bench), and next
// autoquant's measurements.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_SUPPORT_JIT_H
#define QFORGE_SUPPORT_JIT_H

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace qforge {

struct JITOptions {
  /// LLVM IR optimization and code generation level, 0..3.
  unsigned optLevel = 2;
  /// Optimize for the host's own CPU and features (what the kernels are
  /// generated for); otherwise LLVM's default target machine.
  bool hostTargetMachine = false;
};

/// JIT-compiles `module` (LLVM dialect; its dialects' LLVM IR translations
/// registered). No GDB or perf listeners.
llvm::Expected<std::unique_ptr<mlir::ExecutionEngine>>
createJIT(mlir::ModuleOp module, const JITOptions &options);

} // namespace qforge

#endif
