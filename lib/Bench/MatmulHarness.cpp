//===- MatmulHarness.cpp - Build, JIT and run qf.matmul kernels ----------===//

#include "qforge/Bench/MatmulHarness.h"
#include "qforge/Quant/A8W8.h"
#include "qforge/Support/JIT.h"

#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Quant/Codebooks.h"
#include "qforge/Quant/Float16.h"
#include "qforge/Quant/Params.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Target/LLVMIR/Dialect/ArmNeon/ArmNeonToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <chrono>
#include <fstream>
#include <optional>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

using namespace mlir;

namespace qforge::harness {
namespace {

using quant::DType;
using quant::Granularity;
using quant::WeightFormat;

int64_t product(const std::vector<int64_t> &dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

unsigned eltBytes(const std::string &elt) {
  if (elt == "f32" || elt == "i32")
    return 4;
  if (elt == "f16" || elt == "bf16")
    return 2;
  return 1;
}

std::string shapeText(const std::vector<int64_t> &shape, bool dynamicAt = false,
                      size_t dynIndex = 0) {
  std::string out;
  for (size_t i = 0; i < shape.size(); ++i)
    out += (dynamicAt && i == dynIndex ? std::string("?")
                                       : std::to_string(shape[i])) +
           "x";
  return out;
}

struct StorageInfo {
  DType dtype;
  std::string elt;
};

StorageInfo storageOf(const quant::Scheme &s) {
  switch (s.weight) {
  case WeightFormat::Int8:
    return s.symmetric ? StorageInfo{DType::Int8, "i8"}
                       : StorageInfo{DType::UInt8, "ui8"};
  case WeightFormat::Int4:
    return s.symmetric ? StorageInfo{DType::Int4, "i4"}
                       : StorageInfo{DType::UInt4, "ui4"};
  case WeightFormat::Int2:
    return s.symmetric ? StorageInfo{DType::Int2, "i2"}
                       : StorageInfo{DType::UInt2, "ui2"};
  case WeightFormat::NF4:
    return {DType::NF4, "ui4"};
  case WeightFormat::FP4:
    return {DType::FP4E2M1, "f4E2M1FN"};
  case WeightFormat::FP8E4M3:
    return {DType::F8E4M3FN, "f8E4M3FN"};
  case WeightFormat::FP8E5M2:
    return {DType::F8E5M2, "f8E5M2"};
  case WeightFormat::F32:
    break;
  }
  return {DType::Int8, "f32"};
}

std::string scaleElt(quant::ScaleDType t) {
  switch (t) {
  case quant::ScaleDType::F16:
    return "f16";
  case quant::ScaleDType::BF16:
    return "bf16";
  default:
    return "f32";
  }
}

void putFloat(Buffer &buf, float v) {
  if (buf.elt == "f16" || buf.elt == "bf16") {
    uint16_t bits = buf.elt == "f16" ? quant::f32ToF16Bits(v)
                                     : quant::f32ToBF16Bits(v);
    buf.bytes.push_back(uint8_t(bits & 0xFF));
    buf.bytes.push_back(uint8_t(bits >> 8));
    return;
  }
  uint8_t raw[4];
  std::memcpy(raw, &v, 4);
  buf.bytes.insert(buf.bytes.end(), raw, raw + 4);
}

float roundTo(const std::string &elt, float v) {
  if (elt == "f16")
    return quant::f16BitsToF32(quant::f32ToF16Bits(v));
  if (elt == "bf16")
    return quant::bf16BitsToF32(quant::f32ToBF16Bits(v));
  return v;
}

Buffer floatBuffer(const std::string &elt, std::vector<int64_t> shape,
                   const std::vector<float> &values) {
  Buffer b;
  b.elt = elt;
  b.shape = std::move(shape);
  for (float v : values)
    putFloat(b, v);
  return b;
}

} // namespace

int64_t Buffer::numElements() const { return product(shape); }

std::string Buffer::tensorType() const {
  return "tensor<" + shapeText(shape) + elt + ">";
}

std::string makeData(const MatmulSpec &spec, std::mt19937 &rng,
                     MatmulData &data) {
  std::string error;
  std::optional<quant::Scheme> scheme = quant::Scheme::parse(spec.scheme, &error);
  if (!scheme)
    return error;
  data = MatmulData();
  data.scheme = *scheme;
  const quant::Scheme &s = *scheme;
  int64_t n = spec.n, k = spec.k;
  std::vector<int64_t> lead = spec.batch;
  lead.push_back(spec.m);
  data.rows = product(lead);
  std::normal_distribution<float> normal(0.0f, 1.0f);

  // Activations.
  std::vector<int64_t> xShape = lead;
  xShape.push_back(k);
  data.x.elt = spec.lhsType;
  data.x.shape = xShape;
  data.xF32.resize(data.rows * k);
  if (spec.lhsType == "i8") {
    std::uniform_int_distribution<int> code(-128, 127);
    for (int64_t i = 0; i < data.rows * k; ++i) {
      int v = code(rng);
      data.x.bytes.push_back(uint8_t(int8_t(v)));
      data.xF32[i] = float(v);
    }
  } else {
    for (int64_t i = 0; i < data.rows * k; ++i) {
      float v = roundTo(spec.lhsType, normal(rng));
      data.xF32[i] = v;
      putFloat(data.x, v);
    }
  }

  // Weights.
  std::vector<float> wf(n * k);
  for (float &v : wf)
    v = normal(rng);
  data.zeroTerms.assign(n * k, 0.0f);
  if (s.isFloat()) {
    data.w = floatBuffer("f32", {n, k}, wf);
    data.wDequant = wf;
  } else {
    StorageInfo st = storageOf(s);
    quant::QuantSpec qs;
    qs.dtype = st.dtype;
    qs.symmetric = s.symmetric;
    qs.scaleType = s.scaleType;
    switch (s.granularity) {
    case Granularity::Tensor:
      qs.layout = quant::ScaleLayout::perTensor();
      break;
    case Granularity::Channel:
      qs.layout = quant::ScaleLayout::perAxis(0);
      break;
    case Granularity::Group:
      qs.layout = quant::ScaleLayout::blocked(1, s.groupSize);
      break;
    }
    quant::QuantizedTensor qt = quant::quantize(wf, {n, k}, qs);
    data.wDequant = quant::dequantize(qt);
    unsigned bits = quant::bitWidth(st.dtype);
    uint32_t mask = bits >= 8 ? 0xFF : (1u << bits) - 1;
    data.w.elt = st.elt;
    data.w.shape = {n, k};
    for (int32_t v : qt.values)
      data.w.bytes.push_back(uint8_t(uint32_t(v) & mask));
    std::vector<int64_t> sshape = quant::scaleShape({n, k}, qs.layout);
    data.scale = floatBuffer(scaleElt(s.scaleType), sshape, qt.params.scales);
    if (!s.symmetric) {
      data.zeroPoint.elt = st.elt;
      data.zeroPoint.shape = sshape;
      for (int32_t z : qt.params.zeroPoints)
        data.zeroPoint.bytes.push_back(uint8_t(uint32_t(z) & mask));
    }
    // The zero term the kernels subtract per group: s * zp for asymmetric
    // codes, s * 2^(bits-1) for symmetric sub-byte integers (which the
    // packed layout stores offset to unsigned; with int8 activations 8-bit
    // ones too).
    bool int8Kernel = int8ActivationGroup(spec, s) != 0;
    bool offset = s.isInteger() && s.symmetric && (bits < 8 || int8Kernel);
    if (!s.symmetric || offset) {
      quant::ScaleIndexer index({n, k}, qs.layout);
      for (int64_t i = 0; i < n * k; ++i) {
        int64_t j = index(i);
        float zp = offset ? float(1 << (bits - 1))
                          : float(qt.params.zeroPoints[j]);
        data.zeroTerms[i] = std::fabs(qt.params.scales[j] * zp);
      }
    }
    // Table codes under int8 activations: the kernel's int8 codebook, whose
    // levels it stores + 128 (an offset term of s * 128 * step).
    std::optional<quant::Int8Codebook> book;
    if (int8Kernel && s.weight == quant::WeightFormat::NF4)
      book = quant::nf4Int8Codebook();
    if (int8Kernel && s.weight == quant::WeightFormat::FP4)
      book = quant::fp4E2M1Int8Codebook();
    if (book) {
      quant::ScaleIndexer index({n, k}, qs.layout);
      data.wInt8Codebook.resize(n * k);
      for (int64_t i = 0; i < n * k; ++i) {
        float scale = qt.params.scales[index(i)];
        data.wInt8Codebook[i] =
            scale * (float(book->levels[qt.values[i] & 15]) * book->step);
        data.zeroTerms[i] = std::fabs(scale * 128.0f * book->step);
      }
    }
  }

  // Activation scales.
  bool a8 = s.activation != quant::ActivationMode::None;
  if (a8 && spec.lhsType == "i8") {
    std::uniform_real_distribution<float> sc(0.001f, 0.05f);
    if (spec.perRowLhsScale) {
      std::vector<float> v(data.rows);
      for (float &f : v)
        f = sc(rng);
      data.lhsScale = floatBuffer("f32", lead, v);
    } else {
      data.lhsScale = floatBuffer("f32", {}, {sc(rng)});
    }
  } else if (s.activation == quant::ActivationMode::Static) {
    float amax = 0;
    for (float v : data.xF32)
      amax = std::max(amax, std::fabs(v));
    // 0.8 * absmax / 127: the largest activations saturate.
    data.lhsScale = floatBuffer("f32", {}, {0.8f * amax / 127.0f});
  }

  // Epilogue operands.
  if (spec.bias) {
    std::vector<float> b(n);
    for (float &v : b)
      v = normal(rng);
    data.bias = floatBuffer("f32", {n}, b);
  }
  std::vector<int64_t> outShape = lead;
  outShape.push_back(n);
  if (spec.residual) {
    std::vector<float> r(data.rows * n);
    for (float &v : r)
      v = normal(rng);
    data.residual = floatBuffer("f32", outShape, r);
  }
  if (spec.outType != "f32") {
    // Outputs are ~N(0, K) for unit inputs: a scale of sqrt(K) / 40 maps
    // most of them into range and saturates the tails.
    data.outScale = floatBuffer(
        "f32", {}, {std::sqrt(float(k)) / 40.0f * (a8 ? 0.05f : 1.0f)});
    data.outZp.elt = spec.outType;
    data.outZp.bytes.push_back(spec.outType == "ui8" ? uint8_t(128)
                                                     : uint8_t(int8_t(-3)));
  }
  return "";
}

std::vector<const MatmulSpec *> MatmulSet::specPtrs() const {
  std::vector<const MatmulSpec *> out;
  for (const MatmulSpec &s : specs)
    out.push_back(&s);
  return out;
}

std::vector<const MatmulData *> MatmulSet::dataPtrs() const {
  std::vector<const MatmulData *> out;
  for (const MatmulData &d : datas)
    out.push_back(&d);
  return out;
}

std::string makeSet(const std::vector<MatmulSpec> &specs, std::mt19937 &rng,
                    MatmulSet &set) {
  for (const MatmulSpec &spec : specs) {
    MatmulData data;
    if (std::string error = makeData(spec, rng, data); !error.empty())
      return error;
    set.names.push_back("mm_n" + std::to_string(spec.n) + "_k" +
                        std::to_string(spec.k));
    set.text += functionText(set.names.back(), spec, data);
    set.specs.push_back(spec);
    set.datas.push_back(std::move(data));
  }
  return "";
}

MatmulData sliceRows(const MatmulSpec &spec, const MatmulData &data,
                     int64_t m) {
  MatmulData d = data;
  d.rows = m;
  d.x.shape[0] = m;
  d.x.bytes.resize(m * spec.k * eltBytes(d.x.elt));
  d.xF32.resize(m * spec.k);
  if (spec.residual) {
    d.residual.shape[0] = m;
    d.residual.bytes.resize(m * spec.n * 4);
  }
  if (!d.lhsScale.shape.empty()) {
    d.lhsScale.shape[0] = m;
    d.lhsScale.bytes.resize(m * 4);
  }
  return d;
}

MatmulData selectRows(const MatmulSpec &spec, const MatmulData &data,
                      int64_t n0, int64_t n1, int64_t rotate) {
  MatmulData d = data;
  int64_t n = spec.n, k = spec.k, rows = n1 - n0;
  auto pick = [&](Buffer &buf, int64_t rowElems) {
    if (buf.bytes.empty() || buf.shape.empty() || buf.shape[0] != n)
      return; // per-tensor (or absent): shared by every row
    int64_t eltSize = int64_t(buf.bytes.size()) / buf.numElements();
    std::vector<uint8_t> out;
    for (int64_t r = n0; r < n1; ++r) {
      int64_t src = (r + rotate) % n;
      const uint8_t *p = buf.bytes.data() + src * rowElems * eltSize;
      out.insert(out.end(), p, p + rowElems * eltSize);
    }
    buf.bytes = std::move(out);
    buf.shape[0] = rows;
  };
  d.w = data.w;
  pick(d.w, k);
  d.scale = data.scale;
  pick(d.scale, d.scale.shape.size() == 2 ? d.scale.shape[1] : 1);
  d.zeroPoint = data.zeroPoint;
  pick(d.zeroPoint, d.zeroPoint.shape.size() == 2 ? d.zeroPoint.shape[1] : 1);
  d.bias = data.bias;
  pick(d.bias, 1);
  d.wDequant.clear();
  d.zeroTerms.clear();
  d.wInt8Codebook.clear();
  for (int64_t r = n0; r < n1; ++r) {
    int64_t src = (r + rotate) % n;
    d.wDequant.insert(d.wDequant.end(), data.wDequant.begin() + src * k,
                      data.wDequant.begin() + (src + 1) * k);
    if (!data.wInt8Codebook.empty())
      d.wInt8Codebook.insert(d.wInt8Codebook.end(),
                             data.wInt8Codebook.begin() + src * k,
                             data.wInt8Codebook.begin() + (src + 1) * k);
    d.zeroTerms.insert(d.zeroTerms.end(), data.zeroTerms.begin() + src * k,
                       data.zeroTerms.begin() + (src + 1) * k);
  }
  return d;
}

std::string functionText(const std::string &name, const MatmulSpec &spec,
                         const MatmulData &data) {
  const quant::Scheme &s = data.scheme;
  size_t mIndex = spec.batch.size();
  std::vector<int64_t> lead = spec.batch;
  lead.push_back(spec.m);
  std::vector<int64_t> xShape = lead, outShape = lead;
  xShape.push_back(spec.k);
  outShape.push_back(spec.n);
  auto dynType = [&](const std::vector<int64_t> &shape, const std::string &elt,
                     const char *kind = "tensor") {
    return std::string(kind) + "<" + shapeText(shape, spec.dynamicM, mIndex) +
           elt + ">";
  };
  std::vector<std::pair<std::string, std::string>> args; // name, type
  std::string xType = dynType(xShape, spec.lhsType);
  args.push_back({"%x", xType});
  args.push_back({"%w", data.w.tensorType()});
  std::string operands = "%x, %w";
  std::string types = xType + ", " + data.w.tensorType();
  auto add = [&](const char *keyword, const char *var, const std::string &type) {
    args.push_back({var, type});
    operands += std::string(" ") + keyword + "(" + var + ")";
    types += ", " + type;
  };
  if (!s.isFloat())
    add("scale", "%s", data.scale.tensorType());
  if (!data.zeroPoint.bytes.empty())
    add("zero_point", "%z", data.zeroPoint.tensorType());
  if (!data.lhsScale.bytes.empty())
    add("lhs_scale", "%ls",
        data.lhsScale.shape.empty() ? "tensor<f32>"
                                    : dynType(data.lhsScale.shape, "f32"));
  if (spec.bias)
    add("bias", "%b", data.bias.tensorType());
  if (spec.residual)
    add("residual", "%r", dynType(outShape, "f32"));
  if (!data.outScale.bytes.empty()) {
    add("output_scale", "%os", "tensor<f32>");
    add("output_zero_point", "%oz", "tensor<" + spec.outType + ">");
  }
  std::string resultType = dynType(outShape, spec.outType);
  std::string outMemref = dynType(outShape, spec.outType, "memref");
  std::ostringstream f;
  f << "func.func @" << name << "(";
  for (auto &[var, type] : args)
    f << var << ": " << type << ", ";
  f << "%out: " << outMemref << ") attributes {llvm.emit_c_interface} {\n";
  f << "  %y = qf.matmul #qf.scheme<\"" << spec.scheme << "\"> " << operands;
  if (spec.activation != "none")
    f << " activation(" << spec.activation << ")";
  f << " : (" << types << ") -> " << resultType << "\n";
  f << "  bufferization.materialize_in_destination %y in restrict writable "
       "%out : ("
    << resultType << ", " << outMemref << ") -> ()\n";
  f << "  return\n}\n";
  return f.str();
}

void initialize(MLIRContext &context) {
  static bool once = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)once;
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<qf::QFDialect>();
  registerArmNeonDialectTranslation(registry); // sdot on AArch64 hosts
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  context.appendDialectRegistry(registry);

}

namespace {

/// Binds function argument `index` to a constant of `buf`.
void bindConstant(func::FuncOp f, unsigned index, const Buffer &buf) {
  OpBuilder b(f.getBody());
  auto type = cast<RankedTensorType>(f.getArgument(index).getType());
  ArrayRef<char> raw(reinterpret_cast<const char *>(buf.bytes.data()),
                     buf.bytes.size());
  auto attr = DenseElementsAttr::getFromRawBuffer(type, raw);
  Value c = arith::ConstantOp::create(b, f.getLoc(), attr);
  f.getArgument(index).replaceAllUsesWith(c);
}

} // namespace

OwningOpRef<ModuleOp> buildModule(MLIRContext &context, const std::string &text,
                                  const std::vector<std::string> &names,
                                  const std::vector<const MatmulSpec *> &specs,
                                  const std::vector<const MatmulData *> &datas,
                                  std::string &error) {
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    os << d << "\n";
    return success();
  });
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
  if (!module) {
    error = "parse failed: " + diagnostics;
    return nullptr;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (!specs[i]->constWeights)
      continue;
    auto f = module->lookupSymbol<func::FuncOp>(names[i]);
    const MatmulData &d = *datas[i];
    llvm::BitVector erase(f.getNumArguments());
    unsigned index = 1;
    bindConstant(f, index, d.w);
    erase.set(index++);
    if (!d.scheme.isFloat()) {
      bindConstant(f, index, d.scale);
      erase.set(index++);
    }
    if (!d.zeroPoint.bytes.empty()) {
      bindConstant(f, index, d.zeroPoint);
      erase.set(index++);
    }
    (void)f.eraseArguments(erase);
  }
  return module;
}

