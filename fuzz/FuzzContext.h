//===- FuzzContext.h - One MLIR context for many fuzz inputs ----*- C++ -*-===//
//
// Creating an MLIRContext with its dialects costs more than importing or
// parsing most inputs, so a target reuses one; it is replaced every 512
// inputs so that the attributes and types uniqued in it do not grow without
// bound.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_FUZZ_FUZZCONTEXT_H
#define QFORGE_FUZZ_FUZZCONTEXT_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>

inline mlir::MLIRContext &
reusedContext(llvm::function_ref<void(mlir::DialectRegistry &)> addDialects) {
  static std::unique_ptr<mlir::MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 512 == 0) {
    mlir::DialectRegistry registry;
    addDialects(registry);
    context = std::make_unique<mlir::MLIRContext>(
        registry, mlir::MLIRContext::Threading::DISABLED);
    context->loadAllAvailableDialects();
  }
  return *context;
}

#endif
