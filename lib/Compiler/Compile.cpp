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
#include "ArtifactWriter.h"
#include "CalibrationStage.h"
#include "Signature.h"

#include "qforge/Calibration/StatsFile.h"
#include "qforge/Conversion/QFToCPU/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/LayerNames.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Pipelines/Pipelines.h"
#include "qforge/Support/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

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
  auto dict = op->getAttrOfType<DictionaryAttr>("qf.cpu.packed");
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
      if (auto algo = op->getAttrOfType<StringAttr>("qf.algorithm"))
        layer.algorithm = algo.str();
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

/// Removes a directory tree; used for the private staging directory.
void removeTree(StringRef dir) {
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    llvm::sys::fs::remove(it->path());
  llvm::sys::fs::remove(dir);
}

} // namespace

llvm::Expected<CompileReport> compileModule(ModuleOp module,
                                            const CompileOptions &options) {
  MLIRContext *ctx = module.getContext();
  CompileReport report;
  std::string error;
  std::optional<Target> target = Target::parse(options.target, &error);
  if (!target)
    return fail(error);
  report.target = target->resolved().str();
  report.int8Activations =
      options.int8Activations && options.lowering == Lowering::CPU;

  llvm::Expected<func::FuncOp> entry = findEntry(module, options.entry);
  if (!entry)
    return entry.takeError();
  func::FuncOp fn = *entry;
  report.name =
      sanitizeName(options.name.empty() ? fn.getName() : options.name);
  auto stage = [&](llvm::StringRef name) {
    if (options.onStage)
      options.onStage(name);
  };
  if (!options.calib.empty() && !options.stats.empty())
    return fail("--calib and --stats both give calibration statistics; "
                "choose one");
  if (!options.shapes.empty()) {
    if (llvm::Error e = specializeInputShapes(fn, options.shapes))
      return std::move(e);
    // Propagates the static sizes through the body.
    if (llvm::Error e = runPasses(
            module, [](OpPassManager &pm) { pm.addPass(createCanonicalizerPass()); },
            "specialising the input shapes"))
      return std::move(e);
  }
  if (llvm::Error e = computeSignature(fn, report))
    return std::move(e);
  recordFloatLayers(module, report);

  // Calibration statistics go to qf-quantize through a file in a private
  // temporary directory, removed on every path.
  std::unique_ptr<CalibrationStage> calibration;
  SmallString<128> statsDir;
  auto removeStats = llvm::make_scope_exit([&] {
    if (!statsDir.empty())
      removeTree(statsDir);
  });
  std::string statsPath = options.stats;
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
    if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(
            "qforge-calib", statsDir))
      return fail("cannot create a temporary directory: " + ec.message());
    SmallString<128> path(statsDir);
    llvm::sys::path::append(path, "stats.safetensors");
    statsPath = path.str().str();
    if (llvm::Error e = calib::writeStatsFile(statsPath, calibration->stats()))
      return std::move(e);
  }
  if (!options.scheme.empty() || !options.schemeFile.empty()) {
    stage("quantization");
    qf::QFQuantizeOptions q;
    q.schemeText = options.scheme.empty() ? "f32" : options.scheme;
    q.schemeFile = options.schemeFile;
    q.algorithm = options.algorithm;
    q.statsFile = statsPath;
    if (llvm::Error e = runPasses(
            module, [&](OpPassManager &pm) { pm.addPass(qf::createQFQuantize(q)); },
            "quantization"))
      return std::move(e);
  }
  if (calibration) {
    stage("evaluation");
    if (llvm::Error e = calibration->measureErrors(module, options, report))
      return std::move(e);
  }
  if (options.lowering == Lowering::CPU && options.emit != EmitKind::MLIR) {
    // Packing first, so that the report counts the bytes the artifact holds.
    cpu::QFPackWeightsOptions pack;
    pack.target = options.target;
    pack.int8Activations = options.int8Activations;
    if (llvm::Error e = runPasses(
            module,
            [&](OpPassManager &pm) { pm.addPass(cpu::createQFPackWeights(pack)); },
            "packing the weights"))
      return std::move(e);
  }
  recordQuantizedLayers(module, report);

  if (std::error_code ec = llvm::sys::fs::create_directories(options.outDir))
    return fail("cannot create output directory '" + options.outDir +
                "': " + ec.message());
  // createUniqueDirectory puts relative prefixes under the system's temp
  // directory; staging must be on OUTDIR's file system for the renames.
  SmallString<128> staging(options.outDir);
  llvm::sys::fs::make_absolute(staging);
  llvm::sys::path::append(staging, ".qforge-staging");
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory(Twine(staging), staging))
    return fail("cannot create a staging directory in '" + options.outDir +
                "': " + ec.message());
  auto result = [&]() -> llvm::Error {
    ArtifactWriter writer(staging.str().str(), report);
    if (options.emit == EmitKind::MLIR)
      return writer.writeMLIR(module);
    // The lowering replaces func.func by llvm.func: keep the name, not `fn`.
    std::string entryName = fn.getName().str();
    fn->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
    // Names are in the report and the artifact's signature; LLVM would only
    // warn about attributes it does not know.
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      fn.removeArgAttr(i, "qf.name");
      fn.removeArgAttr(i, "qf.dim_names");
    }
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      fn.removeResultAttr(i, StringAttr::get(ctx, "qf.name"));
    stage("lowering");
    PassManager pm(ctx);
    if (options.lowering == Lowering::Reference) {
      ReferencePipelineOptions lowering;
      lowering.resultsToOutParams = true;
      buildReferenceToLLVMPipeline(pm, lowering);
    } else {
      CPUPipelineOptions lowering;
      lowering.target = options.target;
      lowering.resultsToOutParams = true;
      lowering.int8Activations = options.int8Activations;
      buildCPUToLLVMPipeline(pm, lowering);
    }
    if (failed(pm.run(module)))
      return fail("lowering to LLVM failed (see the errors above)");
    stage("codegen");
    return writer.writeCode(module, entryName, *target, options.emit);
  }();
  if (result) {
    removeTree(staging);
    return std::move(result);
  }
  // Everything exists: move it into place.
  for (const std::string &file : report.files) {
    SmallString<128> from(staging), to(options.outDir);
    llvm::sys::path::append(from, file);
    llvm::sys::path::append(to, file);
    if (std::error_code ec = llvm::sys::fs::rename(from, to)) {
      removeTree(staging);
      return fail("cannot move '" + file + "' into '" + options.outDir +
                  "': " + ec.message());
    }
  }
  removeTree(staging);
  return report;
}

} // namespace qforge
