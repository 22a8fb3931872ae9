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
#include "qforge/Import/ONNXImporter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace {

/// One context for many inputs (creating one costs more than most imports);
/// replaced now and then so that the attributes uniqued in it do not grow
/// without bound.
mlir::MLIRContext &context() {
  static std::unique_ptr<mlir::MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 512 == 0) {
    mlir::DialectRegistry registry;
    qforge::registerONNXImportDialects(registry);
    context = std::make_unique<mlir::MLIRContext>(
        registry, mlir::MLIRContext::Threading::DISABLED);
    context->loadAllAvailableDialects();
  }
  return *context;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = context();
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