std::unique_ptr<ExecutionEngine>
compile(ModuleOp module, const std::function<void(OpPassManager &)> &pipeline,
        std::string &error, unsigned optLevel) {
  MLIRContext *context = module.getContext();
  std::string diagnostics;
  llvm::raw_string_ostream os(diagnostics);
  ScopedDiagnosticHandler handler(context, [&](Diagnostic &d) {
    os << d << "\n";
    return success();
  });
  PassManager pm(context);
  if (std::getenv("QFORGE_PASS_TIMING"))
    pm.enableTiming();
  pipeline(pm);
  if (failed(pm.run(module))) {
    error = "pipeline failed: " + diagnostics;
    return nullptr;
  }
  JITOptions jit;
  jit.optLevel = optLevel;
  jit.hostTargetMachine = true;
  auto engine = createJIT(module, jit);
  if (!engine) {
    error = llvm::toString(engine.takeError());
    return nullptr;
  }
  return std::move(*engine);
}

bool bindPool(ExecutionEngine &engine, qforge_pool *pool) {
  auto forGlobal = engine.lookup(QFORGE_PARALLEL_FOR_SYMBOL);
  if (!forGlobal) {
    llvm::consumeError(forGlobal.takeError());
    return false;
  }
  auto poolGlobal = engine.lookup(QFORGE_PARALLEL_POOL_SYMBOL);
  if (!poolGlobal) {
    llvm::consumeError(poolGlobal.takeError());
    return false;
  }
  qforge_pool_bind(pool, *forGlobal, *poolGlobal);
  return true;
}

