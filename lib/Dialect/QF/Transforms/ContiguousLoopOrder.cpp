//===- ContiguousLoopOrder.cpp - Reduction loops in a cache-friendly order ===//
//
// qf-contiguous-loop-order: moves a parallel loop innermost in linalg ops
// whose innermost loop strides through memory (a [K, N] weight read down its
// columns). Only parallel loops move and reductions keep their order, so
// each output element is computed by the same sequence of operations: the
// numbers are unchanged, bit for bit.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFCONTIGUOUSLOOPORDER
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;

namespace {

/// Operands of `op` that loop `dim` strides through when innermost: it
/// appears in one of their indices other than the last (the last index is
/// contiguous, or steps by a constant as in a convolution window).
unsigned stridedOperands(linalg::LinalgOp op, unsigned dim) {
  unsigned count = 0;
  for (AffineMap map : op.getIndexingMapsArray()) {
    ArrayRef<AffineExpr> results = map.getResults();
    for (size_t i = 0; i + 1 < results.size(); ++i)
      if (results[i].isFunctionOfDim(dim)) {
        ++count;
        break;
      }
  }
  return count;
}

/// The loop to move innermost, if moving one helps.
std::optional<unsigned> betterInnermostLoop(linalg::LinalgOp op) {
  unsigned loops = op.getNumLoops();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (loops < 2 || !llvm::is_contained(iterators, utils::IteratorType::reduction))
    return std::nullopt;
  unsigned best = loops - 1, bestCount = stridedOperands(op, loops - 1);
  for (unsigned dim = loops - 1; dim-- > 0;) {
    if (iterators[dim] != utils::IteratorType::parallel)
      continue;
    unsigned count = stridedOperands(op, dim);
    if (count < bestCount) {
      best = dim;
      bestCount = count;
    }
  }
  if (best == loops - 1)
    return std::nullopt;
  return best;
}

struct ContiguousLoopOrderPass
    : public qforge::qf::impl::QFContiguousLoopOrderBase<
          ContiguousLoopOrderPass> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, unsigned>> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<unsigned> dim = betterInnermostLoop(op))
        work.push_back({op, *dim});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, dim] : work) {
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue; // no region builder: left as it is
        generic = *generalized;
      }
      // The loops in their new order: all others as they were, `dim` last.
      SmallVector<unsigned> order;
      for (unsigned d = 0, e = generic.getNumLoops(); d < e; ++d)
        if (d != dim)
          order.push_back(d);
      order.push_back(dim);
      if (failed(linalg::interchangeGenericOp(rewriter, generic, order))) {
        generic.emitError("cannot reorder the loops of this op");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
