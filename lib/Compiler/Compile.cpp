//===- Compile.cpp - Model to artifact -----------------------------------===//
//
// quantize (qf-quantize) -> lower (the fused CPU kernels for the target,
// float layers included, or the reference lowering; results as
// out-parameters) -> LLVM IR (+ a packed entry point and the model's
// signature as data) -> object for the target -> shared library, header and
// report. Every file is written in a private temporary directory and moved
// into OUTDIR only when all of them exist.
//
//===----------------------------------------------------------------------===//

#include "qforge/Compiler/Compile.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "ArtifactWriter.h"
#include "AutoquantMaxError.h"
#include "AutoquantVerify.h"
#include "CalibrationStage.h"
#include "Publish.h"
#include "Signature.h"

#include "qforge/Autoquant/Candidate.h"
#include "qforge/Autoquant/Passes.h"
#include "qforge/Calibration/StatsFile.h"
#include "qforge/Conversion/QFToCPU/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/LayerNames.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Pipelines/Pipelines.h"
#include "qforge/Support/OutputFile.h"
#include "qforge/Target/TargetInfo.h"
#include "qforge/Dialect/QF/Utils/ResourceSizes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;

namespace qforge {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<func::FuncOp> findEntry(ModuleOp module, StringRef wanted) {
  SmallVector<func::FuncOp> publics;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (!wanted.empty() && f.getName() == wanted)
      return f;
    if (f.isPublic() && !f.isExternal())
      publics.push_back(f);
  }
  if (!wanted.empty())
    return fail("no function named '" + wanted + "' in the module");
  if (publics.size() == 1)
    return publics.front();
  if (publics.empty())
    return fail("the module has no public function to export");
  std::string names;
  for (auto f : publics)
    names += (names.empty() ? "" : ", ") + f.getName().str();
  return fail("the module has several public functions (" + names +
              "); choose one with --entry");
}

int64_t bytesOf(Value v) {
  if (!v)
    return 0;
  auto t = cast<ShapedType>(v.getType());
  unsigned bits = t.getElementTypeBitWidth();
  return (t.getNumElements() * bits + 7) / 8;
}

/// Weight bytes per layer: the float weight operand before quantization.
void recordFloatLayers(ModuleOp module, CompileReport &report) {
  llvm::DenseMap<Operation *, std::string> names = qf::getLayerNames(module);
  module.walk([&](Operation *op) {
    auto it = names.find(op);
    if (it == names.end() || isa<qf::MatmulOp>(op))
      return;
    auto linalgOp = cast<linalg::LinalgOp>(op);
    if (linalgOp.getNumDpsInputs() < 2)
      return;
    LayerReport layer;
    layer.name = it->second;
    if (auto kind = op->getAttrOfType<StringAttr>(qf::kLayerKindAttrName))
      layer.kind = kind.str();
    layer.scheme = "f32";
    layer.weightBytesBefore = bytesOf(linalgOp.getDpsInputOperand(1)->get());
    layer.weightBytesAfter = layer.weightBytesBefore;
    report.layers.push_back(layer);
  });
}

/// Bytes `v` takes in the artifact: a constant is stored with one byte per
/// sub-byte element (LLVM's storage of i4/i2), whole bytes otherwise.
int64_t storedBytesOf(Value v) {
  if (!v)
    return 0;
  auto t = cast<ShapedType>(v.getType());
  return t.getNumElements() * ((t.getElementTypeBitWidth() + 7) / 8);
}

/// The packed global --qf-pack-weights made for `op` (qf.cpu.packed), if any.
std::optional<int64_t> packedBytesOf(qf::MatmulOp op) {
  auto dict = op->getAttrOfType<DictionaryAttr>(qf::kCPUPackedAttrName);
  auto symbol = dict ? dict.getAs<FlatSymbolRefAttr>("global") : nullptr;
  if (!symbol)
    return std::nullopt;
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      op, symbol);
  if (!global)
    return std::nullopt;
  MemRefType type = global.getType();
  return type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
}

