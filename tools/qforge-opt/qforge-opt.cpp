//===- qforge-opt.cpp - mlir-opt with the qf dialect and passes ----------===//
//
// Every upstream dialect, extension and pass, plus qf's dialect, passes and
// named pipelines: anything qforge-compile does can be replayed here.
//
//===----------------------------------------------------------------------===//

#include "qforge/Autoquant/Passes.h"
#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  qforge::qf::registerQFPasses();
  qforge::cpu::registerQFToCPUPasses();
  qforge::autoquant::registerAutoquantPasses();
  qforge::registerPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<qforge::qf::QFDialect>();

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "QForge optimizer driver: qf dialect, passes and pipelines\n",
      registry));
}
