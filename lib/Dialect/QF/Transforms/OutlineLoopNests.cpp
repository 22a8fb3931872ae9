//===- OutlineLoopNests.cpp - One function per top-level loop nest -------===//
//
// qf-outline-loop-nests: keeps LLVM's per-function work proportional to one
// op. A model lowered to loops is one function holding a loop nest per op;
// LLVM's optimizer and code generator are superlinear in a function's size
// (IndVarSimplify, on a chain of N elementwise ops, grows as N^2), which made
// a 400-op graph take 50 s and a 1,000-op one minutes. Each top-level nest
// becomes a private noinline function (upstream's outlineSingleBlockRegion,
// through an scf.execute_region around the nest).
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFOUTLINELOOPNESTS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;

namespace {

bool isLoopNest(Operation &op) {
  return isa<scf::ForOp, scf::ParallelOp, scf::ForallOp, scf::WhileOp>(op);
}

/// Clones the constants and global addresses the region uses into it, so
/// that the outlined function sees them as such rather than as arguments:
/// LLVM then knows a weight global's address and that it aliases none of
/// the function's buffers (passing it as a pointer made the matmul kernels
/// reload weights around every store, 30% slower at M = 32).
void sinkConstants(RewriterBase &rewriter, Region &region) {
  llvm::SetVector<Value> above;
  getUsedValuesDefinedAbove(region, above);
  for (Value v : above) {
    Operation *def = v.getDefiningOp();
    if (!def || def->getNumResults() != 1 ||
        !(isa<memref::GetGlobalOp>(def) || def->hasTrait<OpTrait::ConstantLike>()))
      continue;
    rewriter.setInsertionPointToStart(&region.front());
    Operation *copy = rewriter.clone(*def);
    replaceAllUsesInRegionWith(v, copy->getResult(0), region);
  }
}

struct OutlineLoopNestsPass
    : qforge::qf::impl::QFOutlineLoopNestsBase<OutlineLoopNestsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    for (func::FuncOp fn : functions)
      if (failed(outlineNests(module, fn)))
        return signalPassFailure();
  }

  LogicalResult outlineNests(ModuleOp module, func::FuncOp fn) {
    if (fn.isExternal() || !fn.getBody().hasOneBlock())
      return success();
    SmallVector<Operation *> nests;
    for (Operation &op : fn.getBody().front())
      if (isLoopNest(op))
        nests.push_back(&op);
    if (nests.size() < minNests)
      return success();
    IRRewriter rewriter(&getContext());
    unsigned next = 0;
    auto noinline = StringAttr::get(&getContext(), "noinline");
    for (Operation *nest : nests) {
      Location loc = nest->getLoc();
      // scf.execute_region { nest; scf.yield its results }
      rewriter.setInsertionPoint(nest);
      auto wrapper =
          scf::ExecuteRegionOp::create(rewriter, loc, nest->getResultTypes());
      nest->replaceAllUsesWith(wrapper.getResults());
      Block *body = rewriter.createBlock(&wrapper.getRegion());
      nest->moveBefore(body, body->end());
      rewriter.setInsertionPointToEnd(body);
      scf::YieldOp::create(rewriter, loc, nest->getResults());
      sinkConstants(rewriter, wrapper.getRegion());

      std::string name;
      do {
        name = (fn.getName() + "_nest" + llvm::Twine(next++)).str();
      } while (module.lookupSymbol(name));
      rewriter.setInsertionPoint(fn);
      FailureOr<func::FuncOp> outlined =
          outlineSingleBlockRegion(rewriter, loc, wrapper.getRegion(), name);
      if (failed(outlined))
        return nest->emitError("qf-outline-loop-nests: cannot outline");
      outlined->setPrivate();
      // The wrapper now holds the call: put the call in its place.
      Block &callBlock = wrapper.getRegion().front();
      Operation *yield = callBlock.getTerminator();
      SmallVector<Value> yielded(yield->getOperands());
      rewriter.inlineBlockBefore(&callBlock, wrapper);
      rewriter.replaceOp(wrapper, yielded);
      rewriter.eraseOp(yield);
      // Kept out of line by LLVM's inliner too (it would undo the split).
      (*outlined)->setAttr("passthrough", rewriter.getArrayAttr({noinline}));
    }
    return success();
  }
};

} // namespace
