// The JIT runner: observers deliver exactly the observed tensor (channel
// dimension moved last for a transposed lhs), results come back, and bad
// arguments are rejected with both shapes named.
#include "qforge/Calibration/Runner.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>

namespace {

using namespace qforge::calib;
using namespace qforge::formats;

// y1 = x^T W (lhs [K=3, M=2] transposed), y2 = batch_matmul(b, c).
const char *kModel = R"mlir(
func.func @forward(%xt: tensor<3x2xf32>, %b: tensor<2x2x3xf32>) -> (tensor<2x4xf32>, tensor<2x2x2xf32>) {
  %w = arith.constant dense<[[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]]> : tensor<3x4xf32>
  %c = arith.constant dense<1.0> : tensor<2x3x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %z = linalg.fill ins(%c0 : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%xt, %w : tensor<3x2xf32>, tensor<3x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32> loc("t")
  %e2 = tensor.empty() : tensor<2x2x2xf32>
  %z2 = linalg.fill ins(%c0 : f32) outs(%e2 : tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %y2 = linalg.batch_matmul ins(%b, %c : tensor<2x2x3xf32>, tensor<2x3x2xf32>) outs(%z2 : tensor<2x2x2xf32>) -> tensor<2x2x2xf32> loc("bmm")
  return %y, %y2 : tensor<2x4xf32>, tensor<2x2x2xf32>
}
)mlir";

struct Recorder : ObserveSink {
  std::map<std::string, std::vector<float>> data;
  std::map<std::string, std::pair<int64_t, int64_t>> dims;
  const std::vector<std::string> *ids = nullptr;
  llvm::Error observe(unsigned index, const float *values, int64_t rows,
                      int64_t channels, llvm::ArrayRef<int64_t>) override {
    const std::string &id = (*ids)[index];
    data[id].assign(values, values + rows * channels);
    dims[id] = {rows, channels};
    return llvm::Error::success();
  }
};

NpyArray floats(std::vector<int64_t> shape, const std::vector<float> &v) {
  NpyArray a;
  a.kind = 'f';
  a.itemSize = 4;
  a.shape = std::move(shape);
  a.data.resize(v.size() * 4);
  std::memcpy(a.data.data(), v.data(), a.data.size());
  return a;
}

std::vector<float> values(const NpyArray &a) {
  std::vector<float> v(a.data.size() / 4);
  std::memcpy(v.data(), a.data.data(), a.data.size());
  return v;
}

TEST(Runner, ObservesTransposedAndBatchedInputsAndOutputs) {
  mlir::DialectRegistry registry;
  registerRunnerDialects(registry);
  mlir::MLIRContext context(registry);
  auto module = mlir::parseSourceString<mlir::ModuleOp>(kModel, &context);
  ASSERT_TRUE(module);
  mlir::PassManager pm(&context);
  qforge::qf::QFInsertObserversOptions options;
  options.outputs = true;
  pm.addPass(qforge::qf::createQFInsertObservers(options));
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));

  auto model = CompiledModel::compile(*module, "", "test");
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  EXPECT_EQ((*model)->entryName(), "forward");
  EXPECT_EQ((*model)->observeIds(),
            (std::vector<std::string>{"t.input", "t.output", "bmm.input", "bmm.output"}));
  ASSERT_EQ((*model)->inputs().size(), 2u);
  EXPECT_EQ((*model)->inputs()[0].type, "tensor<3x2xf32>");

  // xt[k][m]: rows of x are m, channels k.
  std::vector<float> xt = {1, 2, 3, 4, 5, 6}; // [[1,2],[3,4],[5,6]]
  std::vector<float> b(12);
  for (int i = 0; i < 12; ++i)
    b[i] = float(i) - 5.5f;
  Recorder rec;
  rec.ids = &(*model)->observeIds();
  std::vector<NpyArray> results;
  llvm::Error err = (*model)->run({floats({3, 2}, xt), floats({2, 2, 3}, b)},
                                  results, &rec);
  ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));

  // The transposed lhs is seen as x = xt^T: [[1,3,5],[2,4,6]].
  EXPECT_EQ(rec.dims["t.input"], (std::pair<int64_t, int64_t>{2, 3}));
  EXPECT_EQ(rec.data["t.input"], (std::vector<float>{1, 3, 5, 2, 4, 6}));
  // y = x W: columns are x's columns, plus their sum.
  std::vector<float> y = {1, 3, 5, 9, 2, 4, 6, 12};
  EXPECT_EQ(rec.data["t.output"], y);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].shape, (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(values(results[0]), y);
  // batch_matmul's lhs [2, 2, 3]: 4 rows of 3 channels, in order.
  EXPECT_EQ(rec.dims["bmm.input"], (std::pair<int64_t, int64_t>{4, 3}));
  EXPECT_EQ(rec.data["bmm.input"], b);
  // Each output element is a row sum of b.
  std::vector<float> sums;
  for (int r = 0; r < 4; ++r) {
    float s = b[3 * r] + b[3 * r + 1] + b[3 * r + 2];
    sums.push_back(s);
    sums.push_back(s);
  }
  EXPECT_EQ(rec.data["bmm.output"], sums);
  EXPECT_EQ(values(results[1]), sums);

  // Arguments that do not match: both shapes in the message.
  err = (*model)->run({floats({2, 3}, xt), floats({2, 2, 3}, b)}, results, &rec);
  ASSERT_TRUE(bool(err));
  std::string message = llvm::toString(std::move(err));
  EXPECT_NE(message.find("[2, 3]"), std::string::npos) << message;
  EXPECT_NE(message.find("tensor<3x2xf32>"), std::string::npos) << message;
  err = (*model)->run({floats({3, 2}, xt)}, results, &rec);
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("takes 2 arguments"), std::string::npos);
}

TEST(Runner, EntryFunctionChoice) {
  mlir::DialectRegistry registry;
  registerRunnerDialects(registry);
  mlir::MLIRContext context(registry);
  auto module = mlir::parseSourceString<mlir::ModuleOp>(R"mlir(
    func.func @a() { return }
    func.func @b() { return }
    func.func private @helper() { return }
  )mlir", &context);
  ASSERT_TRUE(module);
  auto fn = findEntryFunction(*module, "");
  ASSERT_FALSE(bool(fn));
  std::string message = llvm::toString(fn.takeError());
  EXPECT_NE(message.find("@a, @b"), std::string::npos) << message;
  EXPECT_NE(message.find("--entry"), std::string::npos) << message;
  auto b = findEntryFunction(*module, "b");
  ASSERT_TRUE(bool(b));
  EXPECT_EQ(b->getSymName(), "b");
  auto missing = findEntryFunction(*module, "main");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("no function @main"),
            std::string::npos);
}

} // namespace
