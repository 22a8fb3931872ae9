// The C++ wrapper (qforge-c/qforge.hpp) over the C runtime: it loads an
// artifact written by qforge-compile's library, exposes its signature,
// runs on caller buffers and on owned tensors with the same results, and
// turns every bad call into a qforge::Error naming the tensor; the model
// is movable and unloads once.
#include "qforge-c/qforge.hpp"
#include "qforge/Compiler/Compile.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <string>

namespace {

// sum = a + b, prod = a * b on f32; idx + 1 on i64: exact in any order.
constexpr const char *kModule = R"mlir(
func.func @pair(%a: tensor<2x3xf32> {qf.name = "a"}, %b: tensor<2x3xf32> {qf.name = "b"},
                %idx: tensor<4xi64> {qf.name = "idx"})
    -> (tensor<2x3xf32> {qf.name = "sum"}, tensor<2x3xf32> {qf.name = "prod"},
        tensor<4xi64> {qf.name = "next"}) {
  %e = tensor.empty() : tensor<2x3xf32>
  %s = linalg.add ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %p = linalg.mul ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %one = arith.constant dense<1> : tensor<4xi64>
  %ei = tensor.empty() : tensor<4xi64>
  %n = linalg.add ins(%idx, %one : tensor<4xi64>, tensor<4xi64>) outs(%ei : tensor<4xi64>) -> tensor<4xi64>
  return %s, %p, %n : tensor<2x3xf32>, tensor<2x3xf32>, tensor<4xi64>
}
)mlir";

/// Compiles `text` with qforge-compile's library into `dir`; sets `so` to
/// the artifact's path.
void compileArtifact(const char *text, const llvm::SmallString<128> &dir,
                     std::string &so) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<qforge::qf::QFDialect>();
  mlir::MLIRContext context(registry);
  auto module = mlir::parseSourceString<mlir::ModuleOp>(text, &context);
  ASSERT_TRUE(module);
  qforge::CompileOptions options;
  options.outDir = dir.str().str();
  llvm::Expected<qforge::CompileReport> report =
      qforge::compileModule(*module, options);
  ASSERT_TRUE(bool(report)) << llvm::toString(report.takeError());
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, report->name + ".so");
  so = path.str().str();
}

class CppApi : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("qforge-cpp-api", dir));
    compileArtifact(kModule, dir, path);
  }
  static void TearDownTestSuite() { llvm::sys::fs::remove_directories(dir); }

  static llvm::SmallString<128> dir;
  static std::string path;
  std::vector<float> a = {1.5f, -2.0f, 0.25f, 3.0f, 4.0f, -0.5f};
  std::vector<float> b = {2.0f, 0.5f, -4.0f, 1.0f, -1.0f, 8.0f};
  std::vector<int64_t> idx = {0, 7, -3, 41};
};

llvm::SmallString<128> CppApi::dir;
std::string CppApi::path;

/// The message of the qforge::Error `f` throws ("" if none).
template <typename F> std::string errorOf(F &&f) {
  try {
    f();
  } catch (const qforge::Error &e) {
    return e.what();
  }
  return "";
}

TEST_F(CppApi, SignatureComesFromTheArtifact) {
  qforge::Model model(path);
  EXPECT_EQ(model.name(), "pair");
  ASSERT_EQ(model.inputs().size(), 3u);
  ASSERT_EQ(model.outputs().size(), 3u);
  EXPECT_EQ(model.input(0).name, "a");
  EXPECT_EQ(model.input(2).name, "idx");
  EXPECT_EQ(model.input(2).dtype, qforge::DType::I64);
  EXPECT_EQ(model.input(2).shape, std::vector<int64_t>{4});
  EXPECT_EQ(model.output(1).name, "prod");
  EXPECT_EQ(model.output(1).shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(model.output(1).numElements(), 6);
  EXPECT_EQ(model.output(1).byteSize(), 24u);
  EXPECT_EQ(model.output(2).byteSize(), 32u);
  EXPECT_EQ(errorOf([&] { model.output(3); }),
            "output 3 is out of range (the model has 3)");
}

TEST_F(CppApi, OwnedAndCallerBuffersGiveTheSameResults) {
  qforge::Model model(path);
  model.setThreads(1);
  std::vector<qforge::Tensor> out = model.run({a, b, idx});
  ASSERT_EQ(out.size(), 3u);
  std::vector<float> sum = out[0].toVector<float>();
  const float *prod = out[1].data<float>();
  std::vector<int64_t> next = out[2].toVector<int64_t>();
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(sum[i], a[i] + b[i]) << i;
    EXPECT_EQ(prod[i], a[i] * b[i]) << i;
  }
  EXPECT_EQ(next, (std::vector<int64_t>{1, 8, -2, 42}));
  EXPECT_EQ(out[2].shape(), std::vector<int64_t>{4});

  std::vector<float> sum2(6, -1.0f), prod2(6, -1.0f);
  int64_t next2[4] = {};
  model.run({qforge::View(a), qforge::View(b.data(), b.size()), idx},
            {sum2, qforge::MutableView(prod2), qforge::MutableView(next2, 4)});
  EXPECT_EQ(sum2, sum);
  EXPECT_EQ(prod2, out[1].toVector<float>());
  EXPECT_EQ(std::vector<int64_t>(next2, next2 + 4), next);
}

