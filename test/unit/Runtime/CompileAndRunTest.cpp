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

#include <cmath>
#include <random>
#include <sstream>
#include <string>

namespace {

constexpr int64_t M = 3, K = 40, N = 5;

/// y = x W; with `dynamicM` the row count is dynamic (`?`).
std::string matmulModule(const std::vector<float> &wkn, bool dynamicM = false) {
  std::ostringstream m;
  m.precision(9);
  std::string rows = dynamicM ? "?" : std::to_string(M);
  m << "func.func @model(%x: tensor<" << rows << "x" << K
    << "xf32> {qf.name = \"tokens\"}) -> (tensor<" << rows << "x" << N
    << "xf32> {qf.name = \"logits\"}) {\n  %w = arith.constant dense<[";
  for (int64_t k = 0; k < K; ++k) {
    m << (k ? ", [" : "[");
    for (int64_t n = 0; n < N; ++n)
      m << (n ? ", " : "") << std::scientific << wkn[k * N + n];
    m << "]";
  }
  m << "]> : tensor<" << K << "x" << N << "xf32>\n"
    << "  %z = arith.constant 0.0 : f32\n";
  if (dynamicM)
    m << "  %c0 = arith.constant 0 : index\n"
      << "  %m = tensor.dim %x, %c0 : tensor<?x" << K << "xf32>\n"
      << "  %e = tensor.empty(%m) : tensor<?x" << N << "xf32>\n";
  else
    m << "  %e = tensor.empty() : tensor<" << rows << "x" << N << "xf32>\n";
  m << "  %f = linalg.fill ins(%z : f32) outs(%e : tensor<" << rows << "x" << N
    << "xf32>) -> tensor<" << rows << "x" << N << "xf32>\n"
    << "  %y = linalg.matmul ins(%x, %w : tensor<" << rows << "x" << K
    << "xf32>, tensor<" << K << "x" << N << "xf32>) outs(%f : tensor<" << rows
    << "x" << N << "xf32>) -> tensor<" << rows << "x" << N
    << "xf32> loc(\"proj\")\n"
    << "  return %y : tensor<" << rows << "x" << N << "xf32>\n}\n";
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
  std::string compile(const std::string &scheme,
                      qforge::Lowering lowering = qforge::Lowering::CPU,
                      bool dynamicM = false) {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    registry.insert<qforge::qf::QFDialect>();
    mlir::MLIRContext context(registry);
    auto module = mlir::parseSourceString<mlir::ModuleOp>(
        matmulModule(wkn, dynamicM), &context);
    EXPECT_TRUE(module);
    qforge::CompileOptions options;
    options.scheme = scheme;
    // The one layer runs the scheme under test, not kept wider.
    options.sensitiveLayers = "quantize";
    options.lowering = lowering;
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
  std::vector<float> expected(const std::vector<float> &wnk,
                              const std::vector<float> &x, int64_t M) {
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

/// W [N, K] from wkn [K, N], dequantized as w8 if asked.
std::vector<float> weightsNK(const std::vector<float> &wkn, bool w8) {
  std::vector<float> wnk(N * K);
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n)
      wnk[n * K + k] = wkn[k * N + n];
  if (!w8)
    return wnk;
  using namespace qforge::quant;
  QuantSpec spec;
  spec.layout = ScaleLayout::perAxis(0);
  return dequantize(quantize(wnk, {N, K}, spec));
}

// The reference lowering adds in the same order as the C++ evaluation (bit
// for bit); the fused kernels (the default) reassociate, within 1e-5.
TEST_F(CompileAndRun, FloatAndW8MatchTheirCppEvaluation) {
  for (auto lowering : {qforge::Lowering::Reference, qforge::Lowering::CPU})
  for (const char *scheme : {"", "w8"}) {
    bool exact = lowering == qforge::Lowering::Reference;
    SCOPED_TRACE(std::string(scheme) + (exact ? " reference" : " cpu"));
    std::string so = compile(scheme, lowering);
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

    std::vector<float> want =
        expected(weightsNK(wkn, std::string(scheme) == "w8"), x, M);
    std::vector<float> y(M * N, -1.0f);
    qforge_tensor in = {x.data(), QFORGE_F32, 2, xShape};
    qforge_tensor out = {y.data(), QFORGE_F32, 2, yShape};
    ASSERT_EQ(qforge_run(model, &in, 1, &out, 1), 0) << qforge_last_error();
    for (int64_t i = 0; i < M * N; ++i) {
      if (exact)
        EXPECT_EQ(y[i], want[i]) << "element " << i;
      else
        EXPECT_NEAR(y[i], want[i], 1e-5f * (1.0f + std::abs(want[i])))
            << "element " << i;
    }
    qforge_free(model);
  }
}

// One artifact with a dynamic row count, run with 1, 3 and 17 rows.
TEST_F(CompileAndRun, DynamicRowsAreBoundPerCall) {
  std::string so = compile("w8", qforge::Lowering::CPU, /*dynamicM=*/true);
  qforge_model *model = qforge_load(so.c_str());
  ASSERT_NE(model, nullptr) << qforge_last_error();
  qforge_dtype dtype;
  int32_t rank;
  const int64_t *shape;
  ASSERT_EQ(qforge_input_info(model, 0, &dtype, &rank, &shape), 0);
  ASSERT_EQ(rank, 2);
  EXPECT_EQ(shape[0], -1);
  EXPECT_EQ(shape[1], K);
  EXPECT_STREQ(qforge_input_dim_name(model, 0, 0), "tokens.0");
  EXPECT_EQ(qforge_input_dim_name(model, 0, 1), nullptr);
  EXPECT_STREQ(qforge_output_dim_name(model, 0, 0), "tokens.0");
  std::vector<float> wnk = weightsNK(wkn, true);
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (int64_t rows : {1, 3, 17}) {
    SCOPED_TRACE(rows);
    std::vector<float> xs(rows * K);
    for (float &v : xs)
      v = normal(rng);
    const int64_t inShape[2] = {rows, K};
    qforge_tensor in = {xs.data(), QFORGE_F32, 2, inShape};
    int64_t outShape[2] = {0, 0};
    ASSERT_EQ(qforge_output_shape(model, &in, 1, 0, outShape), 0)
        << qforge_last_error();
    EXPECT_EQ(outShape[0], rows);
    EXPECT_EQ(outShape[1], N);
    std::vector<float> y(rows * N, -1.0f);
    qforge_tensor out = {y.data(), QFORGE_F32, 2, outShape};
    ASSERT_EQ(qforge_run(model, &in, 1, &out, 1), 0) << qforge_last_error();
    std::vector<float> want = expected(wnk, xs, rows);
    for (int64_t i = 0; i < rows * N; ++i)
      EXPECT_NEAR(y[i], want[i], 1e-5f * (1.0f + std::abs(want[i])))
          << "element " << i;
    // An output that does not match the bound row count.
    const int64_t wrongOut[2] = {rows + 1, N};
    std::vector<float> big((rows + 1) * N);
    out = {big.data(), QFORGE_F32, 2, wrongOut};
    EXPECT_NE(qforge_run(model, &in, 1, &out, 1), 0);
    EXPECT_EQ(std::string(qforge_last_error()),
              "output 0 ('logits') must have shape [tokens.0, 5] with "
              "tokens.0 = " +
                  std::to_string(rows) +
                  " (as bound by the inputs before it), got [" +
                  std::to_string(rows + 1) + ", 5]");
  }
  const int64_t wrongK[2] = {2, K + 1};
  std::vector<float> xs(2 * (K + 1));
  qforge_tensor in = {xs.data(), QFORGE_F32, 2, wrongK};
  int64_t outShape[2];
  EXPECT_NE(qforge_output_shape(model, &in, 1, 0, outShape), 0);
  EXPECT_STREQ(qforge_last_error(),
               "input 0 ('tokens') must have shape [tokens.0, 40], got [2, 41]");
  qforge_free(model);
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