/// After quantization (and packing): each qf.matmul's scheme and what the
/// artifact stores for it.
void recordQuantizedLayers(ModuleOp module, CompileReport &report) {
  llvm::DenseMap<Operation *, std::string> names = qf::getLayerNames(module);
  module.walk([&](qf::MatmulOp op) {
    // An f32 qf.matmul (--qf-float-matmul-to-kernel, or one in the input)
    // quantizes nothing: its layer keeps recordFloatLayers' float row.
    if (op.getQuantScheme().isFloat())
      return;
    std::string name = names.lookup(op);
    for (LayerReport &layer : report.layers) {
      if (layer.name != name)
        continue;
      layer.scheme = op.getQuantScheme().str();
      if (auto algo = op->getAttrOfType<StringAttr>(qf::kAlgorithmAttrName))
        layer.algorithm = algo.str();
      auto kernel = op->getAttrOfType<qf::CPUKernelAttr>(qf::kCPUKernelAttrName);
      layer.int8Activations =
          op.getQuantScheme().activation != quant::ActivationMode::None ||
          (kernel && kernel.getKind() == qf::CPUKernelKind::Int8Activations);
      if (auto why = op->getAttrOfType<StringAttr>(
              qf::kCPUInt8ActivationsNotAppliedAttrName))
        layer.int8ActivationsNotApplied = why.str();
      if (auto kept = op->getAttrOfType<DictionaryAttr>(qf::kKeptWiderAttrName)) {
        if (auto requested = kept.getAs<StringAttr>("requested"))
          layer.schemeRequested = requested.str();
        if (auto reason = kept.getAs<StringAttr>("reason"))
          layer.keptWider = reason.str();
      }
      if (std::optional<int64_t> packed = packedBytesOf(op))
        layer.weightBytesAfter = *packed;
      else
        layer.weightBytesAfter = storedBytesOf(op.getWeight()) +
                                 storedBytesOf(op.getWeightScale()) +
                                 storedBytesOf(op.getWeightZeroPoint());
    }
  });
}

llvm::Error runPasses(ModuleOp module,
                      llvm::function_ref<void(OpPassManager &)> build,
                      StringRef what) {
  PassManager pm(module.getContext());
  build(pm);
  if (failed(pm.run(module)))
    return fail(what + " failed (see the errors above)");
  return llvm::Error::success();
}

/// The artifact's base name: `--name` as given when it is a plain file name
/// (letters, digits, '_', '-', '.'; not starting with '.'), an error
/// otherwise; or the entry function's name with every other character
/// replaced by '_' (and a leading '.' prefixed by '_'). No name can leave
/// OUTDIR or hide its files.
llvm::Expected<std::string> artifactName(StringRef given, StringRef function) {
  auto allowed = [](char c) {
    return isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
           c == '.';
  };
  if (!given.empty()) {
    if (given.size() > 200 || given.front() == '.' ||
        !llvm::all_of(given, allowed))
      return fail("invalid --name '" + given +
                  "': an artifact name is a plain file name of letters, "
                  "digits, '_', '-' and '.', not starting with '.' (at most "
                  "200 characters)");
    return given.str();
  }
  std::string out;
  for (char c : function.take_front(200))
    out += allowed(c) ? c : '_';
  if (out.empty() || out.front() == '.')
    out = "_" + out;
  return out;
}

/// Calls `before` / `after` with each pass's argument around its run: the
/// driver's report hooks into the one compile pipeline this way.
class PipelineHooks : public PassInstrumentation {
public:
  PipelineHooks(std::function<void(StringRef)> before,
                std::function<void(StringRef)> after)
      : before(std::move(before)), after(std::move(after)) {}
  void runBeforePass(Pass *pass, Operation *) override {
    before(pass->getArgument());
  }
  void runAfterPass(Pass *pass, Operation *) override {
    after(pass->getArgument());
  }

private:
  std::function<void(StringRef)> before, after;
};

