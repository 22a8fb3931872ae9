//===- QForgePlugin.cpp - qf in stock mlir-opt ---------------------------===//
//
// A dialect and pass plugin, as mlir/examples/standalone's: stock
// `mlir-opt --load-dialect-plugin=QForgePlugin.so
// --load-pass-plugin=QForgePlugin.so` parses qf IR and runs every qf pass
// and named pipeline (qf-cpu-to-llvm, qf-compile, ...). Both entry points
// live in one shared library that links the QForge libraries statically and
// MLIR/LLVM as the same shared libraries mlir-opt uses.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "QForge", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            registry->insert<qforge::qf::QFDialect>();
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "QForgePasses", LLVM_VERSION_STRING, [] {
            qforge::qf::registerQFPasses();
            qforge::cpu::registerQFToCPUPasses();
            qforge::registerPipelines();
          }};
}
