//===- StridedCopies.cpp - memref.copy between strided views to linalg ---===//
//
// MemRefToLLVM lowers a memref.copy whose operands are not both contiguous
// to a call to `memrefCopy` in libmlir_c_runner_utils, a library that
// artifacts do not link: loading one fails with an undefined symbol.
// Padding (the tensor.pad in front of an imported convolution) bufferizes
// into exactly such a copy, into a strided subview of the padded buffer.
// As linalg.copy it becomes loops with the rest of the linalg ops;
// contiguous copies stay memref.copy (an llvm.memcpy).
//
//===----------------------------------------------------------------------===//

#include "StridedCopies.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Pass/Pass.h"

using namespace mlir;

namespace {

/// What MemRefToLLVM copies with llvm.memcpy rather than a library call.
bool isContiguous(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && (memref.getLayout().isIdentity() ||
                    memref::isStaticShapeAndContiguousRowMajor(memref));
}

struct StridedCopiesToLinalgPass
    : public PassWrapper<StridedCopiesToLinalgPass,
                         OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(StridedCopiesToLinalgPass)

  StringRef getArgument() const override {
    return "qf-strided-copies-to-linalg";
  }
  StringRef getDescription() const override {
    return "Rewrite memref.copy between non-contiguous memrefs as linalg.copy";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<linalg::LinalgDialect>();
  }

  void runOnOperation() override {
    SmallVector<memref::CopyOp> strided;
    getOperation().walk([&](memref::CopyOp copy) {
      if (!isContiguous(copy.getSource().getType()) ||
          !isContiguous(copy.getTarget().getType()))
        strided.push_back(copy);
    });
    for (memref::CopyOp copy : strided) {
      OpBuilder builder(copy);
      linalg::CopyOp::create(builder, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    }
  }
};

} // namespace

std::unique_ptr<Pass> qforge::createStridedCopiesToLinalgPass() {
  return std::make_unique<StridedCopiesToLinalgPass>();
}

void qforge::registerStridedCopiesToLinalgPass() {
  registerPass([] { return createStridedCopiesToLinalgPass(); });
}