bool usesAutoquant(const CompileOptions &options) {
  return autoquant::isAutoScheme(options.scheme);
}

void setPipelineOptions(const CompileOptions &options, StringRef entry,
                        CompilePipelineOptions &pipeline) {
  pipeline.target = options.target;
  // Autoquant's decisions ride on the ops; qf-quantize applies them.
  pipeline.scheme = usesAutoquant(options) ? "f32" : options.scheme;
  pipeline.schemeFile = options.schemeFile;
  pipeline.algorithm = options.algorithm;
  pipeline.only = options.only;
  pipeline.sensitiveLayers = options.sensitiveLayers;
  pipeline.sensitiveMinSqnr = options.sensitiveMinSqnr;
  pipeline.stats = options.stats;
  pipeline.int8Activations =
      cpu::int8ActivationPolicy(options.int8Activations);
  pipeline.lowering = options.lowering == Lowering::Reference
                          ? LoweringKind::Reference
                          : LoweringKind::CPU;
  pipeline.entry = entry.str();
  pipeline.lower = options.emit != EmitKind::MLIR;
}

/// --scheme auto: the target on the module (what qf-autoquant times for),
/// then qf-autoquant; `inputs` carry in-memory statistics and take the
/// result back.
std::function<void(OpPassManager &)>
autoquantPasses(const CompileOptions &options,
                autoquant::AutoquantInputs inputs) {
  if (!usesAutoquant(options))
    return {};
  return [&options, inputs](OpPassManager &pm) {
    // Under --autoquant-max-error the driver writes the plan once the
    // reverts are done.
    bool driverWritesPlan = options.autoquant.maxError > 0;
    qf::QFAttachTargetOptions attach;
    attach.target = options.target;
    pm.addPass(qf::createQFAttachTarget(attach));
    const AutoquantOptions &a = options.autoquant;
    autoquant::QFAutoquantOptions o;
    o.schemeText = options.scheme;
    o.mProfile = a.mProfile;
    o.minSqnr = a.minSqnr;
    o.statsFile = options.stats;
    o.timer = a.timer;
    o.costsFile = a.costs;
    o.cachePath = a.cachePath;
    o.cacheMode = a.cacheMode;
    o.threads = a.threads;
    o.rounds = a.rounds;
    o.budget = a.budget;
    o.planFile = driverWritesPlan ? std::string() : a.planFile;
    o.quiet = a.quiet;
    pm.addPass(autoquant::createQFAutoquant(o, inputs));
  };
}

/// Option values and combinations the pipeline cannot take: --only, --eval
/// without --calib, and what cannot go with --scheme auto.
llvm::Error checkOptionCombinations(const CompileOptions &options) {
  if (!options.eval.empty() && options.calib.empty())
    return fail("--eval measures the report's errors against the float "
                "model, which runs with --calib: give --calib too");
  if (options.only != "all" && options.only != "matmul" &&
      options.only != "conv")
    return fail("--only=" + options.only +
                " is not one of all, matmul, conv");
  if (options.sensitiveLayers != "keep" &&
      options.sensitiveLayers != "quantize")
    return fail("--sensitive-layers=" + options.sensitiveLayers +
                " is not one of keep, quantize");
  if (!std::isfinite(options.sensitiveMinSqnr))
    return fail("--sensitive-min-sqnr must be a number of dB");
  if (!usesAutoquant(options))
    return llvm::Error::success();
  if (options.only != "all")
    return fail("--scheme auto plans every layer; --only applies to "
                "--scheme SCHEME and --scheme-file");
  if (!options.schemeFile.empty())
    return fail("--scheme " + options.scheme +
                " and --scheme-file both choose the layers' schemes; choose "
                "one (an autoquant plan is replayed with --scheme-file)");
  if (options.lowering == Lowering::Reference)
    return fail("--scheme auto times the CPU kernels: it cannot be used with "
                "--lowering=reference");
  if (options.int8Activations)
    return fail("--scheme auto decides int8 activations per layer (the "
                "'+i8act' candidates): drop --int8-activations");
  double maxError = options.autoquant.maxError;
  if (!(maxError >= 0.0 && std::isfinite(maxError)))
    return fail("--autoquant-max-error must be a positive number (a relative "
                "output error, e.g. 0.02), not " +
                llvm::formatv("{0}", maxError).str());
  if (maxError > 0.0 && options.calib.empty())
    return fail("--autoquant-max-error measures the model's outputs on "
                "calibration samples: give --calib");
  return llvm::Error::success();
}

