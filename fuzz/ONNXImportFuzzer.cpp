//===- ONNXImportFuzzer.cpp - Fuzzes the ONNX importer --------------------===//
//
// Models are the most common untrusted input: a ModelProto (protobuf) whose
// graph, shapes, attributes and initializers are all attacker-chosen. An
// imported module must verify: the importer, not MLIR's verifier downstream,
// is where a malformed model is refused. External data is resolved against a
// directory that does not exist, so an input cannot make the fuzzer read the
// machine's files.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"
#include "FuzzContext.h"
#include "qforge/Import/ONNXImporter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = reusedContext(qforge::registerONNXImportDialects);
  qforge::ONNXImportOptions options;
  options.baseDirectory = "/nonexistent/qforge-fuzz";
  options.sourceName = "<fuzz>";
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>> module =
      qforge::importONNXFromBytes(bytes, &ctx, options);
  if (!module) {
    llvm::consumeError(module.takeError());
    return 0;
  }
  mlir::ScopedDiagnosticHandler silence(&ctx, [](mlir::Diagnostic &) {
    return mlir::success();
  });
  FUZZ_CHECK(mlir::succeeded(mlir::verify(module->get())));
  return 0;
}
