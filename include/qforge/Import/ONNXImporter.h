//===- ONNXImporter.h - ONNX models to linalg on tensors --------*- C++ -*-===//
//
// Reads an ONNX model (protobuf, opset 13+, float32 compute) into a module
// with one `func.func @main` in the form the rest of QForge expects:
// linalg (named ops and generics) / tensor / arith / math on tensors, the
// initializers as `dense_resource` f32 blobs, matmul-like ops located by
// their ONNX node names. docs/IMPORT.md lists the operators and their
// lowering.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_IMPORT_ONNXIMPORTER_H
#define QFORGE_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir {
class DialectRegistry;
class MLIRContext;
} // namespace mlir

namespace qforge {

struct ONNXImportOptions {
  /// Name of the generated function.
  std::string functionName = "main";
  /// Initializers and constants with at most this many elements become plain
  /// `dense` attributes; larger float32 ones become `dense_resource` blobs.
  int64_t maxDenseElements = 16;
  /// Directory that external-data locations are relative to. Set from the
  /// model's path by the file entry points; for bytes, the current directory
  /// unless given.
  std::string baseDirectory;
  /// Name used for the model in diagnostics and locations (the file path by
  /// default for the file entry points, "<onnx>" for bytes).
  std::string sourceName;
};

/// Adds the dialects an imported module uses (func, linalg, tensor, arith,
/// math) to `registry`.
void registerONNXImportDialects(mlir::DialectRegistry &registry);

/// Imports the model in the file at `path`. Errors (a missing or unreadable
/// file, a malformed model, unsupported nodes: one error listing all of
/// them) are emitted as diagnostics on `context`; the result is then null.
/// The needed dialects are loaded into `context`.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(llvm::StringRef path, mlir::MLIRContext *context,
               ONNXImportOptions options = {});

/// Same, from the serialized ModelProto in `bytes`.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXBytes(llvm::StringRef bytes, mlir::MLIRContext *context,
                ONNXImportOptions options = {});

/// The entry points above with the errors as an llvm::Error whose message is
/// the emitted diagnostics, one per line (they are not passed on to the
/// context's other handlers).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importONNX(llvm::StringRef path, mlir::MLIRContext *context,
           ONNXImportOptions options = {});
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importONNXFromBytes(llvm::StringRef bytes, mlir::MLIRContext *context,
                    ONNXImportOptions options = {});

} // namespace qforge

#endif // QFORGE_IMPORT_ONNXIMPORTER_H