namespace {

std::vector<int64_t> descriptor(const void *data,
                                const std::vector<int64_t> &shape) {
  std::vector<int64_t> d;
  d.push_back(int64_t(reinterpret_cast<intptr_t>(data)));
  d.push_back(int64_t(reinterpret_cast<intptr_t>(data)));
  d.push_back(0);
  for (int64_t s : shape)
    d.push_back(s);
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  d.insert(d.end(), strides.begin(), strides.end());
  return d;
}

} // namespace

bool prepare(ExecutionEngine &engine, const std::string &name,
             const MatmulSpec &spec, const MatmulData &data,
             PreparedCall &call, std::string &error) {
  auto fn = engine.lookup("_mlir_ciface_" + name);
  if (!fn) {
    error = llvm::toString(fn.takeError());
    return false;
  }
  call.fn = *fn;
  call.descriptors.clear();
  auto addBuf = [&](const Buffer &b) {
    call.descriptors.push_back(descriptor(b.bytes.data(), b.shape));
  };
  addBuf(data.x);
  if (!spec.constWeights) {
    addBuf(data.w);
    if (!data.scheme.isFloat())
      addBuf(data.scale);
    if (!data.zeroPoint.bytes.empty())
      addBuf(data.zeroPoint);
  }
  if (!data.lhsScale.bytes.empty())
    addBuf(data.lhsScale);
  if (spec.bias)
    addBuf(data.bias);
  if (spec.residual)
    addBuf(data.residual);
  if (!data.outScale.bytes.empty()) {
    addBuf(data.outScale);
    call.descriptors.push_back(descriptor(data.outZp.bytes.data(), {}));
  }
  std::vector<int64_t> outShape = spec.batch;
  outShape.push_back(spec.m);
  outShape.push_back(spec.n);
  call.outElt = spec.outType;
  call.outBytes.assign(product(outShape) * eltBytes(spec.outType), 0xA5);
  call.descriptors.push_back(descriptor(call.outBytes.data(), outShape));
  if (call.descriptors.size() > 12) {
    error = "too many arguments";
    return false;
  }
  return true;
}

