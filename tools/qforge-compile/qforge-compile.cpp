//===- qforge-compile.cpp - Model to deployable artifact -----------------===//
//
//   qforge-compile MODEL.mlir|MODEL.onnx [--calib SAMPLES.npz | --stats F]
//                  [--scheme S | --scheme auto[:S1,...] | --scheme-file F]
//                  [--algorithm A] [--autoquant-* ...] [--min-sqnr DB]
//                  [--shape NAME=D0xD1...]... [--target T]
//                  [--lowering=cpu|reference]
//                  [--emit=mlir|llvm-mlir|llvm|obj] -o OUTDIR
//   qforge-compile MODEL [options] --print-pipeline
//
// Writes OUTDIR/<name>.so (the compiled model), <name>.h (its C entry point
// and signature) and report.json, and prints the per-layer report.
//
//===----------------------------------------------------------------------===//

#include "qforge/Compiler/Compile.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Import/ONNXImporter.h"
#include "qforge/Support/InputFile.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;

static cl::OptionCategory category("qforge-compile options");
static cl::opt<std::string> input(cl::Positional,
                                  cl::desc("MODEL.mlir or MODEL.onnx"),
                                  cl::Required, cl::cat(category));
static cl::opt<std::string> outDir("o", cl::desc("Output directory"),
                                   cl::value_desc("OUTDIR"), cl::cat(category));
static cl::opt<bool> printPipeline(
    "print-pipeline",
    cl::desc("Print the pass pipeline the options give (for qforge-opt "
             "--pass-pipeline=...) and exit; nothing is compiled"),
    cl::cat(category));
static cl::opt<std::string>
    scheme("scheme",
           cl::desc("Quantization scheme for every matmul with a constant "
                    "weight (w8, w4g128, nf4g64, fp8, a8w8, ...), or 'auto' / "
                    "'auto:S1,S2,...' to choose per layer by timing the "
                    "generated kernels under an accuracy guard "
                    "(docs/AUTOQUANT.md); default: keep the model in float"),
           cl::cat(category));
static cl::opt<std::string>
    schemeFile("scheme-file",
               cl::desc("File of 'GLOB SCHEME' lines choosing a scheme per "
                        "layer"),
               cl::cat(category));
static cl::opt<std::string> calib(
    "calib",
    cl::desc("Calibration samples: a .npz whose arrays are named after the "
             "model's inputs (ONNX input names; arg0, arg1, ... for MLIR "
             "functions), each with a leading sample dimension. Calibrates "
             "in-process, quantizes with the statistics and reports each "
             "layer's error on the samples"),
    cl::value_desc("SAMPLES.npz"), cl::cat(category));
static cl::opt<std::string> eval(
    "eval",
    cl::desc("Held-out samples (.npz, arrays as --calib's) on which the "
             "report measures each layer's and output's error instead of the "
             "calibration samples, which algorithms that fit them (GPTQ, "
             "SmoothQuant) flatter; needs --calib"),
    cl::value_desc("SAMPLES.npz"), cl::cat(category));
static cl::list<std::string>
    shapes("shape",
           cl::desc("Specialise an input to a static shape, e.g. x=4x128 "
                    "(repeatable)"),
           cl::value_desc("NAME=D0xD1x..."), cl::cat(category));
static cl::opt<std::string> algorithm("algorithm",
                                      cl::desc("Weight quantization algorithm"),
                                      cl::init("rtn"), cl::cat(category));
static cl::opt<std::string> only(
    "only",
    cl::desc("Which layers --scheme / --scheme-file quantize: all (default), "
             "matmul (MatMul, Gemm; convolutions stay float, as ONNX "
             "Runtime's MatMulNBits quantization) or conv"),
    cl::value_desc("all|matmul|conv"), cl::init("all"), cl::cat(category));
static cl::opt<std::string> sensitiveLayers(
    "sensitive-layers",
    cl::desc("With a --scheme narrower than 8 bits: keep (default) leaves "
             "the first and last layers, layers with K below the group and "
             "layers under --sensitive-min-sqnr at int8 weights, and the "
             "report says which and why; quantize gives every layer the "
             "scheme"),
    cl::value_desc("keep|quantize"), cl::init("keep"), cl::cat(category));
static cl::opt<double> sensitiveMinSqnr(
    "sensitive-min-sqnr",
    cl::desc("The sensitive-layer policy's floor: a layer whose SQNR (on "
             "the --calib rows, else of its weights) is below this many dB "
             "keeps int8 weights (default 10)"),
    cl::value_desc("DB"), cl::init(10.0), cl::cat(category));
static cl::opt<std::string>
    target("target", cl::desc("Target: host, x86_64[:cpu]+features, aarch64, sm_XX"),
           cl::init("host"), cl::cat(category));
static cl::opt<std::string> name("name",
                                 cl::desc("Artifact name (default: the entry "
                                          "function's name)"),
                                 cl::cat(category));
static cl::opt<std::string> entry("entry",
                                  cl::desc("Function to export (default: the "
                                           "only public one)"),
                                  cl::cat(category));
