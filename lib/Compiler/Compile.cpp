//===- Compile.cpp - Model to artifact -----------------------------------===//
//
// quantize (qf-quantize) -> lower (reference pipeline, results as
// out-parameters) -> LLVM IR (+ a packed entry point and the model's
// signature as data) -> object for the target -> shared library, header and
// report. Every file is written in a private temporary directory and moved
// into OUTDIR only when all of them exist.
//
//===----------------------------------------------------------------------===//

#include "qforge/Compiler/Compile.h"
#include "ArtifactWriter.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/LayerNames.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Pipelines/Pipelines.h"
#include "qforge/Support/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Pass/PassManager.h"
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

std::optional<std::string> dtypeName(Type t) {
  if (t.isF32())
    return "f32";
  if (t.isF16())
    return "f16";
  if (t.isBF16())
    return "bf16";
  if (auto i = dyn_cast<IntegerType>(t)) {
    if (i.getWidth() == 8)
      return i.isUnsigned() ? "u8" : "i8";
    if (i.getWidth() == 32 && !i.isUnsigned())
      return "i32";
    if (i.getWidth() == 64 && !i.isUnsigned())
      return "i64";
  }
  return std::nullopt;
}

/// Names must survive a whitespace-separated info format and C comments.
std::string sanitize(StringRef name) {
  std::string out;
  for (char c : name)
    out += (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
            c == '-' || c == ':' || c == '/')
               ? c
               : '_';
  return out.empty() ? "_" : out;
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

llvm::Expected<TensorSignature> signatureOf(Type type, std::string name,
                                            StringRef what) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return fail(what + " '" + name + "' has type " +
                llvm::formatv("{0}", type).str() +
                "; artifacts take and return ranked tensors");
  if (!tensor.hasStaticShape())
    return fail(what + " '" + name + "' has a dynamic shape " +
                llvm::formatv("{0}", type).str() +
                "; artifacts need static shapes for now");
  std::optional<std::string> dtype = dtypeName(tensor.getElementType());
  if (!dtype)
    return fail(what + " '" + name + "' has unsupported element type " +
                llvm::formatv("{0}", tensor.getElementType()).str());
  return TensorSignature{sanitize(name), *dtype,
                         std::vector<int64_t>(tensor.getShape().begin(),
                                              tensor.getShape().end())};
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

/// After quantization: each qf.matmul's codes, scales and zero points.
void recordQuantizedLayers(ModuleOp module, CompileReport &report) {
  llvm::DenseMap<Operation *, std::string> names = qf::getLayerNames(module);
  module.walk([&](qf::MatmulOp op) {
    std::string name = names.lookup(op);
    for (LayerReport &layer : report.layers) {
      if (layer.name != name)
        continue;
      layer.scheme = op.getQuantScheme().str();
      if (auto algo = op->getAttrOfType<StringAttr>("qf.algorithm"))
        layer.algorithm = algo.str();
      layer.weightBytesAfter = bytesOf(op.getWeight()) +
                               bytesOf(op.getWeightScale()) +
                               bytesOf(op.getWeightZeroPoint());
    }
  });
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

  llvm::Expected<func::FuncOp> entry = findEntry(module, options.entry);
  if (!entry)
    return entry.takeError();
  func::FuncOp fn = *entry;
  report.name = sanitize(options.name.empty() ? fn.getName() : options.name);
  FunctionType type = fn.getFunctionType();
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    auto attr = fn.getArgAttrOfType<StringAttr>(i, "qf.name");
    std::string name = attr ? attr.str() : "arg" + std::to_string(i);
    auto sig = signatureOf(type.getInput(i), name, "input");
    if (!sig)
      return sig.takeError();
    report.inputs.push_back(*sig);
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    auto attr = fn.getResultAttrOfType<StringAttr>(i, "qf.name");
    std::string name = attr ? attr.str() : "result" + std::to_string(i);
    auto sig = signatureOf(type.getResult(i), name, "output");
    if (!sig)
      return sig.takeError();
    report.outputs.push_back(*sig);
  }

  auto stage = [&](llvm::StringRef name) {
    if (options.onStage)
      options.onStage(name);
  };
  recordFloatLayers(module, report);
  if (!options.scheme.empty() || !options.schemeFile.empty()) {
    stage("quantize");
    PassManager pm(ctx);
    qf::QFQuantizeOptions q;
    q.schemeText = options.scheme.empty() ? "f32" : options.scheme;
    q.schemeFile = options.schemeFile;
    q.algorithm = options.algorithm;
    q.statsFile = options.stats;
    pm.addPass(qf::createQFQuantize(q));
    if (failed(pm.run(module)))
      return fail("quantization failed (see the errors above)");
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
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      fn.removeArgAttr(i, "qf.name");
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      fn.removeResultAttr(i, StringAttr::get(ctx, "qf.name"));
    stage("lower");
    PassManager pm(ctx);
    ReferencePipelineOptions lowering;
    lowering.resultsToOutParams = true;
    buildReferenceToLLVMPipeline(pm, lowering);
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