void PreparedCall::invoke() {
  std::vector<void *> a;
  for (auto &d : descriptors)
    a.push_back(d.data());
  using P = void *;
  switch (a.size()) {
#define QF_CALL(N, ...)                                                        \
  case N:                                                                      \
    reinterpret_cast<void (*)(__VA_ARGS__)>(fn)
    QF_CALL(2, P, P)(a[0], a[1]); break;
    QF_CALL(3, P, P, P)(a[0], a[1], a[2]); break;
    QF_CALL(4, P, P, P, P)(a[0], a[1], a[2], a[3]); break;
    QF_CALL(5, P, P, P, P, P)(a[0], a[1], a[2], a[3], a[4]); break;
    QF_CALL(6, P, P, P, P, P, P)(a[0], a[1], a[2], a[3], a[4], a[5]); break;
    QF_CALL(7, P, P, P, P, P, P, P)(a[0], a[1], a[2], a[3], a[4], a[5], a[6]); break;
    QF_CALL(8, P, P, P, P, P, P, P, P)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]); break;
    QF_CALL(9, P, P, P, P, P, P, P, P, P)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]); break;
    QF_CALL(10, P, P, P, P, P, P, P, P, P, P)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]); break;
    QF_CALL(11, P, P, P, P, P, P, P, P, P, P, P)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]); break;
    QF_CALL(12, P, P, P, P, P, P, P, P, P, P, P, P)(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]); break;
