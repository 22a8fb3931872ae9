// --qf-quantize with calibration statistics: GPTQ and AWQ beat RTN on the
// layer's output, SmoothQuant beats plain a8w8 when activations have outlier
// channels, static schemes take their activation scale from the stats, and
// statistics of another model are refused.
#include "qforge/Calibration/Fingerprint.h"
#include "qforge/Calibration/Statistics.h"
#include "qforge/Calibration/StatsFile.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Quant/A8W8.h"
#include "qforge/Quant/OutputError.h"
#include "qforge/Quant/QuantizeTensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

namespace {

using namespace qforge::quant;

constexpr int64_t kM = 512, kK = 128, kN = 64;

struct Layer {
  std::vector<float> wkn; ///< [K, N] as in the module
  std::vector<float> wnk; ///< [N, K]
  std::vector<float> x;   ///< [M, K] calibration activations
};

const Layer &layer() {
  static Layer L = [] {
    Layer l;
    std::mt19937 rng(11);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    // Correlated features: x = z A, plus a few channels 30x larger.
    std::vector<float> a(16 * kK);
    for (float &v : a)
      v = normal(rng) / 4.0f;
    l.x.assign(kM * kK, 0.0f);
    for (int64_t m = 0; m < kM; ++m) {
      float z[16];
      for (float &v : z)
        v = normal(rng);
      for (int64_t k = 0; k < kK; ++k) {
        float v = 0.3f * normal(rng);
        for (int r = 0; r < 16; ++r)
          v += z[r] * a[r * kK + k];
        l.x[m * kK + k] = (k % 37 == 5) ? 30.0f * v : v;
      }
    }
    l.wkn.resize(kK * kN);
    for (float &v : l.wkn)
      v = normal(rng) * 0.1f;
    l.wnk.resize(kN * kK);
    for (int64_t k = 0; k < kK; ++k)
      for (int64_t n = 0; n < kN; ++n)
        l.wnk[n * kK + k] = l.wkn[k * kN + n];
    return l;
  }();
  return L;
}

std::string moduleText(const Layer &l) {
  std::ostringstream m;
  m.precision(9);
  m << "func.func @f(%x: tensor<" << kM << "x" << kK << "xf32>) -> tensor<"
    << kM << "x" << kN << "xf32> {\n  %w = arith.constant dense<[";
  for (int64_t k = 0; k < kK; ++k) {
    m << (k ? ", [" : "[");
    for (int64_t n = 0; n < kN; ++n)
      m << (n ? ", " : "") << std::scientific << l.wkn[k * kN + n];
    m << "]";
  }
  m << "]> : tensor<" << kK << "x" << kN << "xf32>\n"
    << "  %z = arith.constant 0.0 : f32\n"
    << "  %e = tensor.empty() : tensor<" << kM << "x" << kN << "xf32>\n"
    << "  %f = linalg.fill ins(%z : f32) outs(%e : tensor<" << kM << "x" << kN
    << "xf32>) -> tensor<" << kM << "x" << kN << "xf32>\n"
    << "  %y = linalg.matmul ins(%x, %w : tensor<" << kM << "x" << kK
    << "xf32>, tensor<" << kK << "x" << kN << "xf32>) outs(%f : tensor<" << kM
    << "x" << kN << "xf32>) -> tensor<" << kM << "x" << kN
    << "xf32> loc(\"fc\")\n  return %y : tensor<" << kM << "x" << kN
    << "xf32>\n}\n";
  return m.str();
}

class QuantizeWithStats : public ::testing::Test {
protected:
  QuantizeWithStats() {
    registry.insert<qforge::qf::QFDialect>();
    mlir::registerAllDialects(registry);
  }
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("stats", "safetensors",
                                                    statsPath));
  }
  void TearDown() override { llvm::sys::fs::remove(statsPath); }

  /// The stats of layer().x for `module`'s fingerprint (or another).
  qforge::calib::StatsFile makeStats(mlir::ModuleOp module, bool wrongModel) {
    qforge::calib::ValueObserver observer({}, /*collectXtx=*/true);
    EXPECT_FALSE(bool(observer.addBatch(layer().x.data(), kM, kK)));
    qforge::calib::StatsFile file;
    file.fingerprint = qforge::computeModelFingerprint(module);
    if (wrongModel)
      file.fingerprint[0] = file.fingerprint[0] == '0' ? '1' : '0';
    file.samples = 1;
    file.ids = {"fc.input"};
    file.stats["fc.input"] = observer.finalize();
    return file;
  }

  /// Writes them to statsPath.
  void writeStats(mlir::ModuleOp module, bool wrongModel = false) {
    ASSERT_FALSE(bool(qforge::calib::writeStatsFile(
        statsPath, makeStats(module, wrongModel))));
  }

  struct Result {
    bool ok = false;
    std::string diagnostics;
    std::vector<float> divisor; ///< activation scaling s, if any
    QuantizedTensor weights;
    float lhsScale = 0.0f;
  };

  /// How the statistics (and a per-layer plan) reach the pass.
  enum class Inputs { File, Memory, Both };

  /// Runs qf-quantize and reads the qf.matmul's constants back.
  Result run(const std::string &scheme, const std::string &algorithm,
             bool wrongModel = false, Inputs how = Inputs::File,
             std::vector<std::pair<std::string, Scheme>> plan = {}) {
    mlir::MLIRContext context(registry);
    Result r;
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
      r.diagnostics += d.str() + "\n";
      return mlir::success();
    });
    auto module =
        mlir::parseSourceString<mlir::ModuleOp>(moduleText(layer()), &context);
    EXPECT_TRUE(module);
    writeStats(*module, wrongModel);
    mlir::PassManager pm(&context);
    qforge::qf::QFQuantizeOptions options;
    options.schemeText = scheme;
    // The one layer is the codes under test, not kept wider as first/last.
    options.sensitiveLayers = "quantize";
    options.algorithm = algorithm;
    qforge::qf::QuantizeInputs inputs;
    inputs.plan = std::move(plan);
    if (how != Inputs::Memory)
      options.statsFile = statsPath.str().str();
    if (how != Inputs::File)
      inputs.stats = std::make_shared<qforge::calib::StatsFile>(
          makeStats(*module, wrongModel));
    pm.addPass(qforge::qf::createQFQuantize(options, std::move(inputs)));
    if (mlir::failed(pm.run(*module)))
      return r;
    qforge::qf::MatmulOp mm;
    module->walk([&](qforge::qf::MatmulOp op) { mm = op; });
    EXPECT_TRUE(mm);
    auto dense = [](mlir::Value v) {
      auto c = v.getDefiningOp<mlir::arith::ConstantOp>();
      return c ? llvm::dyn_cast<mlir::DenseElementsAttr>(c.getValue())
               : mlir::DenseElementsAttr();
    };
    if (auto scaling = mm.getLhs().getDefiningOp<mlir::linalg::GenericOp>())
      for (float v : dense(scaling.getDpsInputOperand(1)->get())
                         .getValues<float>())
        r.divisor.push_back(v);
    auto codes = dense(mm.getWeight());
    auto scales = dense(mm.getWeightScale());
    EXPECT_TRUE(codes && scales);
    r.weights.shape = {kN, kK};
    for (const llvm::APInt &c : codes.getValues<llvm::APInt>())
      r.weights.values.push_back(int32_t(c.getSExtValue()));
    for (float s : scales.getValues<float>())
      r.weights.params.scales.push_back(s);
    if (auto ls = mm.getLhsScale())
      r.lhsScale = *dense(ls).getValues<float>().begin();
    r.ok = true;
    return r;
  }

  /// ||X W^T - (X/s) What^T|| / ||X W^T|| for weight-only results.
  double weightOnlyError(const Result &r, DType dtype, ScaleLayout layout) {
    QuantizedTensor w = r.weights;
    w.dtype = dtype;
    w.params.layout = layout;
    std::vector<float> deq = dequantize(w);
    if (!r.divisor.empty())
      for (int64_t n = 0; n < kN; ++n)
        for (int64_t k = 0; k < kK; ++k)
          deq[n * kK + k] /= r.divisor[k];
    return relativeOutputError(layer().x.data(), kM, kK, layer().wnk.data(),
                               deq.data(), kN);
  }

  /// The a8w8 layer output error with per-token int8 activations.
  double a8w8Error(const Result &r) {
    std::vector<float> x = layer().x;
    if (!r.divisor.empty())
      for (int64_t m = 0; m < kM; ++m)
        for (int64_t k = 0; k < kK; ++k)
          x[m * kK + k] /= r.divisor[k];
    QuantizedTensor w = r.weights;
    w.dtype = DType::Int8;
    w.params.layout = ScaleLayout::perAxis(0);
    std::vector<float> y = a8w8Matmul(
        quantizeActivationsPerToken(x.data(), kM, kK), w);
    std::vector<float> ref = matmulTransposed(layer().x.data(), kM, kK,
                                              layer().wnk.data(), kN);
    return relativeError(ref.data(), y.data(), ref.size());
  }

  mlir::DialectRegistry registry;
  llvm::SmallString<128> statsPath;
};

