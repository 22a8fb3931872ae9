// The reference lowering must compute exactly what the numeric core computes.
// Each case builds a qf module with random data (ties, saturation, NaN, Inf,
// -0 and subnormals mixed in), runs it through --qf-reference-to-llvm and
// MLIR's JIT, and compares every code / value bit for bit with lib/Quant.
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Pipelines/Pipelines.h"
#include "qforge/Quant/QuantizeTensor.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>

namespace {

using namespace qforge::quant;

constexpr int64_t kRows = 6, kCols = 70;
constexpr int64_t kCount = kRows * kCols;

struct Case {
  const char *name;
  DType dtype;
  const char *mlirType; ///< storage element type in the module
  bool codebook = false;
};

void PrintTo(const Case &c, std::ostream *os) { *os << c.name; }

std::string hexFloat(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08X", bits);
  return buf;
}

/// A dense literal of `shape` (nested brackets, as MLIR wants) from
/// row-major elements formatted by `format`.
template <typename T, typename F>
std::string dense(const std::vector<T> &v, const Shape &shape, F format) {
  std::string out;
  size_t next = 0;
  auto emit = [&](auto &self, size_t dim) -> void {
    if (dim == shape.size()) {
      out += format(v[next++]);
      return;
    }
    out += "[";
    for (int64_t i = 0; i < shape[dim]; ++i) {
      if (i)
        out += ", ";
      self(self, dim + 1);
    }
    out += "]";
  };
  emit(emit, 0);
  return "dense<" + out + ">";
}

std::string denseFloats(const std::vector<float> &v, const Shape &shape) {
  return dense(v, shape, hexFloat);
}

std::string denseInts(const std::vector<int32_t> &v, const Shape &shape) {
  return dense(v, shape, [](int32_t i) { return std::to_string(i); });
}

std::string tensorType(const Shape &shape, const std::string &elt) {
  std::string out = "tensor<";
  for (int64_t d : shape)
    out += std::to_string(d) + "x";
  return out + elt + ">";
}

/// Compiles `module` with the reference pipeline, runs `@run(%out)` and
/// returns the kRows x kCols values it wrote (i32 codes or f32 bits).
std::vector<int32_t> runModule(const std::string &module) {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<qforge::qf::QFDialect>();
  mlir::registerBuiltinDialectTranslation(registry);
  mlir::registerLLVMDialectTranslation(registry);
  mlir::MLIRContext context(registry);

  std::string diagnostics;
  llvm::raw_string_ostream diagStream(diagnostics);
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diagStream << d << "\n";
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> op =
      mlir::parseSourceString<mlir::ModuleOp>(module, &context);
  EXPECT_TRUE(op) << diagnostics << module;
  if (!op)
    return {};
  mlir::PassManager pm(&context);
  qforge::buildReferenceToLLVMPipeline(pm);
  EXPECT_TRUE(mlir::succeeded(pm.run(*op))) << diagnostics;

  auto engine = mlir::ExecutionEngine::create(*op);
  EXPECT_TRUE(bool(engine)) << llvm::toString(engine.takeError());
  if (!engine)
    return {};
  std::vector<int32_t> out(kCount, 0x5A5A5A5A);
  StridedMemRefType<int32_t, 2> desc{out.data(), out.data(), 0,
                                     {kRows, kCols}, {kCols, 1}};
  auto fn = (*engine)->lookup("_mlir_ciface_run");
  EXPECT_TRUE(bool(fn)) << llvm::toString(fn.takeError());
  if (!fn)
    return {};
  reinterpret_cast<void (*)(StridedMemRefType<int32_t, 2> *)>(*fn)(&desc);
  return out;
}

/// Inputs that exercise rounding: ties of the scale, huge values, specials.
std::vector<float> makeInputs(std::mt19937 &rng, float typicalScale,
                              float codeRange) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> pick(0, 9);
  std::uniform_int_distribution<int> code(-int(codeRange), int(codeRange));
  std::vector<float> x(kCount);
  const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                            -std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(),
                            -0.0f, 0.0f, 1e30f, -1e30f, 1e-40f, -1e-42f};
  for (int64_t i = 0; i < kCount; ++i) {
    switch (pick(rng)) {
    case 0:
      x[i] = specials[i % 10];
      break;
    case 1:
    case 2: // ties: (k + 1/2) * typical scale (not exact for every scale)
      x[i] = (float(code(rng)) + 0.5f) * typicalScale;
      break;
    default:
      x[i] = normal(rng) * typicalScale * codeRange;
    }
  }
  return x;
}

