//===- Compile.h - Model to artifact, as a library --------------*- C++ -*-===//
//
// What qforge-compile does, callable from C++ (and later Python): quantize a
// module, lower it, and write OUTDIR/<name>.so, <name>.h and report.json.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_COMPILER_COMPILE_H
#define QFORGE_COMPILER_COMPILE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qforge {

enum class EmitKind { Artifact, MLIR, LLVM, Object };

struct CompileOptions {
  std::string scheme;     ///< empty: keep float unless schemeFile is set
  std::string schemeFile;
  std::string algorithm = "rtn";
  std::string stats;      ///< calibration statistics file, if any
  std::string target = "host";
  std::string outDir;
  std::string name;       ///< artifact base name; default: the entry's name
  std::string entry;      ///< function to export; default: the only public one
  EmitKind emit = EmitKind::Artifact;
  /// Called at the start of each stage ("quantize", "lower", "codegen",
  /// "link"), e.g. to show progress on a terminal.
  std::function<void(llvm::StringRef stage)> onStage;
};

/// One argument or result of the exported function.
struct TensorSignature {
  std::string name;
  std::string dtype; ///< f32, f16, bf16, i8, u8, i32, i64
  std::vector<int64_t> shape;
};

struct LayerReport {
  std::string name, scheme, algorithm;
  int64_t weightBytesBefore = 0, weightBytesAfter = 0;
};

struct CompileReport {
  std::string name, target;
  std::vector<TensorSignature> inputs, outputs;
  std::vector<LayerReport> layers;
  std::vector<std::string> files; ///< what was written, in OUTDIR
};

/// Compiles `module` (float or already qf) in place and writes the files of
/// `options.emit` into options.outDir. Nothing is left in outDir on failure.
llvm::Expected<CompileReport> compileModule(mlir::ModuleOp module,
                                            const CompileOptions &options);

/// The report as JSON (report.json), as a terminal table, and as an SVG bar
/// chart of weight bytes per layer (report.svg).
std::string reportToJSON(const CompileReport &report);
std::string reportToTable(const CompileReport &report);
std::string reportToSVG(const CompileReport &report);

} // namespace qforge

#endif