/// --autoquant-plan's file, when the driver writes it (max-error).
llvm::Error writePlanFile(StringRef path, StringRef text) {
  if (path.empty())
    return llvm::Error::success();
  if (llvm::Error e = writeOutputFile(path, [&](llvm::raw_ostream &os) {
        os << text;
        return llvm::Error::success();
      }))
    return fail("cannot write the autoquant plan '" + path +
                "': " + llvm::toString(std::move(e)));
  return llvm::Error::success();
}

} // namespace

llvm::Expected<std::string>
compilePipelineText(ModuleOp module, const CompileOptions &options) {
  if (!options.calib.empty())
    return fail("--print-pipeline cannot name --calib's statistics, which are "
                "computed in-process: calibrate with qforge-calibrate and give "
                "--stats");
  llvm::Expected<func::FuncOp> entry = findEntry(module, options.entry);
  if (!entry)
    return entry.takeError();
  if (llvm::Error e = checkOptionCombinations(options))
    return std::move(e);
  CompilePipelineOptions pipeline;
  setPipelineOptions(options, entry->getName(), pipeline);
  // The driver specialises the shapes before calibrating; a replay does it
  // first in the one pipeline.
  for (const InputShape &shape : options.shapes)
    pipeline.inputShapes.push_back(shape.str());
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  buildCompilePipeline(pm, pipeline, {}, autoquantPasses(options, {}));
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  return text;
}

