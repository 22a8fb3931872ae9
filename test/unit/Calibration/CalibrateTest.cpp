// The calibration library API (Calibrate.h): one Session calibrates a float
// model and compares quantized stand-ins with it, on samples from an .npz.
#include "qforge/Calibration/Calibrate.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

namespace {

using namespace qforge::calib;
using namespace qforge::formats;

// y = x W with W of ones in column 0, twos in column 1 ("fc").
std::string model(float scale) {
  std::string s = std::to_string(scale);
  return R"mlir(
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[)mlir" + s + ", 2.0], [" + s + ", 2.0], [" + s +
         R"mlir(, 2.0]]> : tensor<3x2xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %z = linalg.fill ins(%c0 : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x2xf32>) outs(%z : tensor<2x2xf32>) -> tensor<2x2xf32> loc("fc")
  return %y : tensor<2x2xf32>
}
)mlir";
}

class CalibrateTest : public ::testing::Test {
protected:
  void SetUp() override {
    registerRunnerDialects(registry);
    context = std::make_unique<mlir::MLIRContext>(registry);
    ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("samples", "npz", path));
    // 4 samples of [2, 3]: values -6 .. 17.
    NpyArray x;
    x.name = "arg0";
    x.shape = {4, 2, 3};
    std::vector<float> v(24);
    for (int i = 0; i < 24; ++i)
      v[i] = float(i - 6);
    x.data.resize(v.size() * 4);
    std::memcpy(x.data.data(), v.data(), x.data.size());
    ASSERT_FALSE(bool(writeNpz(path, {x})));
  }
  void TearDown() override { llvm::sys::fs::remove(path); }

  mlir::OwningOpRef<mlir::ModuleOp> parse(const std::string &text) {
    return mlir::parseSourceString<mlir::ModuleOp>(text, context.get());
  }

  mlir::DialectRegistry registry;
  std::unique_ptr<mlir::MLIRContext> context;
  llvm::SmallString<128> path;
};

TEST_F(CalibrateTest, StatisticsOfInputsAndOutputs) {
  auto floatModel = parse(model(1.0f));
  ASSERT_TRUE(floatModel);
  SessionOptions options;
  options.what = "float";
  auto session = Session::create(*floatModel, path, options);
  ASSERT_TRUE(bool(session)) << llvm::toString(session.takeError());
  EXPECT_EQ((*session)->numSamples(), 4u);
  size_t lastDone = 0;
  auto stats = (*session)->calibrate(
      ObserverOptions(), [&](size_t done, size_t total) {
        EXPECT_EQ(total, 4u);
        lastDone = done;
      });
  ASSERT_TRUE(bool(stats)) << llvm::toString(stats.takeError());
  EXPECT_EQ(lastDone, 4u);
  EXPECT_EQ(stats->samples, 4);
  EXPECT_FALSE(stats->fingerprint.empty());
  const TensorStats *in = stats->lookup("fc.input");
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(in->min, -6.0f);
  EXPECT_EQ(in->max, 17.0f);
  EXPECT_EQ(in->channels, 3);
  // Matmul inputs keep a sample of their rows: all 8 here (fewer than
  // kSampleRows), in order, the values -6 .. 17.
  ASSERT_EQ(in->sampleRows(), 8);
  for (int i = 0; i < 24; ++i)
    EXPECT_EQ(in->rows[size_t(i)], float(i - 6));
  // Outputs: column 1 is 2 * the row sum; the largest row is 15+16+17.
  const TensorStats *out = stats->lookup("fc.output");
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(out->max, 2.0f * 48.0f);
  EXPECT_FALSE(out->hasRows()); // outputs keep no sample
  // The float model is left as it was (observers go into a clone).
  bool observed = false;
  floatModel->walk([&](mlir::Operation *op) {
    observed |= op->getName().getStringRef() == "qf.observe";
  });
  EXPECT_FALSE(observed);
}

TEST_F(CalibrateTest, CompareMeasuresOutputsAndLayers) {
  auto floatModel = parse(model(1.0f));
  auto same = parse(model(1.0f));
  auto tripled = parse(model(3.0f)); // column 0 three times larger
  ASSERT_TRUE(floatModel && same && tripled);
  auto session = Session::create(*floatModel, path, SessionOptions());
  ASSERT_TRUE(bool(session)) << llvm::toString(session.takeError());
  auto exact = (*session)->compare(*same, "same");
  ASSERT_TRUE(bool(exact)) << llvm::toString(exact.takeError());
  ASSERT_EQ(exact->outputs.size(), 1u);
  EXPECT_EQ(exact->outputs[0].err, 0.0);
  ASSERT_EQ(exact->layers.size(), 1u);
  EXPECT_EQ(exact->layers[0].name, "fc");
  EXPECT_EQ(exact->samples, 4u);
  // y0' = 3 y0, y1' = y1 with y1 = 2 y0: ||y - y'||^2 = 4 |y0|^2 and
  // ||y||^2 = 5 |y0|^2, so the relative error is sqrt(4 / 5).
  auto off = (*session)->compare(*tripled, "tripled", {}, ObserverOptions());
  ASSERT_TRUE(bool(off)) << llvm::toString(off.takeError());
  EXPECT_NEAR(off->outputs[0].relError(), std::sqrt(0.8), 1e-12);
  EXPECT_NEAR(off->layers[0].error.relError(), std::sqrt(0.8), 1e-12);
  ASSERT_TRUE(off->referenceStats.has_value());
  EXPECT_NE(off->referenceStats->lookup("fc.input"), nullptr);
}

TEST_F(CalibrateTest, ErrorsNameWhatIsWrong) {
  auto floatModel = parse(model(1.0f));
  auto other = parse(R"mlir(
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  return %x : tensor<2x4xf32>
}
)mlir");
  ASSERT_TRUE(floatModel && other);
  SessionOptions options;
  options.what = "float.mlir";
  auto session = Session::create(*floatModel, path, options);
  ASSERT_TRUE(bool(session)) << llvm::toString(session.takeError());
  auto mismatch = (*session)->compare(*other, "other.mlir");
  ASSERT_FALSE(bool(mismatch));
  EXPECT_EQ(llvm::toString(mismatch.takeError()),
            "argument 0 is tensor<2x3xf32> in 'float.mlir' but tensor<2x4xf32> "
            "in 'other.mlir'");
  // Nothing to observe: an error unless the caller allows it.
  options.what = "other.mlir";
  auto none = Session::create(*other, path, options);
  ASSERT_FALSE(bool(none));
  EXPECT_EQ(llvm::toString(none.takeError()),
            "'other.mlir' has no matmul (or qf.observe) to observe");
}

} // namespace