struct LayoutCase {
  const char *name;
  ScaleLayout layout;
  std::string attrs;
};

std::vector<LayoutCase> layouts() {
  return {{"tensor", ScaleLayout::perTensor(), ""},
          {"axis0", ScaleLayout::perAxis(0), "{axis = 0 : i64}"},
          {"axis1", ScaleLayout::perAxis(1), "{axis = 1 : i64}"},
          {"block32", ScaleLayout::blocked(1, 32),
           "{axis = 1 : i64, block_size = 32 : i64}"},
          {"block4rows", ScaleLayout::blocked(0, 4),
           "{axis = 0 : i64, block_size = 4 : i64}"}};
}

class ReferenceVsCore : public ::testing::TestWithParam<Case> {};

TEST_P(ReferenceVsCore, QuantizeAndDequantizeBitForBit) {
  const Case &c = GetParam();
  const Shape shape = {kRows, kCols};
  std::mt19937 rng(1234);
  bool isInt = isIntegerType(c.dtype);
  float codeRange = isInt ? float(intRange(c.dtype).max) : maxFinite(c.dtype);
  if (c.dtype == DType::NF4)
    codeRange = 1.0f;
  for (const LayoutCase &lc : layouts()) {
    SCOPED_TRACE(lc.name);
    Shape sshape = scaleShape(shape, lc.layout);
    int64_t numScales = 1;
    for (int64_t d : sshape)
      numScales *= d;
    std::uniform_real_distribution<float> logScale(-6.0f, 2.0f);
    TensorParams params{lc.layout, {}, {}};
    for (int64_t i = 0; i < numScales; ++i)
      params.scales.push_back(std::exp2(std::round(logScale(rng) * 4) / 4));
    bool hasZp = isInt && !isSignedIntegerType(c.dtype);
    if (hasZp) {
      IntRange r = intRange(c.dtype);
      std::uniform_int_distribution<int32_t> zp(r.min, r.max);
      for (int64_t i = 0; i < numScales; ++i)
        params.zeroPoints.push_back(zp(rng));
    }
    std::vector<float> x = makeInputs(rng, params.scales[0], codeRange);
    ASSERT_EQ(verifyParams(shape, c.dtype, params), "");
    std::vector<int32_t> expected =
        quantizeTensor(x.data(), shape, c.dtype, params);

    std::string st = tensorType(sshape, "f32");
    std::string xt = tensorType(shape, "f32");
    std::string qt = tensorType(shape, c.mlirType);
    std::string zt = tensorType(sshape, c.mlirType);
    std::string attrs = lc.attrs;
    if (c.codebook)
      attrs = attrs.empty() ? "{codebook = #qf.codebook<nf4>}"
                            : attrs.substr(0, attrs.size() - 1) +
                                  ", codebook = #qf.codebook<nf4>}";
    std::ostringstream m;
    m << "func.func @run(%out: memref<" << kRows << "x" << kCols
      << "xi32>) attributes {llvm.emit_c_interface} {\n"
      << "  %x = arith.constant " << denseFloats(x, shape) << " : " << xt << "\n"
      << "  %s = arith.constant " << denseFloats(params.scales, sshape) << " : " << st
      << "\n";
    std::string zpOperand, zpType;
    if (hasZp) {
      m << "  %z = arith.constant " << denseInts(params.zeroPoints, sshape) << " : "
        << zt << "\n";
      zpOperand = ", %z";
      zpType = ", " + zt;
    }
    m << "  %q = qf.quantize %x, %s" << zpOperand << " " << attrs << " : ("
      << xt << ", " << st << zpType << ") -> " << qt << "\n";
    std::string i32t = tensorType(shape, "i32");
    if (isInt || c.codebook) {
      // Codes as values: dequantize with scale 1 and no zero point is exact.
      m << "  %one = arith.constant dense<1.0> : tensor<f32>\n"
        << "  %f = qf.dequantize %q, %one : (" << qt << ", tensor<f32>) -> "
        << xt << "\n"
        << "  %i = arith.fptosi %f : " << xt << " to " << i32t << "\n";
    } else {
      std::string bits = c.dtype == DType::FP4E2M1 ? "i4" : "i8";
      std::string bt = tensorType(shape, bits);
      m << "  %b = arith.bitcast %q : " << qt << " to " << bt << "\n"
        << "  %i = arith.extui %b : " << bt << " to " << i32t << "\n";
    }
    // And the dequantized values, checked below through their f32 bits.
    m << "  bufferization.materialize_in_destination %i in writable %out : ("
      << i32t << ", memref<" << kRows << "x" << kCols << "xi32>) -> ()\n"
      << "  return\n}\n";
    std::vector<int32_t> got = runModule(m.str());
    ASSERT_EQ(got.size(), expected.size());
    int mismatches = 0;
    for (int64_t i = 0; i < kCount && mismatches < 5; ++i) {
      if (got[i] != expected[i]) {
        ++mismatches;
        ADD_FAILURE() << c.name << " element " << i << ": x = " << x[i]
                      << " (" << hexFloat(x[i]) << "), reference lowering "
                      << got[i] << ", core " << expected[i];
      }
    }

    // Dequantize the core's codes in IR and compare the f32 bits.
    std::vector<float> deq =
        dequantizeTensor(expected.data(), shape, c.dtype, params);
    std::ostringstream d;
    std::string qconst;
    if (isInt || c.codebook) {
      qconst = denseInts(expected, shape);
    } else {
      // Float storage constants are written as their codes in hex.
      qconst = dense(expected, shape, [](int32_t code) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%X", unsigned(code));
        return std::string(buf);
      });
    }
    d << "func.func @run(%out: memref<" << kRows << "x" << kCols
      << "xi32>) attributes {llvm.emit_c_interface} {\n"
      << "  %q = arith.constant " << qconst << " : " << qt << "\n"
      << "  %s = arith.constant " << denseFloats(params.scales, sshape) << " : " << st
      << "\n";
    if (hasZp)
      d << "  %z = arith.constant " << denseInts(params.zeroPoints, sshape) << " : "
        << zt << "\n";
    d << "  %f = qf.dequantize %q, %s" << zpOperand << " " << attrs << " : ("
      << qt << ", " << st << zpType << ") -> " << xt << "\n"
      << "  %i = arith.bitcast %f : " << xt << " to " << i32t << "\n"
      << "  bufferization.materialize_in_destination %i in writable %out : ("
      << i32t << ", memref<" << kRows << "x" << kCols << "xi32>) -> ()\n"
      << "  return\n}\n";
    std::vector<int32_t> gotBits = runModule(d.str());
    ASSERT_EQ(gotBits.size(), deq.size());
    mismatches = 0;
    for (int64_t i = 0; i < kCount && mismatches < 5; ++i) {
      int32_t want;
      std::memcpy(&want, &deq[i], 4);
      bool bothNan = std::isnan(deq[i]) &&
                     ((gotBits[i] & 0x7F800000) == 0x7F800000 &&
                      (gotBits[i] & 0x007FFFFF) != 0);
      if (gotBits[i] != want && !bothNan) {
        ++mismatches;
        ADD_FAILURE() << c.name << " dequantize element " << i << ": code "
                      << expected[i] << ", reference lowering bits "
                      << gotBits[i] << ", core " << deq[i];
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllStorageTypes, ReferenceVsCore,
    ::testing::Values(Case{"int8", DType::Int8, "i8"},
                      Case{"uint8", DType::UInt8, "ui8"},
                      Case{"int4", DType::Int4, "i4"},
                      Case{"uint4", DType::UInt4, "ui4"},
                      Case{"int2", DType::Int2, "i2"},
                      Case{"uint2", DType::UInt2, "ui2"},
                      Case{"f8e4m3fn", DType::F8E4M3FN, "f8E4M3FN"},
                      Case{"f8e5m2", DType::F8E5M2, "f8E5M2"},
                      Case{"fp4e2m1", DType::FP4E2M1, "f4E2M1FN"},
                      Case{"nf4", DType::NF4, "ui4", /*codebook=*/true}),
    [](const ::testing::TestParamInfo<Case> &info) {
      return std::string(info.param.name);
    });

} // namespace