TEST_F(QuantizeWithStats, GptqAndAwqBeatRtn) {
  ScaleLayout g32 = ScaleLayout::blocked(1, 32);
  Result rtn = run("w4g32", "rtn");
  Result gptq = run("w4g32", "gptq");
  Result awq = run("w4g32", "awq");
  ASSERT_TRUE(rtn.ok && gptq.ok && awq.ok) << gptq.diagnostics
                                           << awq.diagnostics;
  double eRtn = weightOnlyError(rtn, DType::Int4, g32);
  double eGptq = weightOnlyError(gptq, DType::Int4, g32);
  double eAwq = weightOnlyError(awq, DType::Int4, g32);
  EXPECT_TRUE(gptq.divisor.empty());
  EXPECT_EQ(awq.divisor.size(), size_t(kK));
  EXPECT_LT(eGptq, 0.8 * eRtn) << "rtn " << eRtn << " gptq " << eGptq;
  EXPECT_LT(eAwq, 0.9 * eRtn) << "rtn " << eRtn << " awq " << eAwq;
}

TEST_F(QuantizeWithStats, SmoothQuantBeatsPlainA8W8) {
  Result plain = run("a8w8", "rtn");
  Result smooth = run("a8w8", "smoothquant");
  ASSERT_TRUE(plain.ok && smooth.ok) << smooth.diagnostics;
  EXPECT_EQ(smooth.divisor.size(), size_t(kK));
  double ePlain = a8w8Error(plain), eSmooth = a8w8Error(smooth);
  EXPECT_LT(eSmooth, 0.8 * ePlain) << "plain " << ePlain << " smooth " << eSmooth;
}

