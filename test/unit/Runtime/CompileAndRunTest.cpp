// qforge-compile's library entry point writes an artifact that the C runtime
// loads and runs: outputs equal a plain C++ evaluation of the same quantized
// weights (same order of float operations, so bit for bit), and bad calls
// are refused with errors that name the tensor.
#include "qforge-c/qforge.h"
#include "qforge/Compiler/Compile.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Quant/QuantizeTensor.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>

namespace {

constexpr int64_t M = 3, K = 40, N = 5;

std::string matmulModule(const std::vector<float> &wkn) {
  std::ostringstream m;
  m.precision(9);
  m << "func.func @model(%x: tensor<" << M << "x" << K
    << "xf32> {qf.name = \"tokens\"}) -> (tensor<" << M << "x" << N
    << "xf32> {qf.name = \"logits\"}) {\n  %w = arith.constant dense<[";
  for (int64_t k = 0; k < K; ++k) {
    m << (k ? ", [" : "[");
    for (int64_t n = 0; n < N; ++n)
      m << (n ? ", " : "") << std::scientific << wkn[k * N + n];
    m << "]";
  }
  m << "]> : tensor<" << K << "x" << N << "xf32>\n"
    << "  %z = arith.constant 0.0 : f32\n"
    << "  %e = tensor.empty() : tensor<" << M << "x" << N << "xf32>\n"
    << "  %f = linalg.fill ins(%z : f32) outs(%e : tensor<" << M << "x" << N
    << "xf32>) -> tensor<" << M << "x" << N << "xf32>\n"
    << "  %y = linalg.matmul ins(%x, %w : tensor<" << M << "x" << K
    << "xf32>, tensor<" << K << "x" << N << "xf32>) outs(%f : tensor<" << M
    << "x" << N << "xf32>) -> tensor<" << M << "x" << N
    << "xf32> loc(\"proj\")\n"
    << "  return %y : tensor<" << M << "x" << N << "xf32>\n}\n";
  return m.str();
}

class CompileAndRun : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("qforge-artifact", dir));
    std::mt19937 rng(3);
    std::normal_distribution<float> normal(0.0f, 0.3f);
    wkn.resize(K * N);
    for (float &v : wkn)
      v = normal(rng);
    x.resize(M * K);
    for (float &v : x)
      v = normal(rng);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  /// Compiles with `scheme` and returns the .so path.
  std::string compile(const std::string &scheme) {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    registry.insert<qforge::qf::QFDialect>();
    mlir::MLIRContext context(registry);
    auto module = mlir::parseSourceString<mlir::ModuleOp>(matmulModule(wkn),
                                                          &context);
    EXPECT_TRUE(module);
    qforge::CompileOptions options;
    options.scheme = scheme;
    options.outDir = dir.str().str();
    llvm::Expected<qforge::CompileReport> report =
        qforge::compileModule(*module, options);
    EXPECT_TRUE(bool(report)) << llvm::toString(report.takeError());
    if (!report)
      return "";
    EXPECT_EQ(report->name, "model");
    EXPECT_EQ(report->inputs.at(0).name, "tokens");
    EXPECT_EQ(report->outputs.at(0).name, "logits");
    llvm::SmallString<128> so(dir);
    llvm::sys::path::append(so, "model.so");
    return so.str().str();
  }

  /// y = x W with W dequantized as the reference lowering does, k ascending.
  std::vector<float> expected(const std::vector<float> &wnk) {
    std::vector<float> y(M * N);
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        float acc = 0.0f;
        for (int64_t k = 0; k < K; ++k)
          acc = acc + x[m * K + k] * wnk[n * K + k];
        y[m * N + n] = acc;
      }
    return y;
  }

  llvm::SmallString<128> dir;
  std::vector<float> wkn, x;
  const int64_t xShape[2] = {M, K};
  const int64_t yShape[2] = {M, N};
};

TEST_F(CompileAndRun, FloatAndW8MatchTheirCppEvaluation) {
  std::vector<float> wnk(N * K);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      wnk[n * K + k] = wkn[k * N + n];

  for (const char *scheme : {"", "w8"}) {
    SCOPED_TRACE(scheme);
    std::string so = compile(scheme);
    qforge_model *model = qforge_load(so.c_str());
    ASSERT_NE(model, nullptr) << qforge_last_error();
    EXPECT_STREQ(qforge_model_name(model), "model");
    ASSERT_EQ(qforge_num_inputs(model), 1);
    ASSERT_EQ(qforge_num_outputs(model), 1);
    EXPECT_STREQ(qforge_input_name(model, 0), "tokens");
    EXPECT_STREQ(qforge_output_name(model, 0), "logits");
    qforge_dtype dtype;
    int32_t rank;
    const int64_t *shape;
    ASSERT_EQ(qforge_output_info(model, 0, &dtype, &rank, &shape), 0);
    EXPECT_EQ(dtype, QFORGE_F32);
    ASSERT_EQ(rank, 2);
    EXPECT_EQ(shape[0], M);
    EXPECT_EQ(shape[1], N);

    std::vector<float> weights = wnk;
    if (std::string(scheme) == "w8") {
      using namespace qforge::quant;
      QuantSpec spec;
      spec.layout = ScaleLayout::perAxis(0);
      weights = dequantize(quantize(wnk, {N, K}, spec));
    }
    std::vector<float> want = expected(weights);
    std::vector<float> y(M * N, -1.0f);
    qforge_tensor in = {x.data(), QFORGE_F32, 2, xShape};
    qforge_tensor out = {y.data(), QFORGE_F32, 2, yShape};
    ASSERT_EQ(qforge_run(model, &in, 1, &out, 1), 0) << qforge_last_error();
    for (int64_t i = 0; i < M * N; ++i)
      EXPECT_EQ(y[i], want[i]) << "element " << i;
    qforge_free(model);
  }
}

TEST_F(CompileAndRun, BadCallsNameTheTensor) {
  std::string so = compile("w8");
  qforge_model *model = qforge_load(so.c_str());
  ASSERT_NE(model, nullptr) << qforge_last_error();
  std::vector<float> y(M * N);
  const int64_t wrongShape[2] = {M, K + 1};
  qforge_tensor in = {x.data(), QFORGE_F32, 2, wrongShape};
  qforge_tensor out = {y.data(), QFORGE_F32, 2, yShape};
  EXPECT_NE(qforge_run(model, &in, 1, &out, 1), 0);
  EXPECT_STREQ(qforge_last_error(),
               "input 0 ('tokens') must have shape [3, 40], got [3, 41]");
  in = {x.data(), QFORGE_I8, 2, xShape};
  EXPECT_NE(qforge_run(model, &in, 1, &out, 1), 0);
  EXPECT_STREQ(qforge_last_error(), "input 0 ('tokens') must be f32, got i8");
  in = {x.data(), QFORGE_F32, 2, xShape};
  EXPECT_NE(qforge_run(model, &in, 2, &out, 1), 0);
  EXPECT_STREQ(qforge_last_error(),
               "model 'model' takes 1 inputs and 1 outputs, got 2 and 1");
  qforge_free(model);

  EXPECT_EQ(qforge_load("/nonexistent/model.so"), nullptr);
  EXPECT_NE(std::string(qforge_last_error()).find("cannot load"),
            std::string::npos);
  // A shared library that is not an artifact.
  EXPECT_EQ(qforge_load("libm.so.6"), nullptr);
  EXPECT_NE(std::string(qforge_last_error()).find("is not a QForge artifact"),
            std::string::npos);
}

} // namespace
