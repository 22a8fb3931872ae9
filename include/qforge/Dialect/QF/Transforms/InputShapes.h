//===- InputShapes.h - Static shapes for a function's inputs ----*- C++ -*-===//
//
// "NAME=D0xD1x..." gives input NAME (its qf.name, else argN) a static shape:
// qforge-compile's --shape and qf-specialize-input-shapes' shapes= option
// share this text and its parser.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_DIALECT_QF_TRANSFORMS_INPUTSHAPES_H
#define QFORGE_DIALECT_QF_TRANSFORMS_INPUTSHAPES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qforge::qf {

/// A static shape for the input called `name`.
struct InputShape {
  std::string name;
  std::vector<int64_t> shape;

  /// Back to "NAME=D0xD1x..." (a pass option's text).
  std::string str() const;
};

/// Parses "NAME=D0xD1x..." (e.g. "x=4x128"); the error quotes the text.
llvm::Expected<InputShape> parseInputShape(llvm::StringRef text);

/// Input i's name as NAME above: its qf.name, else "arg<i>" (unsanitized).
std::string inputName(mlir::func::FuncOp fn, unsigned i);

} // namespace qforge::qf

#endif
