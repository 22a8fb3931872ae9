//===- Runner.cpp - JIT-run a model with qf.observe taps ------------------===//

#include "qforge/Calibration/Runner.h"

#include "qforge-c/qforge_errors.h"
#include "qforge-c/qforge_errors.hpp"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/ExternalConstants.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Pipelines/Pipelines.h"
#include "qforge/Support/JIT.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/TargetSelect.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>

using namespace mlir;

namespace qforge::calib {

using formats::NpyArray;
using formats::shapeString;

ObserveSink::~ObserveSink() = default;

namespace {

/// Constants from this size on are given to the JIT as memory
/// (--qf-externalize-constants); smaller ones LLVM may still fold.
constexpr uint64_t kExternalConstantBytes = 1 << 16;

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message.str());
}

std::string typeStr(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

std::optional<TensorSignature> signatureOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return std::nullopt;
  TensorSignature sig;
  sig.type = typeStr(type);
  Type elem = tensor.getElementType();
  if (elem.isF16() || elem.isF32() || elem.isF64()) {
    sig.kind = 'f';
    sig.itemSize = elem.getIntOrFloatBitWidth() / 8;
  } else if (auto i = dyn_cast<IntegerType>(elem)) {
    unsigned width = i.getWidth();
    if (width == 1) {
      sig.kind = 'b';
      sig.itemSize = 1;
    } else if (width == 8 || width == 16 || width == 32 || width == 64) {
      sig.kind = i.isUnsigned() ? 'u' : 'i';
      sig.itemSize = width / 8;
    } else {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  for (int64_t d : tensor.getShape())
    sig.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return sig;
}

//===----------------------------------------------------------------------===//
// The observe runtime
//===----------------------------------------------------------------------===//

struct ActiveRun {
  ObserveSink *sink = nullptr;
  size_t numIds = 0;
  std::optional<std::string> error;
  std::vector<float> scratch;
};

thread_local ActiveRun *activeRun = nullptr;

/// The handler of the model's qforge_index_error_hook (qforge_errors.h): the
/// run fails with ONNX Runtime's reason.
void jitIndexError(int64_t index, int64_t size) {
  if (activeRun && !activeRun->error)
    activeRun->error = indexErrorMessage(index, size);
}

void jitShapeError(int64_t output, int64_t dim, int64_t computed,
                   int64_t declared) {
  if (activeRun && !activeRun->error)
    activeRun->error = shapeErrorMessage(output, dim, computed, declared);
}

/// Copies a strided tensor into a contiguous row-major buffer.
void gather(const float *base, llvm::ArrayRef<int64_t> sizes,
            llvm::ArrayRef<int64_t> strides, std::vector<float> &out) {
  size_t rank = sizes.size();
  int64_t total = 1;
  for (int64_t s : sizes)
    total *= s;
  out.resize(size_t(total));
  if (total == 0)
    return;
  if (rank == 0) {
    out[0] = base[0];
    return;
  }
  llvm::SmallVector<int64_t> index(rank, 0);
  int64_t inner = sizes[rank - 1], innerStride = strides[rank - 1];
  size_t o = 0;
  while (true) {
    int64_t offset = 0;
    for (size_t d = 0; d + 1 < rank; ++d)
      offset += index[d] * strides[d];
    const float *row = base + offset;
    if (innerStride == 1) {
      std::memcpy(out.data() + o, row, size_t(inner) * sizeof(float));
      o += size_t(inner);
    } else {
      for (int64_t i = 0; i < inner; ++i)
        out[o++] = row[i * innerStride];
    }
    int64_t d = int64_t(rank) - 2;
    for (; d >= 0; --d) {
      if (++index[d] < sizes[d])
        break;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

extern "C" void qforgeObserveRuntime(int64_t index, int64_t channelDim,
                                     ::UnrankedMemRefType<float> *memref) {
  ActiveRun *run = activeRun;
  if (!run || run->error || !run->sink)
    return;
  if (index < 0 || size_t(index) >= run->numIds) {
    run->error = llvm::formatv("observer index {0} out of range", index).str();
    return;
  }
  int64_t rank = memref->rank;
  auto *desc = static_cast<char *>(memref->descriptor);
  float *aligned = reinterpret_cast<float **>(desc)[1];
  int64_t offset = reinterpret_cast<int64_t *>(desc)[2];
  const int64_t *sizes = reinterpret_cast<int64_t *>(desc) + 3;
  const int64_t *strides = sizes + rank;
  // Move the channel dimension last.
  llvm::SmallVector<int64_t> permSizes, permStrides;
  int64_t channel = channelDim < 0 || channelDim >= rank ? rank - 1 : channelDim;
  for (int64_t d = 0; d < rank; ++d)
    if (d != channel) {
      permSizes.push_back(sizes[d]);
      permStrides.push_back(strides[d]);
    }
  if (rank > 0) {
    permSizes.push_back(sizes[channel]);
    permStrides.push_back(strides[channel]);
  }
  gather(aligned + offset, permSizes, permStrides, run->scratch);
  int64_t channels = rank > 0 ? permSizes.back() : 1;
  int64_t rows = channels ? int64_t(run->scratch.size()) / channels : 0;
  if (llvm::Error err = run->sink->observe(unsigned(index), run->scratch.data(),
                                           rows, channels, permSizes))
    run->error = llvm::toString(std::move(err));
}

struct Descriptor {
  void *allocated = nullptr;
  void *aligned = nullptr;
  int64_t offset = 0;
  llvm::SmallVector<int64_t> sizes, strides;
};

} // namespace

//===----------------------------------------------------------------------===//
// Setup
//===----------------------------------------------------------------------===//

void registerRunnerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<qf::QFDialect>();
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

void initializeNativeTargetOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

llvm::Expected<func::FuncOp> findEntryFunction(ModuleOp module,
                                               llvm::StringRef name) {
  SmallVector<func::FuncOp> defined;
  for (auto fn : module.getOps<func::FuncOp>())
    if (!fn.isDeclaration())
      defined.push_back(fn);
  auto names = [&](bool publicOnly) {
    SmallVector<std::string> out;
    for (func::FuncOp fn : defined)
      if (!publicOnly || fn.isPublic())
        out.push_back("@" + fn.getSymName().str());
    return out.empty() ? std::string("none") : llvm::join(out, ", ");
  };
  if (!name.empty()) {
    for (func::FuncOp fn : defined)
      if (fn.getSymName() == name)
        return fn;
    return fail("no function @" + name + " in the module (functions: " +
                names(false) + ")");
  }
  SmallVector<func::FuncOp> publics;
  for (func::FuncOp fn : defined)
    if (fn.isPublic())
      publics.push_back(fn);
  if (publics.size() == 1)
    return publics[0];
  for (llvm::StringRef preferred : {"main", "forward"})
    for (func::FuncOp fn : publics)
      if (fn.getSymName() == preferred)
        return fn;
  if (publics.empty())
    return fail("the module has no public function to run");
  return fail("cannot choose the entry function among " + names(true) +
              "; name it with --entry");
}

llvm::Expected<std::vector<std::string>>
lowerObservesToRuntimeCalls(ModuleOp module) {
  SmallVector<qf::ObserveOp> observers;
  module.walk([&](qf::ObserveOp op) { observers.push_back(op); });
  std::vector<std::string> ids;
  if (observers.empty())
    return ids;
  if (module.lookupSymbol(kObserveFunction))
    return fail(llvm::Twine("the module already defines @") + kObserveFunction);

  MLIRContext *ctx = module.getContext();
  OpBuilder builder(ctx);
  builder.setInsertionPointToStart(module.getBody());
  Type f32 = builder.getF32Type(), i64 = builder.getI64Type();
  auto unranked = UnrankedTensorType::get(f32);
  auto decl = func::FuncOp::create(
      builder, module.getLoc(), kObserveFunction,
      builder.getFunctionType({i64, i64, unranked}, {}));
  decl.setPrivate();
  decl->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
  // The runtime only reads the tensor: no copies for bufferization.
  decl.setArgAttr(2, "bufferization.access", builder.getStringAttr("read"));

  llvm::StringMap<unsigned> indexOf;
  for (qf::ObserveOp op : observers) {
    auto type = cast<RankedTensorType>(op.getInput().getType());
    auto elem = dyn_cast<FloatType>(type.getElementType());
    if (!elem) {
      op.emitError("calibration observes float tensors only, not ")
          << type;
      return fail("cannot observe '" + op.getId() + "': element type " +
                  typeStr(type.getElementType()) + " is not a float type");
    }
    auto [it, inserted] = indexOf.try_emplace(op.getId(), unsigned(ids.size()));
    if (inserted)
      ids.push_back(op.getId().str());
    int64_t channelDim = -1;
    if (auto attr = op->getAttrOfType<IntegerAttr>(qf::kChannelDimAttrName))
      channelDim = attr.getInt();

    builder.setInsertionPoint(op);
    Location loc = op.getLoc();
    Value value = op.getInput();
    if (elem.getWidth() != 32 || !elem.isF32()) {
      auto f32Type = type.clone(f32);
      value = elem.getWidth() < 32
                  ? arith::ExtFOp::create(builder, loc, f32Type, value).getResult()
                  : arith::TruncFOp::create(builder, loc, f32Type, value).getResult();
    }
    Value cast = tensor::CastOp::create(builder, loc, unranked, value);
    Value index = arith::ConstantIntOp::create(builder, loc, i64, it->second);
    Value dim = arith::ConstantIntOp::create(builder, loc, i64, channelDim);
    func::CallOp::create(builder, loc, decl, ValueRange{index, dim, cast});
    op.getResult().replaceAllUsesWith(op.getInput());
    op.erase();
  }
  return ids;
}

//===----------------------------------------------------------------------===//
// CompiledModel
//===----------------------------------------------------------------------===//

CompiledModel::~CompiledModel() = default;

llvm::Expected<std::unique_ptr<CompiledModel>>
CompiledModel::compile(ModuleOp module, llvm::StringRef entry,
                       llvm::StringRef what) {
  initializeNativeTargetOnce();
  std::unique_ptr<CompiledModel> model(new CompiledModel());
  model->what_ = what.str();

  llvm::Expected<func::FuncOp> fn = findEntryFunction(module, entry);
  if (!fn)
    return fail(what + ": " + llvm::toString(fn.takeError()));
  model->entry_ = fn->getSymName().str();
  FunctionType type = fn->getFunctionType();
  for (auto [i, t] : llvm::enumerate(type.getInputs())) {
    std::optional<TensorSignature> sig = signatureOf(t);
    if (!sig)
      return fail(llvm::formatv("{0}: argument {1} of @{2} has type {3}; only "
                                "ranked tensors of f16/f32/f64/i1/i8..i64 "
                                "are supported",
                                what, i, model->entry_, typeStr(t)));
    model->inputs_.push_back(*sig);
  }
  for (auto [i, t] : llvm::enumerate(type.getResults())) {
    std::optional<TensorSignature> sig = signatureOf(t);
    if (!sig)
      return fail(llvm::formatv("{0}: result {1} of @{2} has type {3}; only "
                                "ranked tensors of f16/f32/f64/i1/i8..i64 "
                                "are supported",
                                what, i, model->entry_, typeStr(t)));
    model->outputs_.push_back(*sig);
  }

  llvm::Expected<std::vector<std::string>> ids = lowerObservesToRuntimeCalls(module);
  if (!ids)
    return fail(what + ": " + llvm::toString(ids.takeError()));
  model->ids_ = std::move(*ids);

  PassManager pm(module.getContext());
  buildReferenceToLLVMPipeline(pm);
  if (failed(pm.run(module)))
    return fail(what + ": lowering to LLVM failed (see the diagnostics above)");
  // The bufferization hint on the runtime's declaration has done its job;
  // LLVM IR translation would warn about it.
  module.walk([](LLVM::LLVMFuncOp fn) {
    for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i)
      fn.removeArgAttr(i, "bufferization.access");
  });

  // The weights stay out of LLVM (building, optimizing and emitting each
  // element as a constant was most of the JIT's time on large models): their
  // values are copied into memory the engine resolves their names to.
  std::vector<std::pair<std::string, void *>> constantSymbols;
  {
    std::vector<qf::ExternalConstant> constants =
        qf::findExternalizableConstants(module, kExternalConstantBytes);
    for (qf::ExternalConstant &c : constants) {
      size_t align = std::max<size_t>(64, c.global.getAlignment().value_or(0));
      size_t bytes = (c.bytes + align - 1) / align * align;
      char *buffer = static_cast<char *>(std::aligned_alloc(align, bytes));
      if (!buffer)
        return fail(what + ": out of memory for the model's constants");
      model->constants_.emplace_back(buffer, &std::free);
      qf::writeConstantBytes(c, buffer);
      constantSymbols.push_back({c.global.getSymName().str(), buffer});
    }
    PassManager externalize(module.getContext());
    qf::QFExternalizeConstantsOptions options;
    options.minBytes = kExternalConstantBytes;
    externalize.addPass(qf::createQFExternalizeConstants(options));
    if (failed(externalize.run(module)))
      return fail(what + ": externalizing the model's constants failed");
  }

  JITOptions jit;
  jit.optLevel = 2;
  auto engine = createJIT(module, jit);
  if (!engine)
    return fail(what + ": JIT compilation failed: " +
                llvm::toString(engine.takeError()));
  model->engine_ = std::move(*engine);
  model->engine_->registerSymbols([&constantSymbols](
                                      llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    symbols[interner(std::string("_mlir_ciface_") + kObserveFunction)] = {
        llvm::orc::ExecutorAddr::fromPtr(&qforgeObserveRuntime),
        llvm::JITSymbolFlags::Exported};
    symbols[interner("memrefCopy")] = {
        llvm::orc::ExecutorAddr::fromPtr(&memrefCopy),
        llvm::JITSymbolFlags::Exported};
    for (const auto &[name, address] : constantSymbols)
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(address),
                                 llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  model->engine_->initialize();
  if (llvm::Expected<void *> hook =
          model->engine_->lookup(QFORGE_INDEX_ERROR_HOOK))
    *static_cast<qforge_index_error_fn *>(*hook) = jitIndexError;
  else
    llvm::consumeError(hook.takeError()); // the model checks no index
  if (llvm::Expected<void *> hook =
          model->engine_->lookup(QFORGE_SHAPE_ERROR_HOOK))
    *static_cast<qforge_shape_error_fn *>(*hook) = jitShapeError;
  else
    llvm::consumeError(hook.takeError());
  if (auto fnPtr = model->engine_->lookupPacked(model->entry_); !fnPtr)
    return fail(what + ": JIT compilation failed: " +
                llvm::toString(fnPtr.takeError()));
  return model;
}

llvm::Error checkArgument(const TensorSignature &sig, const NpyArray &array,
                          unsigned index) {
  std::string name = "argument " + std::to_string(index) + " (arg" +
                     std::to_string(index) + ")";
  if (array.kind != sig.kind || array.itemSize != sig.itemSize) {
    NpyArray expected;
    expected.kind = sig.kind;
    expected.itemSize = sig.itemSize;
    return fail(name + ": samples are " + array.dtypeName() +
                " but the function expects " + sig.type + " (" +
                expected.dtypeName() + ")");
  }
  bool ok = array.shape.size() == sig.shape.size();
  for (size_t d = 0; ok && d < sig.shape.size(); ++d)
    ok = sig.shape[d] < 0 || sig.shape[d] == array.shape[d];
  if (!ok)
    return fail(name + ": a sample has shape " + shapeString(array.shape) +
                " but the function expects " + sig.type + " (shape " +
                shapeString(sig.shape) + ")");
  return llvm::Error::success();
}

llvm::Error CompiledModel::run(llvm::ArrayRef<NpyArray> args,
                               std::vector<NpyArray> &results,
                               ObserveSink *sink) {
  if (args.size() != inputs_.size())
    return fail(llvm::formatv("@{0} takes {1} arguments, {2} given", entry_,
                              inputs_.size(), args.size()));
  // Copies of the arguments (64-byte aligned; the model may write to them).
  std::vector<std::unique_ptr<char, decltype(&std::free)>> buffers;
  std::vector<Descriptor> descs(args.size());
  for (auto [i, arg] : llvm::enumerate(args)) {
    if (llvm::Error err = checkArgument(inputs_[i], arg, unsigned(i)))
      return err;
    size_t bytes = std::max<size_t>(64, (arg.data.size() + 63) / 64 * 64);
    char *buffer = static_cast<char *>(std::aligned_alloc(64, bytes));
    if (!buffer)
      return fail("out of memory");
    buffers.emplace_back(buffer, &std::free);
    if (!arg.data.empty())
      std::memcpy(buffer, arg.data.data(), arg.data.size());
    Descriptor &d = descs[i];
    d.allocated = d.aligned = buffer;
    d.sizes.assign(arg.shape.begin(), arg.shape.end());
    d.strides.resize(arg.shape.size());
    int64_t stride = 1;
    for (size_t k = arg.shape.size(); k-- > 0;) {
      d.strides[k] = stride;
      stride *= arg.shape[k];
    }
  }
  llvm::SmallVector<void *> packed;
  for (Descriptor &d : descs) {
    packed.push_back(&d.allocated);
    packed.push_back(&d.aligned);
    packed.push_back(&d.offset);
    for (int64_t &s : d.sizes)
      packed.push_back(&s);
    for (int64_t &s : d.strides)
      packed.push_back(&s);
  }
  size_t resultWords = 0;
  for (const TensorSignature &sig : outputs_)
    resultWords += 3 + 2 * sig.shape.size();
  std::vector<int64_t> resultStorage(std::max<size_t>(resultWords, 1), 0);
  if (!outputs_.empty())
    packed.push_back(resultStorage.data());

  ActiveRun run;
  run.sink = sink;
  run.numIds = ids_.size();
  ActiveRun *previous = activeRun;
  activeRun = &run;
  llvm::Error err = engine_->invokePacked(entry_, packed);
  activeRun = previous;
  if (err)
    return fail(what_ + ": running @" + entry_ + " failed: " +
                llvm::toString(std::move(err)));

  // Results: copy out, then free what the model allocated (once each, and
  // never an argument buffer or a constant global).
  results.clear();
  llvm::SmallPtrSet<void *, 8> freed;
  for (auto &b : buffers)
    freed.insert(b.get());
  const int64_t *word = resultStorage.data();
  for (const TensorSignature &sig : outputs_) {
    size_t rank = sig.shape.size();
    void *allocated = reinterpret_cast<void *const *>(word)[0];
    char *aligned = reinterpret_cast<char *const *>(word)[1];
    int64_t offset = word[2];
    const int64_t *sizes = word + 3, *strides = word + 3 + rank;
    NpyArray out;
    out.kind = sig.kind;
    out.itemSize = sig.itemSize;
    out.shape.assign(sizes, sizes + rank);
    int64_t total = out.numElements();
    out.data.resize(size_t(total) * sig.itemSize);
    llvm::SmallVector<int64_t> index(rank, 0);
    for (int64_t e = 0; e < total; ++e) {
      int64_t elemOffset = offset;
      for (size_t d = 0; d < rank; ++d)
        elemOffset += index[d] * strides[d];
      std::memcpy(out.data.data() + size_t(e) * sig.itemSize,
                  aligned + elemOffset * int64_t(sig.itemSize), sig.itemSize);
      for (size_t d = rank; d-- > 0;) {
        if (++index[d] < sizes[d])
          break;
        index[d] = 0;
      }
    }
    results.push_back(std::move(out));
    if (allocated && allocated != reinterpret_cast<void *>(0xdeadbeef) &&
        freed.insert(allocated).second)
      std::free(allocated);
    word += 3 + 2 * rank;
  }
  if (run.error)
    return fail(what_ + ": " + *run.error);
  return llvm::Error::success();
}

} // namespace qforge::calib