#undef QF_CALL
  default:
    break;
  }
}

std::vector<float> outputAsFloats(const PreparedCall &call) {
  std::vector<float> out;
  if (call.outElt == "f32") {
    out.resize(call.outBytes.size() / 4);
    std::memcpy(out.data(), call.outBytes.data(), call.outBytes.size());
  } else if (call.outElt == "i8") {
    for (uint8_t b : call.outBytes)
      out.push_back(float(int8_t(b)));
  } else {
    for (uint8_t b : call.outBytes)
      out.push_back(float(b));
  }
  return out;
}

bool run(ExecutionEngine &engine, const std::string &name,
         const MatmulSpec &spec, const MatmulData &data,
         std::vector<float> &out, std::string &error) {
  PreparedCall call;
  if (!prepare(engine, name, spec, data, call, error))
    return false;
  call.invoke();
  out = outputAsFloats(call);
  return true;
}

int compareOutputs(const MatmulSpec &spec, const MatmulData &data,
                   const std::vector<uint8_t> &reference,
                   const std::vector<uint8_t> &kernel, std::string &report,
                   int maxReports) {
  if (reference.size() != kernel.size()) {
    report = "output sizes differ";
    return 1;
  }
  bool exact = data.scheme.activation != quant::ActivationMode::None;
  if (exact && reference == kernel)
    return 0;
  PreparedCall r, g;
  r.outElt = g.outElt = spec.outType;
  r.outBytes = reference;
  g.outBytes = kernel;
  std::vector<float> ref = outputAsFloats(r), got = outputAsFloats(g);
  std::vector<double> mag = magnitudes(spec, data);
  // int8 activations: per output, sum_k |W| * s/2 (how far the rounding of
  // x can move the result) and sum_k (|W| + |zero term|) * s/2 (how much
  // it can add to the magnitude of the float terms).
  std::vector<double> actRounding, actRoundingMag;
  // Without an epilogue, also the kernel's exact arithmetic, emulated: x
  // rounded as the kernel rounds it (f32 scale amax / 127, reciprocal,
  // round half to even), products summed in double; the kernel's f32 steps
  // (per-group scaling and zero terms) must stay within the f32 bound.
  std::vector<double> emulated, emulatedMag;
  bool emulate = !spec.bias && !spec.residual && spec.activation == "none" &&
                 spec.outType == "f32";
  if (int64_t group = int8ActivationGroup(spec, data.scheme)) {
    int64_t n = spec.n, k = spec.k;
    // The weights the kernel multiplies (an int8 codebook for table codes:
    // then also |x| * |its rounding| per product).
    const std::vector<float> &wk =
        data.wInt8Codebook.empty() ? data.wDequant : data.wInt8Codebook;
    actRounding.assign(data.rows * n, 0.0);
    actRoundingMag.assign(data.rows * n, 0.0);
    for (int64_t row = 0; row < data.rows; ++row)
      for (int64_t g0 = 0; g0 < k; g0 += group) {
        int64_t g1 = std::min(k, g0 + group);
        double amax = 0;
        for (int64_t kk = g0; kk < g1; ++kk)
          amax = std::max(amax, std::fabs(double(data.xF32[row * k + kk])));
        // s / 2, with room for the f32 reciprocal the kernel multiplies by.
        double half = amax / 127.0 * 0.5 * (1 + 1e-5);
        if (emulate) {
          emulated.resize(data.rows * n, 0.0);
          emulatedMag.resize(data.rows * n, 0.0);
          std::vector<float> codes(g1 - g0);
          float scale = quant::quantizeInt8Group(
              data.xF32.data() + row * k + g0, g1 - g0, codes.data());
          for (int64_t kk = g0; kk < g1; ++kk) {
            double xr = double(codes[kk - g0]) * scale;
            for (int64_t j = 0; j < n; ++j) {
              emulated[row * n + j] += double(wk[j * k + kk]) * xr;
              emulatedMag[row * n + j] +=
                  std::fabs(xr) * (std::fabs(double(wk[j * k + kk])) +
                                   double(data.zeroTerms[j * k + kk]));
            }
          }
        }
        for (int64_t j = 0; j < n; ++j) {
          double w = 0, z = 0, book = 0;
          for (int64_t kk = g0; kk < g1; ++kk) {
            w += std::fabs(double(wk[j * k + kk]));
            z += double(data.zeroTerms[j * k + kk]);
            book += std::fabs(double(data.xF32[row * k + kk])) *
                    std::fabs(double(wk[j * k + kk]) -
                              double(data.wDequant[j * k + kk]));
          }
          actRounding[row * n + j] += half * w + book;
          actRoundingMag[row * n + j] += half * (w + z);
        }
      }
  }
  double slack = spec.activation == "none" ? 1.0 : 1.25;
  std::ostringstream os;
  int bad = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    size_t col = i % spec.n;
    std::string why;
    if (exact) {
      if (ref[i] != got[i] && !(std::isnan(ref[i]) && std::isnan(got[i])))
        why = "must be bit-exact";
    } else if (spec.outType != "f32") {
      if (std::fabs(ref[i] - got[i]) > 1.0f)
        why = "more than one code apart";
    } else {
      double m = mag[i];
      float v;
      if (spec.bias) {
        std::memcpy(&v, &data.bias.bytes[4 * col], 4);
        m += std::fabs(v);
      }
      if (spec.residual) {
        std::memcpy(&v, &data.residual.bytes[4 * i], 4);
        m += std::fabs(v);
      }
      double rounding = 0, roundingMag = 0;
      if (!actRounding.empty()) {
        rounding = actRounding[i];
        roundingMag = actRoundingMag[i];
      }
      double tol =
          slack * ((2.0 * spec.k + 16.0) * std::ldexp(1.0, -24) *
                       (m + roundingMag) +
                   rounding);
      double err = std::fabs(double(ref[i]) - double(got[i]));
      if (!(err <= tol)) {
        std::ostringstream w;
        w << "|error| " << err << " > tolerance " << tol;
        why = w.str();
      } else if (!emulated.empty()) {
        double etol = (2.0 * spec.k + 16.0) * std::ldexp(1.0, -24) * emulatedMag[i];
        double eerr = std::fabs(emulated[i] - double(got[i]));
        if (!(eerr <= etol)) {
          std::ostringstream w;
          w << "int8-activation arithmetic emulated: " << emulated[i]
            << ", |error| " << eerr << " > tolerance " << etol;
          why = w.str();
        }
      }
    }
    if (why.empty())
      continue;
    if (bad++ < maxReports)
      os << "element " << i << " (row " << i / spec.n << ", col " << col
         << "): reference " << ref[i] << ", kernel " << got[i] << ": " << why
         << "\n";
  }
  report = os.str();
  return bad;
}

