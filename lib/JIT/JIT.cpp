//===- JIT.cpp - Compiling an LLVM-dialect module in process -------------===//

#include "qforge/Support/JIT.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"

#include <functional>

namespace qforge {

llvm::Expected<std::unique_ptr<mlir::ExecutionEngine>>
createJIT(mlir::ModuleOp module, const JITOptions &options) {
  std::unique_ptr<llvm::TargetMachine> machine;
  if (options.hostTargetMachine) {
    auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (!builder)
      return builder.takeError();
    auto created = builder->createTargetMachine();
    if (!created)
      return created.takeError();
    machine = std::move(*created);
  }
  unsigned level = std::min(options.optLevel, 3u);
  // ExecutionEngineOptions::transformer is a function_ref: the function it
  // refers to must outlive create() (a temporary did not: AddressSanitizer's
  // stack-use-after-scope, scripts/test-sanitizers.sh).
  std::function<llvm::Error(llvm::Module *)> optimize =
      mlir::makeOptimizingTransformer(level, /*sizeLevel=*/0, machine.get());
  mlir::ExecutionEngineOptions engine;
  engine.transformer = optimize;
  engine.jitCodeGenOptLevel = level >= 3   ? llvm::CodeGenOptLevel::Aggressive
                              : level == 2 ? llvm::CodeGenOptLevel::Default
                              : level == 1 ? llvm::CodeGenOptLevel::Less
                                           : llvm::CodeGenOptLevel::None;
  engine.enableGDBNotificationListener = false;
  engine.enablePerfNotificationListener = false;
  return mlir::ExecutionEngine::create(module, engine);
}

} // namespace qforge