static cl::opt<qforge::EmitKind> emit(
    "emit", cl::desc("Stop at an intermediate stage"),
    cl::values(clEnumValN(qforge::EmitKind::MLIR, "mlir",
                          "the quantized module (<name>.mlir)"),
               clEnumValN(qforge::EmitKind::LLVMDialect, "llvm-mlir",
                          "the module after the compile pipeline, in the LLVM "
                          "dialect (<name>.llvm.mlir)"),
               clEnumValN(qforge::EmitKind::LLVM, "llvm",
                          "optimised LLVM IR (<name>.ll)"),
               clEnumValN(qforge::EmitKind::Object, "obj",
                          "an object file (<name>.o)")),
    cl::init(qforge::EmitKind::Artifact), cl::cat(category));
static cl::opt<qforge::Lowering> lowering(
    "lowering", cl::desc("How qf ops are lowered"),
    cl::values(clEnumValN(qforge::Lowering::CPU, "cpu",
                          "fused kernels with packed weights (default)"),
               clEnumValN(qforge::Lowering::Reference, "reference",
                          "the scalar reference lowering (debugging)")),
    cl::init(qforge::Lowering::CPU), cl::cat(category));
static cl::opt<bool> int8Activations(
    "int8-activations",
    cl::desc("CPU lowering: 4- and 8-bit integer, NF4 and FP4 weights (w4gN, "
             "nf4gN, fp4gN / w8gN, N a multiple of 64 / 32, or per channel; "
             "NF4 / FP4 as their codebook rounded to int8) "
             "multiply int8 activations quantized per group at run time with "
             "int8 dot products, as ONNX Runtime's MatMulNBits "
             "accuracy_level=4 (faster; results within the activations' "
             "rounding of the f32 ones)"),
    cl::cat(category));
static cl::opt<bool> quiet("quiet",
                           cl::desc("Do not print the report or progress"),
                           cl::cat(category));

static cl::OptionCategory autoquantCategory(
    "qforge-compile --scheme auto options (docs/AUTOQUANT.md)");
static cl::opt<std::string> autoquantM(
    "autoquant-m",
    cl::desc("M buckets and weights for matmuls whose M is dynamic, e.g. "
             "1:0.9,512:0.1 (decode-heavy, the default); a static M is "
             "taken from the model"),
    cl::value_desc("M:W,..."), cl::init("1:0.9,512:0.1"),
    cl::cat(autoquantCategory));
static cl::opt<double> minSqnr(
    "min-sqnr",
    cl::desc("Smallest SQNR in dB of a layer's output (on the calibration "
             "rows with --calib / --stats, else of its weights) a candidate "
             "may have (default 15)"),
    cl::init(15.0), cl::cat(autoquantCategory));
static cl::opt<std::string> autoquantCache(
    "autoquant-cache",
    cl::desc("Timing cache file (default $XDG_CACHE_HOME/qforge/"
             "autoquant.jsonl)"),
    cl::value_desc("PATH"), cl::cat(autoquantCategory));
static cl::opt<std::string> autoquantCacheMode(
    "autoquant-cache-mode",
    cl::desc("off | read | readwrite (default) | refresh"),
    cl::init("readwrite"), cl::cat(autoquantCategory));
static cl::opt<std::string> autoquantPlan(
    "autoquant-plan",
    cl::desc("Write the chosen plan as a scheme file (replay it with "
             "--scheme-file)"),
    cl::value_desc("FILE"), cl::cat(autoquantCategory));
static cl::opt<std::string> autoquantTimer(
    "autoquant-timer",
    cl::desc("measure (the kernels on this host; the roofline model for "
             "another target), model, or table (--autoquant-costs)"),
    cl::init("measure"), cl::cat(autoquantCategory));
static cl::opt<std::string> autoquantCosts(
    "autoquant-costs",
    cl::desc("Cost table for --autoquant-timer=table: lines CANDIDATE M N K "
             "MICROSECONDS"),
    cl::value_desc("FILE"), cl::cat(autoquantCategory));
static cl::opt<unsigned> autoquantThreads(
    "autoquant-threads",
    cl::desc("Threads the kernels are timed with (default 0: every core, "
             "as the artifact runs by default)"),
    cl::init(0), cl::cat(autoquantCategory));
static cl::opt<double> autoquantBudget(
    "autoquant-budget",
    cl::desc("Seconds of kernel timing; once spent, the remaining shapes take "
             "the roofline model's times (default 0: no limit)"),
    cl::init(0.0), cl::cat(autoquantCategory));
static cl::opt<bool> autoquantVerify(
    "autoquant-verify",
    cl::desc("Time the artifact end to end against every uniform scheme that "
             "passes the same guard; if the plan is slower, the best uniform "
             "artifact is written instead (and the report says so)"),
    cl::cat(autoquantCategory));
