//===- ArtifactWriter.h - Files of a compiled model -------------*- C++ -*-===//
#ifndef QFORGE_LIB_COMPILER_ARTIFACTWRITER_H
#define QFORGE_LIB_COMPILER_ARTIFACTWRITER_H

#include "qforge/Compiler/Compile.h"
#include "qforge/Target/TargetInfo.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace qforge {

/// Writes the artifact's files into `dir` and lists them in report.files.
class ArtifactWriter {
public:
  ArtifactWriter(std::string dir, CompileReport &report)
      : dir(std::move(dir)), report(report) {}

  /// <name><suffix>: the module as text (<name>.mlir: the quantized
  /// module, before lowering; <name>.llvm.mlir: after the compile pipeline,
  /// ending with a newline as mlir-opt prints it).
  llvm::Error writeMLIR(mlir::ModuleOp module, llvm::StringRef suffix = ".mlir",
                        bool newline = false);

  /// From a module in the LLVM dialect whose `entry` has C interface and
  /// out-parameters: <name>.ll, <name>.o, or <name>.so + <name>.h +
  /// report.json, by `emit`.
  llvm::Error writeCode(mlir::ModuleOp module, const std::string &entry,
                        const TargetInfo &target, EmitKind emit);

  /// report.json and report.svg from the report as it is now (writeCode
  /// writes them; the driver again once --autoquant-verify has decided).
  llvm::Error writeReports();

private:
  llvm::Error writeFile(const std::string &file, llvm::StringRef contents);
  std::string path(const std::string &file) const;
  std::string header() const;
  std::string infoText() const;

  std::string dir;
  CompileReport &report;
};

} // namespace qforge

#endif
