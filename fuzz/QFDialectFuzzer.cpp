//===- QFDialectFuzzer.cpp - Fuzzes the qf dialect's parser and verifiers ===//
//
// qforge-opt, qforge-compile and the plugin read .mlir files: the qf
// dialect's custom assembly (ops, `#qf.*` attributes, kernel configs) and
// its verifiers must refuse malformed IR with a diagnostic, never crash. A
// module that parses and verifies must print to text that parses and
// verifies again.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"
#include "FuzzContext.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

mlir::OwningOpRef<mlir::ModuleOp> parseAndVerify(llvm::StringRef text,
                                                 mlir::MLIRContext &ctx) {
  // parseSourceString verifies what it parsed.
  return mlir::parseSourceString<mlir::ModuleOp>(text, &ctx, "<fuzz>");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = reusedContext([](mlir::DialectRegistry &registry) {
    registry.insert<qforge::qf::QFDialect, mlir::func::FuncDialect,
                    mlir::arith::ArithDialect, mlir::tensor::TensorDialect,
                    mlir::linalg::LinalgDialect, mlir::quant::QuantDialect>();
  });
  mlir::ScopedDiagnosticHandler silence(&ctx, [](mlir::Diagnostic &) {
    return mlir::success();
  });
  // MLIR's lexer relies on the NUL that follows every buffer MemoryBuffer
  // reads from a file; a std::string has one.
  std::string text(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module = parseAndVerify(text, ctx);
  if (!module)
    return 0;
  std::string printed;
  llvm::raw_string_ostream os(printed);
  module->print(os);
  FUZZ_CHECK(parseAndVerify(printed, ctx));
  return 0;
}
