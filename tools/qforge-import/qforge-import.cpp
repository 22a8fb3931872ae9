//===- qforge-import.cpp - ONNX model to MLIR
//------------------------------===//
//
//   qforge-import MODEL.onnx -o MODEL.mlir
//
// Writes the imported module (func.func @main on linalg/tensor/arith/math,
// weights as dense_resource blobs) as MLIR text or, with --emit-bytecode,
// bytecode. On any error nothing is written and the exit status is 1: the
// output goes to a temporary file next to the destination that is renamed
// over it only after the whole module has been written and synced
// (qforge::writeOutputFile); a killed run's temporaries are removed by the
// next one.
//
//===----------------------------------------------------------------------===//

#include "qforge/Import/ONNXImporter.h"
#include "qforge/Support/OutputFile.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

static cl::OptionCategory category("qforge-import options");

static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx>"),
                                      cl::cat(category));

static cl::opt<std::string>
    outputFile("o", cl::desc("Output file ('-' for stdout, the default)"),
               cl::value_desc("file"), cl::init("-"), cl::cat(category));

static cl::opt<std::string>
    functionName("function", cl::desc("Name of the generated function"),
                 cl::init("main"), cl::cat(category));

static cl::opt<int64_t> maxDense(
    "max-dense-elements",
    cl::desc("Constants with at most this many elements are printed inline "
             "as dense<...>; larger float32 ones become dense_resource blobs"),
    cl::init(16), cl::cat(category));

static cl::opt<bool>
    emitBytecode("emit-bytecode",
                 cl::desc("Write MLIR bytecode instead of text"),
                 cl::init(false), cl::cat(category));

static cl::opt<bool> elideResources(
    "elide-resource-blobs",
    cl::desc("Do not print the weights' blobs (smaller text; the output "
             "cannot be compiled)"),
    cl::init(false), cl::cat(category));

static cl::opt<bool> noLocations(
    "no-locations",
    cl::desc("Do not print locations (the ONNX node names of the ops are then "
             "lost when the text is read back)"),
    cl::init(false), cl::cat(category));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  qforge::ignoreFileSizeLimitSignal();
  // --mlir-print-debuginfo (the ONNX node names as locations) and the other
  // printing options; listed by --help-hidden.
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qforge-import: ONNX model -> MLIR (func.func @main on linalg / tensor / "
      "arith / math)\n\n"
      "Supported operators and their lowering: docs/IMPORT.md. Graph inputs "
      "become the arguments of @main and its outputs the results (ONNX names "
      "in `qf.name` attributes); initializers become dense_resource blobs; "
      "matmul-like ops are located by their ONNX node names. Unsupported "
      "nodes are listed in one error; nothing is written on error.\n\n"
      "Locations (loc(\"node_name\"...)) are printed unless --no-locations; "
      "MLIR's other printing options are accepted too, e.g. "
      "--mlir-print-local-scope (--help-hidden lists them).\n");

  if (outputFile != "-")
    qforge::removeStaleOutputTemps({outputFile});

  mlir::MLIRContext context;
  context.allowUnregisteredDialects(false);
  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);

  qforge::ONNXImportOptions options;
  options.functionName = functionName;
  options.maxDenseElements = maxDense;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      qforge::importONNXFile(inputFile, &context, options);
  if (!module)
    return 1;

  auto write = [&](llvm::raw_ostream &os) -> llvm::Error {
    if (emitBytecode) {
      if (mlir::failed(mlir::writeBytecodeToFile(*module, os)))
        return llvm::createStringError("cannot write bytecode");
      return llvm::Error::success();
    }
    mlir::OpPrintingFlags flags;
    // Locations carry the ONNX node names that per-layer options, observers
    // and reports use: keep them in the text unless asked not to.
    if (!noLocations)
      flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
    if (elideResources)
      flags.elideLargeResourceString(0);
    module->print(os, flags);
    return llvm::Error::success();
  };
  // Published by rename (qforge::writeOutputFile): an existing output is
  // never left half-written, a full disk is an error with the OS reason.
  if (llvm::Error err = qforge::writeOutputFile(outputFile, write)) {
    llvm::WithColor::error(llvm::errs(), "qforge-import")
        << "cannot write '" << outputFile
        << "': " << llvm::toString(std::move(err)) << "\n";
    return 1;
  }
  return 0;
}