llvm::Expected<CompileReport> compileModule(ModuleOp module,
                                            const CompileOptions &options) {
  MLIRContext *ctx = module.getContext();
  CompileReport report;
  if (failed(qf::verifyResourceSizes(module)))
    return fail("the model's constants do not match their types (see the "
                "errors above)");
  std::string error;
  std::optional<Target> target = Target::parse(options.target, &error);
  if (!target)
    return fail(error);
  llvm::Expected<std::unique_ptr<TargetInfo>> targetInfo =
      TargetInfo::get(*target);
  if (!targetInfo)
    return targetInfo.takeError();
  report.target = (*targetInfo)->getTarget().str();
  report.int8Activations =
      options.int8Activations && options.lowering == Lowering::CPU;

  llvm::Expected<func::FuncOp> entry = findEntry(module, options.entry);
  if (!entry)
    return entry.takeError();
  func::FuncOp fn = *entry;
  llvm::Expected<std::string> name = artifactName(options.name, fn.getName());
  if (!name)
    return name.takeError();
  report.name = *name;
  auto stage = [&](llvm::StringRef name) {
    if (options.onStage)
      options.onStage(name);
  };
  if (!options.calib.empty() && !options.stats.empty())
    return fail("--calib and --stats both give calibration statistics; "
                "choose one");
  if (llvm::Error e = checkOptionCombinations(options))
    return std::move(e);
  if (!options.shapes.empty()) {
    // Before calibration, which runs the float model at these shapes.
    std::vector<std::string> shapes;
    for (const InputShape &shape : options.shapes)
      shapes.push_back(shape.str());
    if (llvm::Error e = runPasses(
            module,
            [&](OpPassManager &pm) {
              buildSpecializeInputShapes(pm, fn.getName(), shapes);
            },
            "specialising the input shapes"))
      return std::move(e);
  }
  if (llvm::Error e = computeSignature(fn, report))
    return std::move(e);
  recordFloatLayers(module, report);

  // --autoquant-verify compiles the float model again with uniform schemes.
  OwningOpRef<ModuleOp> floatForVerify;
  bool verify = usesAutoquant(options) && options.autoquant.verify &&
                options.emit == EmitKind::Artifact;
  if (verify && !(*targetInfo)->isHost())
    return fail("--autoquant-verify runs the artifacts: it needs the host "
                "target, not " + report.target);
  if (verify)
    floatForVerify = module.clone();

  // Calibration statistics go to qf-quantize in memory (QuantizeInputs).
  std::unique_ptr<CalibrationStage> calibration;
  qf::QuantizeInputs quantizeInputs;
  if (!options.calib.empty()) {
    stage("calibration");
    std::vector<std::string> names;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      names.push_back(inputName(fn, i));
    auto calibrated =
        CalibrationStage::run(module, fn.getName(), names, options);
    if (!calibrated)
      return calibrated.takeError();
    calibration = std::move(*calibrated);
    quantizeInputs.stats = calibration->stats();
  }
  // The lowering replaces func.func by llvm.func: keep the name, not `fn`.
  std::string entryName = fn.getName().str();
  {
    // One pipeline does the rest (buildCompilePipeline); the report's
    // evaluation and stored sizes are taken between its passes.
    CompilePipelineOptions pipeline;
    setPipelineOptions(options, entryName, pipeline);
    bool quantizes = !options.scheme.empty() || !options.schemeFile.empty();
    autoquant::AutoquantInputs autoquantInputs;
    std::shared_ptr<autoquant::AutoquantResult> autoquantResult;
    if (usesAutoquant(options)) {
      autoquantResult = std::make_shared<autoquant::AutoquantResult>();
      autoquantInputs.result = autoquantResult;
      // The pass reads statistics from memory, not as stats= (the driver's
      // --stats goes to both passes as a file).
      if (calibration)
        autoquantInputs.stats = calibration->stats();
    }
    // --autoquant-max-error: plan on a clone and revert layers until the
    // outputs are within the budget; the pipeline below replays the final
    // plan instead of running qf-autoquant.
    bool holdsMaxError =
        usesAutoquant(options) && options.autoquant.maxError > 0;
    if (holdsMaxError) {
      OwningOpRef<ModuleOp> planning = module.clone();
      stage("autoquant");
      if (llvm::Error e =
              runPasses(*planning, autoquantPasses(options, autoquantInputs),
                        "autoquant"))
        return std::move(e);
      stage("autoquant max-error");
      llvm::Expected<std::string> plan =
          holdMaxError(module, options, *calibration, *autoquantResult,
                       report);
      if (!plan)
        return plan.takeError();
      if (llvm::Error e = writePlanFile(options.autoquant.planFile, *plan))
        return std::move(e);
      quantizeInputs.schemeFileText = std::move(*plan);
      quantizeInputs.schemeFileName = "the autoquant plan";
    }
    llvm::Error hookError = llvm::Error::success();
    bool layersRecorded = false;
    std::string running;
    auto evaluate = [&] {
      // Under --autoquant-max-error, holdMaxError measured this very plan
      // (on the calibration samples: --eval's are measured again).
      if (!calibration || hookError || (holdsMaxError && options.eval.empty()))
        return;
      stage("evaluation");
      hookError = calibration->measureErrors(
          module, options, report,
          options.eval.empty() ? CalibrationStage::Samples::Calibration
                               : CalibrationStage::Samples::Evaluation);
    };
    auto recordLayers = [&] {
      if (!layersRecorded)
        recordQuantizedLayers(module, report);
      layersRecorded = true;
    };
    if (!quantizes)
      evaluate();
    PassManager pm(ctx, ModuleOp::getOperationName());
    buildCompilePipeline(pm, pipeline, quantizeInputs,
                         holdsMaxError
                             ? nullptr
                             : autoquantPasses(options, autoquantInputs));
    pm.addInstrumentation(std::make_unique<PipelineHooks>(
        [&](StringRef pass) {
          running = pass.str();
          if (pass == "qf-autoquant")
            stage("autoquant");
          else if (pass == "qf-quantize")
            stage("quantization");
          else if (pass == "qf-prepare-export")
            stage("lowering");
          else if (pass == "qf-lower-to-cpu" || pass == "qf-lower-to-reference")
            // Packed (CPU): the report counts the bytes the artifact holds.
            recordLayers();
        },
        [&](StringRef pass) {
          if (pass == "qf-quantize")
            evaluate();
        }));
    if (failed(pm.run(module))) {
      llvm::consumeError(std::move(hookError));
      return fail(running == "qf-autoquant"
                      ? "autoquant failed (see the errors above)"
                  : running == "qf-quantize"
                      ? "quantization failed (see the errors above)"
                      : "lowering to LLVM failed (see the errors above)");
    }
    if (hookError)
      return std::move(hookError);
    recordLayers();
    report.autoquant = autoquantResult;
  }

  if (std::error_code ec = llvm::sys::fs::create_directories(options.outDir))
    return fail("cannot create output directory '" + options.outDir +
                "': " + ec.message());
  removeStaleStaging(options.outDir);
  llvm::Expected<std::string> stagingDir = createStaging(options.outDir);
  if (!stagingDir)
    return stagingDir.takeError();
  SmallString<128> staging(*stagingDir);
  auto result = [&]() -> llvm::Error {
    ArtifactWriter writer(staging.str().str(), report);
    if (options.emit == EmitKind::MLIR)
      return writer.writeMLIR(module);
    if (options.emit == EmitKind::LLVMDialect)
      return writer.writeMLIR(module, ".llvm.mlir", /*newline=*/true);
    stage("codegen");
    return writer.writeCode(module, entryName, **targetInfo, options.emit);
  }();
  if (result) {
    llvm::sys::fs::remove_directories(staging);
    return std::move(result);
  }
  if (verify) {
    stage("verification");
    SmallString<128> library(staging), work(staging);
    llvm::sys::path::append(library, report.name + ".so");
    llvm::sys::path::append(work, "verify");
    llvm::Error e = verifyAutoquantPlan(*floatForVerify, options, library,
                                        work, report);
    llvm::sys::fs::remove_directories(work);
    // The reports say which artifact is used.
    if (!e)
      e = ArtifactWriter(staging.str().str(), report).writeReports();
    if (e) {
      llvm::sys::fs::remove_directories(staging);
      return std::move(e);
    }
  }
  // Everything exists: move it into place (Publish.h). A library comes
  // with the manifest of its set: the library moves last but for the
  // manifest. A single file (--emit=mlir, llvm, obj) is one rename, whole
  // by itself.
  std::vector<std::string> order;
  if (options.emit == EmitKind::Artifact) {
    std::string library = report.name + ".so";
    for (const std::string &file : report.files)
      if (file != library)
        order.push_back(file);
    order.push_back(library);
    if (llvm::Error e = writeManifest(staging, report.name, order)) {
      llvm::sys::fs::remove_directories(staging);
      return std::move(e);
    }
    order.push_back(manifestFileName(report.name));
    report.files.push_back(order.back());
  } else {
    order = report.files;
  }
  if (llvm::Error e = publishFiles(staging, options.outDir, order)) {
    llvm::sys::fs::remove_directories(staging);
    return std::move(e);
  }
  llvm::sys::fs::remove_directories(staging);
  return report;
}

} // namespace qforge
