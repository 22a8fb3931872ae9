//===- Signature.h - The exported function's inputs and outputs -*- C++ -*-===//
//
// What an artifact promises its caller: names, dtypes and shapes of the
// inputs and outputs. Dynamic input dimensions are named (the importer's
// qf.dim_names, i.e. ONNX dim_params, or "<input>.<dim>"); each dynamic
// output dimension must provably equal a constant or a named input
// dimension (ValueBoundsOpInterface), so that the runtime can check the
// caller's output buffers before anything runs.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_COMPILER_SIGNATURE_H
#define QFORGE_LIB_COMPILER_SIGNATURE_H

#include "qforge/Compiler/Compile.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

namespace qforge {

/// Names must survive a whitespace-separated info format and C comments.
std::string sanitizeName(llvm::StringRef name);

/// Input i's name: its qf.name, else "arg<i>" (unsanitized).
using qf::inputName;

/// Fills report.inputs and report.outputs from `fn`.
llvm::Error computeSignature(mlir::func::FuncOp fn, CompileReport &report);

} // namespace qforge

#endif