static cl::opt<double> autoquantMaxError(
    "autoquant-max-error",
    cl::desc("With --calib: the largest relative error any model output may "
             "have against float on the calibration samples; layers are "
             "reverted to more accurate candidates (most error per time "
             "saved first) until the plan meets it (default 0: no check)"),
    cl::value_desc("E"), cl::init(0.0), cl::cat(autoquantCategory));
static cl::opt<unsigned> autoquantRounds(
    "autoquant-rounds",
    cl::desc("Interleaved timing rounds per kernel (at least 7)"),
    cl::init(7), cl::cat(autoquantCategory));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // LLVM's own -stats (pass statistics) would clash with --stats: move it
  // aside first, then register ours.
  if (cl::Option *llvmStats = cl::getRegisteredOptions().lookup("stats"))
    llvmStats->setArgStr("llvm-stats");
  cl::opt<std::string> stats(
      "stats",
      cl::desc("Precomputed calibration statistics (qforge-calibrate -o)"),
      cl::value_desc("STATS.safetensors"), cl::cat(category));
  cl::HideUnrelatedOptions({&category, &autoquantCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "qforge-compile: quantize a model and compile it to a shared library\n");

  if (outDir.empty() && !printPipeline) {
    llvm::WithColor::error(llvm::errs(), "qforge-compile")
        << "no output directory: give -o OUTDIR\n";
    return 1;
  }

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<qforge::qf::QFDialect>();
  mlir::MLIRContext context(registry);

  llvm::SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  // Progress on a terminal only; logs and pipes stay clean.
  bool progress = !quiet && llvm::sys::Process::StandardErrIsDisplayed();
  if (progress)
    llvm::errs() << "qforge-compile: import...\n";
  mlir::OwningOpRef<mlir::ModuleOp> module;
  if (llvm::StringRef(input).ends_with(".onnx")) {
    // ONNX: the importer names inputs/outputs (qf.name) and layers (locs).
    module = qforge::importONNXFile(input, &context);
  } else {
    auto file = qforge::readInputFile(input, /*isText=*/false,
                                      /*requiresNullTerminator=*/true);
    if (!file) {
      llvm::WithColor::error(llvm::errs(), "qforge-compile")
          << qforge::inputFileError(input, file.getError()) << "\n";
      return 1;
    }
    sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
    module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  }
  if (!module)
    return 1; // the parser or importer reported where

  qforge::CompileOptions options;
  for (const std::string &text : shapes) {
    llvm::Expected<qforge::InputShape> shape = qforge::parseInputShape(text);
    if (!shape) {
      llvm::WithColor::error(llvm::errs(), "qforge-compile")
          << llvm::toString(shape.takeError()) << "\n";
      return 1;
    }
    options.shapes.push_back(*shape);
  }
  options.calib = calib;
  options.eval = eval;
  options.stats = stats;
  options.scheme = scheme;
  options.schemeFile = schemeFile;
  options.algorithm = algorithm;
  options.only = only;
  options.sensitiveLayers = sensitiveLayers;
  options.sensitiveMinSqnr = sensitiveMinSqnr;
  options.target = target;
  options.outDir = outDir;
  options.name = name;
  options.entry = entry;
  options.emit = emit;
  options.lowering = lowering;
  options.int8Activations = int8Activations;
  options.autoquant.mProfile = autoquantM;
  options.autoquant.minSqnr = minSqnr;
  options.autoquant.cachePath = autoquantCache;
  options.autoquant.cacheMode = autoquantCacheMode;
  options.autoquant.planFile = autoquantPlan;
  options.autoquant.timer = autoquantTimer;
  options.autoquant.costs = autoquantCosts;
  options.autoquant.threads = autoquantThreads;
  options.autoquant.rounds = autoquantRounds;
  options.autoquant.budget = autoquantBudget;
  options.autoquant.verify = autoquantVerify;
  options.autoquant.maxError = autoquantMaxError;
  options.autoquant.quiet = quiet;
  if (progress) {
    options.onStage = [](llvm::StringRef stage) {
      llvm::errs() << "qforge-compile: " << stage << "...\n";
    };
    options.onProgress = [](llvm::StringRef stage, size_t done, size_t total) {
      llvm::errs() << "\rqforge-compile: " << stage << " " << done << "/"
                   << total << " samples" << (done == total ? "\n" : "");
      llvm::errs().flush();
    };
  }
  if (printPipeline) {
    llvm::Expected<std::string> text =
        qforge::compilePipelineText(*module, options);
    if (!text) {
      llvm::WithColor::error(llvm::errs(), "qforge-compile")
          << llvm::toString(text.takeError()) << "\n";
      return 1;
    }
    llvm::outs() << *text << "\n";
    return 0;
  }
  llvm::Expected<qforge::CompileReport> report =
      qforge::compileModule(*module, options);
  if (!report) {
    llvm::WithColor::error(llvm::errs(), "qforge-compile")
        << llvm::toString(report.takeError()) << "\n";
    return 1;
  }
  if (!quiet) {
    llvm::outs() << qforge::reportToTable(*report);
    for (const std::string &f : report->files)
      llvm::outs() << "wrote " << outDir << "/" << f << "\n";
  }
  return 0;
}