int64_t lastLevelCacheBytes() {
  std::ifstream f("/sys/devices/system/cpu/cpu0/cache/index3/size");
  std::string s;
  if (f >> s && !s.empty()) {
    int64_t v = std::atoll(s.c_str());
    if (s.back() == 'K')
      v <<= 10;
    else if (s.back() == 'M')
      v <<= 20;
    if (v > 0)
      return v;
  }
  return 32 << 20;
}

int64_t int8ActivationGroup(const MatmulSpec &spec, const quant::Scheme &scheme) {
  bool int4 = scheme.weight == quant::WeightFormat::Int4 ||
              scheme.weight == quant::WeightFormat::NF4 ||
              scheme.weight == quant::WeightFormat::FP4;
  if (!spec.int8Activations || scheme.activation != quant::ActivationMode::None ||
      !(int4 || scheme.weight == quant::WeightFormat::Int8))
    return 0;
  if (scheme.granularity != quant::Granularity::Group)
    return spec.k;
  // The kernel's blocks (Int8ActivationKernel.h): 64 4-bit (integer or
  // table) or 32 8-bit codes.
  return scheme.groupSize % (int4 ? 64 : 32) == 0 ? scheme.groupSize : 0;
}

std::vector<double> magnitudes(const MatmulSpec &spec, const MatmulData &data) {
  int64_t n = spec.n, k = spec.k;
  std::vector<double> mag(data.rows * n, 0.0);
  for (int64_t m = 0; m < data.rows; ++m)
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t i = 0; i < k; ++i)
        acc += std::fabs(double(data.xF32[m * k + i])) *
               (std::fabs(double(data.wDequant[j * k + i])) +
                double(data.zeroTerms[j * k + i]));
      mag[m * n + j] = acc;
    }
  return mag;
}

} // namespace qforge::harness
