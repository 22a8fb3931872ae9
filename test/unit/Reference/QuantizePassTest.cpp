// --qf-quantize stores exactly what the numeric core computes: for every
// weight scheme, the qf.matmul's weight codes, scales and zero points equal
// qforge::quant::quantize() on the same [N, K] weights, bit for bit.
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Quant/QuantizeTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <sstream>

namespace {

using namespace qforge::quant;

constexpr int64_t kN = 24, kK = 100; // K is not a multiple of the groups

struct Case {
  const char *scheme;
  DType dtype;
  ScaleLayout layout;
  bool symmetric;
  ScaleDType scaleType = ScaleDType::F32;
};

void PrintTo(const Case &c, std::ostream *os) { *os << c.scheme; }

/// Codes as the core holds them (int values, or float bit codes).
std::vector<int32_t> codesOf(mlir::DenseElementsAttr attr) {
  std::vector<int32_t> out;
  mlir::Type elt = attr.getElementType();
  if (llvm::isa<mlir::FloatType>(elt)) {
    for (const llvm::APFloat &v : attr.getValues<llvm::APFloat>())
      out.push_back(int32_t(v.bitcastToAPInt().getZExtValue()));
  } else {
    bool isUnsigned = llvm::cast<mlir::IntegerType>(elt).isUnsigned();
    for (const llvm::APInt &v : attr.getValues<llvm::APInt>())
      out.push_back(int32_t(isUnsigned ? v.getZExtValue() : v.getSExtValue()));
  }
  return out;
}

std::vector<float> floatsOf(mlir::DenseElementsAttr attr) {
  std::vector<float> out;
  for (llvm::APFloat v : attr.getValues<llvm::APFloat>()) {
    bool losesInfo;
    v.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
              &losesInfo);
    out.push_back(v.convertToFloat());
  }
  return out;
}

class QuantizePass : public ::testing::TestWithParam<Case> {};

TEST_P(QuantizePass, StoresTheCoresCodesAndScales) {
  const Case &c = GetParam();
  std::mt19937 rng(42);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  // The module's weight is [K, N] (linalg.matmul); qf stores [N, K].
  std::vector<float> wkn(kK * kN);
  for (float &v : wkn)
    v = normal(rng);
  wkn[5] = 0.9f; // an outlier
  std::vector<float> wnk(kN * kK);
  for (int64_t k = 0; k < kK; ++k)
    for (int64_t n = 0; n < kN; ++n)
      wnk[n * kK + k] = wkn[k * kN + n];

  std::ostringstream m;
  m.precision(9);
  m << "func.func @f(%x: tensor<3x" << kK << "xf32>) -> tensor<3x" << kN
    << "xf32> {\n  %w = arith.constant dense<[";
  for (int64_t k = 0; k < kK; ++k) {
    m << (k ? ", [" : "[");
    for (int64_t n = 0; n < kN; ++n)
      m << (n ? ", " : "") << std::scientific << wkn[k * kN + n];
    m << "]";
  }
  m << "]> : tensor<" << kK << "x" << kN << "xf32>\n"
    << "  %z = arith.constant 0.0 : f32\n"
    << "  %e = tensor.empty() : tensor<3x" << kN << "xf32>\n"
    << "  %f = linalg.fill ins(%z : f32) outs(%e : tensor<3x" << kN
    << "xf32>) -> tensor<3x" << kN << "xf32>\n"
    << "  %y = linalg.matmul ins(%x, %w : tensor<3x" << kK << "xf32>, tensor<"
    << kK << "x" << kN << "xf32>) outs(%f : tensor<3x" << kN
    << "xf32>) -> tensor<3x" << kN << "xf32>\n"
    << "  return %y : tensor<3x" << kN << "xf32>\n}\n";

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  registry.insert<qforge::qf::QFDialect>();
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(m.str(), &context);
  ASSERT_TRUE(module);
  mlir::PassManager pm(&context);
  qforge::qf::QFQuantizeOptions options;
  options.schemeText = c.scheme;
  // The one layer is the codes under test, not kept wider as first/last.
  options.sensitiveLayers = "quantize";
  pm.addPass(qforge::qf::createQFQuantize(options));
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));

  qforge::qf::MatmulOp mm;
  module->walk([&](qforge::qf::MatmulOp op) { mm = op; });
  ASSERT_TRUE(mm) << "no qf.matmul produced";
  auto constant = [](mlir::Value v) {
    mlir::DenseElementsAttr attr;
    if (auto op = v.getDefiningOp<mlir::arith::ConstantOp>())
      attr = llvm::dyn_cast<mlir::DenseElementsAttr>(op.getValue());
    return attr;
  };
  mlir::DenseElementsAttr weight = constant(mm.getWeight());
  mlir::DenseElementsAttr scales = constant(mm.getWeightScale());
  ASSERT_TRUE(weight && scales);

  QuantSpec spec;
  spec.dtype = c.dtype;
  spec.symmetric = c.symmetric;
  spec.scaleType = c.scaleType;
  spec.layout = c.layout;
  QuantizedTensor expected = quantize(wnk, {kN, kK}, spec);
  EXPECT_EQ(codesOf(weight), expected.values);
  EXPECT_EQ(floatsOf(scales), expected.params.scales);
  if (!c.symmetric) {
    mlir::DenseElementsAttr zps = constant(mm.getWeightZeroPoint());
    ASSERT_TRUE(zps);
    EXPECT_EQ(codesOf(zps), expected.params.zeroPoints);
  } else {
    EXPECT_FALSE(mm.getWeightZeroPoint());
  }
}

INSTANTIATE_TEST_SUITE_P(
    WeightSchemes, QuantizePass,
    ::testing::Values(
        Case{"w8", DType::Int8, ScaleLayout::perAxis(0), true},
        Case{"w8asym", DType::UInt8, ScaleLayout::perAxis(0), false},
        Case{"w8-tensor", DType::Int8, ScaleLayout::perTensor(), true},
        Case{"w4g32", DType::Int4, ScaleLayout::blocked(1, 32), true},
        Case{"w4g32asym", DType::UInt4, ScaleLayout::blocked(1, 32), false},
        Case{"w4g32-f16", DType::Int4, ScaleLayout::blocked(1, 32), true,
             ScaleDType::F16},
        Case{"w2g16asym", DType::UInt2, ScaleLayout::blocked(1, 16), false},
        Case{"nf4g64-bf16", DType::NF4, ScaleLayout::blocked(1, 64), true,
             ScaleDType::BF16},
        Case{"fp4g32", DType::FP4E2M1, ScaleLayout::blocked(1, 32), true},
        Case{"fp8", DType::F8E4M3FN, ScaleLayout::perAxis(0), true},
        Case{"fp8e5m2", DType::F8E5M2, ScaleLayout::perAxis(0), true},
        Case{"a8w8", DType::Int8, ScaleLayout::perAxis(0), true}),
    [](const ::testing::TestParamInfo<Case> &info) {
      std::string name = info.param.scheme;
      for (char &ch : name)
        if (!isalnum(static_cast<unsigned char>(ch)))
          ch = '_';
      return name;
    });

} // namespace
