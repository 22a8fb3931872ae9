// The model fingerprint ignores observers, locations and discardable
// attributes, and changes with anything that changes the math.
#include "qforge/Calibration/Fingerprint.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

namespace {

const char *kModel = R"mlir(
func.func @forward(%x: tensor<4x8xf32>) -> tensor<4x5xf32> {
  %w = arith.constant dense<WEIGHT> : tensor<5x8xf32>
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x5xf32>
  %z = linalg.fill ins(%c0 : f32) outs(%e : tensor<4x5xf32>) -> tensor<4x5xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w : tensor<4x8xf32>, tensor<5x8xf32>) outs(%z : tensor<4x5xf32>) -> tensor<4x5xf32> loc(LOC)
  return %y : tensor<4x5xf32>
}
)mlir";

class Fingerprint : public ::testing::Test {
protected:
  Fingerprint() {
    mlir::registerAllDialects(registry);
    registry.insert<qforge::qf::QFDialect>();
    context = std::make_unique<mlir::MLIRContext>(registry);
  }

  mlir::OwningOpRef<mlir::ModuleOp> parse(const std::string &weight,
                                          const std::string &loc) {
    std::string text = kModel;
    text.replace(text.find("WEIGHT"), 6, weight);
    text.replace(text.find("LOC"), 3, loc);
    auto module = mlir::parseSourceString<mlir::ModuleOp>(text, context.get());
    EXPECT_TRUE(module);
    return module;
  }

  mlir::DialectRegistry registry;
  std::unique_ptr<mlir::MLIRContext> context;
};

TEST_F(Fingerprint, InstrumentedEqualsOriginal) {
  auto module = parse("0.5", "\"fc1\"");
  std::string original = qforge::computeModelFingerprint(*module);
  EXPECT_EQ(original.size(), 64u);
  mlir::PassManager pm(context.get());
  qforge::qf::QFInsertObserversOptions options;
  options.outputs = true;
  pm.addPass(qforge::qf::createQFInsertObservers(options));
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
  int observers = 0;
  module->walk([&](mlir::Operation *op) {
    observers += op->getName().getStringRef() == "qf.observe";
  });
  ASSERT_EQ(observers, 2);
  EXPECT_EQ(qforge::computeModelFingerprint(*module), original);
  // Discardable attributes do not count either.
  module->walk([&](mlir::func::FuncOp fn) {
    fn->setAttr("llvm.emit_c_interface", mlir::UnitAttr::get(context.get()));
  });
  EXPECT_EQ(qforge::computeModelFingerprint(*module), original);
}

TEST_F(Fingerprint, IgnoresLocationsButNotTheMath) {
  std::string base = qforge::computeModelFingerprint(*parse("0.5", "\"fc1\""));
  EXPECT_EQ(qforge::computeModelFingerprint(*parse("0.5", "\"other\"")), base);
  EXPECT_EQ(qforge::computeModelFingerprint(*parse("0.5", "unknown")), base);
  EXPECT_NE(qforge::computeModelFingerprint(*parse("0.25", "\"fc1\"")), base);
}

TEST_F(Fingerprint, SeesResourceBlobs) {
  // Weights imported from ONNX live in dense_resource blobs, printed after
  // the module: they must count.
  auto withBlob = [&](const char *hex) {
    std::string text = R"mlir(
      func.func @f() -> tensor<2xf32> {
        %w = arith.constant dense_resource<w> : tensor<2xf32>
        return %w : tensor<2xf32>
      }
      {-# dialect_resources: { builtin: { w: "0x04000000HEX" } } #-}
    )mlir";
    text.replace(text.find("HEX"), 3, hex);
    auto module = mlir::parseSourceString<mlir::ModuleOp>(text, context.get());
    EXPECT_TRUE(module);
    return qforge::computeModelFingerprint(*module);
  };
  std::string a = withBlob("0000803F00000040"); // 1, 2
  EXPECT_EQ(withBlob("0000803F00000040"), a);
  EXPECT_NE(withBlob("0000803F00004040"), a); // 1, 3
}

TEST_F(Fingerprint, DoesNotModifyTheModule) {
  auto module = parse("0.5", "\"fc1\"");
  mlir::PassManager pm(context.get());
  pm.addPass(qforge::qf::createQFInsertObservers());
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
  std::string before;
  llvm::raw_string_ostream os(before);
  module->print(os);
  (void)qforge::computeModelFingerprint(*module);
  std::string after;
  llvm::raw_string_ostream os2(after);
  module->print(os2);
  EXPECT_EQ(before, after);
  EXPECT_NE(after.find("qf.observe"), std::string::npos);
}

} // namespace