TEST_F(QuantizeWithStats, StaticSchemeTakesItsScaleFromTheStats) {
  Result r = run("a8w8-static", "rtn");
  ASSERT_TRUE(r.ok) << r.diagnostics;
  float amax = 0.0f;
  for (float v : layer().x)
    amax = std::max(amax, std::fabs(v));
  EXPECT_FLOAT_EQ(r.lhsScale, amax / 127.0f);
}

TEST_F(QuantizeWithStats, RefusesStatisticsOfAnotherModel) {
  Result r = run("w4g32", "gptq", /*wrongModel=*/true);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.diagnostics.find("was recorded on a different model"),
            std::string::npos)
      << r.diagnostics;
}

// What the driver and autoquant use: statistics and a per-layer plan in
// memory give the same weights as the stats file and scheme option.
TEST_F(QuantizeWithStats, InMemoryStatisticsAndPlanMatchTheFiles) {
  Result fromFile = run("w4g32", "gptq");
  Result inMemory = run("w4g32", "gptq", false, Inputs::Memory);
  ASSERT_TRUE(fromFile.ok && inMemory.ok) << inMemory.diagnostics;
  EXPECT_EQ(fromFile.weights.values, inMemory.weights.values);
  EXPECT_EQ(fromFile.weights.params.scales, inMemory.weights.params.scales);
  // A plan rule overrides the default scheme for the layers it matches.
  Result planned = run("w8", "gptq", false, Inputs::Memory,
                       {{"f*", *Scheme::parse("w4g32")}});
  ASSERT_TRUE(planned.ok) << planned.diagnostics;
  EXPECT_EQ(fromFile.weights.values, planned.weights.values);
  // In-memory statistics are checked against the model like a file's.
  Result wrong = run("w4g32", "gptq", /*wrongModel=*/true, Inputs::Memory);
  EXPECT_FALSE(wrong.ok);
  EXPECT_NE(wrong.diagnostics.find("the in-memory statistics was recorded on "
                                   "a different model"),
            std::string::npos)
      << wrong.diagnostics;
  Result both = run("w4g32", "gptq", false, Inputs::Both);
  EXPECT_FALSE(both.ok);
  EXPECT_NE(both.diagnostics.find("statistics given both in memory and as "
                                  "stats="),
            std::string::npos)
      << both.diagnostics;
}

TEST_F(QuantizeWithStats, SmoothQuantNeedsInt8Activations) {
  Result r = run("w4g32", "smoothquant");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.diagnostics.find("smoothquant is for schemes with int8 "
                               "activations"),
            std::string::npos)
      << r.diagnostics;
}

} // namespace