TEST_F(CppApi, BadCallsThrowErrorsNamingTheTensor) {
  qforge::Model model(path);
  EXPECT_EQ(errorOf([&] { model.run({a, b}); }),
            "model 'pair' takes 3 inputs, got 2");
  std::vector<float> shortB(5);
  EXPECT_EQ(errorOf([&] { model.run({a, shortB, idx}); }),
            "input 1 ('b') must have shape [2, 3] (6 elements), got 5 elements");
  std::vector<int32_t> idx32(4);
  EXPECT_EQ(errorOf([&] { model.run({a, b, idx32}); }),
            "input 2 ('idx') must be i64 [4], got i32");
  std::vector<float> s(6), p(6);
  std::vector<int64_t> n(3);
  EXPECT_EQ(errorOf([&] { model.run({a, b, idx}, {s, p}); }),
            "model 'pair' takes 3 outputs, got 2");
  EXPECT_EQ(errorOf([&] { model.run({a, b, idx}, {s, p, n}); }),
            "output 2 ('next') must have shape [4] (4 elements), got 3 "
            "elements");
  std::vector<qforge::Tensor> out = model.run({a, b, idx});
  EXPECT_EQ(errorOf([&] { out[0].data<int64_t>(); }),
            "tensor 'sum' is f32, not i64");

  EXPECT_NE(errorOf([] { qforge::Model("/nonexistent/model.so"); })
                .find("cannot load '/nonexistent/model.so'"),
            std::string::npos);
  EXPECT_NE(errorOf([] { qforge::Model("libm.so.6"); })
                .find("is not a QForge artifact"),
            std::string::npos);
}

// A dynamic batch: the dimension is named and bound per call from the
// view's shape; owned outputs take the bound shape.
TEST(CppApiDynamic, DimensionsBindPerCall) {
  constexpr const char *kDynamic = R"mlir(
func.func @double(%x: tensor<?x3xf32> {qf.name = "x", qf.dim_names = ["batch", ""]})
    -> (tensor<?x3xf32> {qf.name = "y"}) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %y = linalg.add ins(%x, %x : tensor<?x3xf32>, tensor<?x3xf32>) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
)mlir";
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("qforge-cpp-dyn", dir));
  std::string so;
  compileArtifact(kDynamic, dir, so);
  ASSERT_FALSE(so.empty());
  {
    qforge::Model model(so);
    EXPECT_TRUE(model.input(0).isDynamic());
    EXPECT_EQ(model.input(0).dims[0], "batch");
    for (int64_t rows : {1, 4}) {
      std::vector<float> x(rows * 3);
      for (size_t i = 0; i < x.size(); ++i)
        x[i] = float(i) - 2.5f;
      std::vector<qforge::Tensor> y =
          model.run({qforge::View(x.data(), std::vector<int64_t>{rows, 3})});
      ASSERT_EQ(y[0].shape(), (std::vector<int64_t>{rows, 3}));
      for (size_t i = 0; i < x.size(); ++i)
        EXPECT_EQ(y[0].data<float>()[i], 2 * x[i]);
      std::vector<float> out(rows * 3);
      model.run({qforge::View(x.data(), std::vector<int64_t>{rows, 3})},
                {out});
      EXPECT_EQ(out.back(), 2 * x.back());
    }
    std::vector<float> x(6);
    EXPECT_EQ(errorOf([&] { model.run({x}); }),
              "input 0 ('x') has dynamic dimensions [batch, 3]: give its "
              "shape with the View");
    EXPECT_EQ(errorOf([&] {
                model.run({qforge::View(x.data(), std::vector<int64_t>{3, 2})});
              }),
              "input 0 ('x') must have shape [batch, 3], got [3, 2]");
    std::vector<float> small(3);
    EXPECT_EQ(errorOf([&] {
                model.run({qforge::View(x.data(), std::vector<int64_t>{2, 3})},
                          {small});
              }),
              "output 0 ('y') must have shape [2, 3] (6 elements), got 3 "
              "elements");
  }
  llvm::sys::fs::remove_directories(dir);
}

TEST_F(CppApi, ModelsMoveAndUnloadOnce) {
  qforge::Model first(path);
  qforge::Model second = std::move(first);
  EXPECT_EQ(second.name(), "pair");
  EXPECT_EQ(errorOf([&] { first.handle(); }),
            "use of a moved-from qforge::Model");
  qforge::Model third(path);
  third = std::move(second);
  std::vector<qforge::Tensor> out = third.run({a, b, idx});
  EXPECT_EQ(out[0].toVector<float>()[0], 3.5f);
}

} // namespace
