//===- OutlineParallel.cpp - Kernel parallel loops into functions --------===//
//
// The kernels' parallel loop (an scf.parallel marked qf.cpu.parallel_grain by
// --qf-lower-to-cpu) becomes a function over an iteration range and a call of
// it over the whole range:
//
//   scf.parallel (%i) = (%c0) to (%n) step (%c1) { body(%i) }
// ->
//   func.call @f_parallel0(%c0, %n, %captured...)
//   func.func private @f_parallel0(%b: index, %e: index, %captured...)
//       attributes {qf.cpu.parallel_grain = G, llvm.linkage = internal} {
//     scf.for %i = %b to %e step %c1 { body(%i) }
//   }
//
// Nothing changes numerically: the iterations still run in order, on one
// thread, until --qf-cpu-parallel-to-llvm routes the call through the
// runtime's thread pool, which hands disjoint sub-ranges to its threads.
// Outlining on func/memref level lets every later conversion (memref
// descriptors, vectors, index) type the captured values; the LLVM-level pass
// only has to pack scalars of LLVM types into a struct.
//
//===----------------------------------------------------------------------===//

#include "Parallel.h"

#include "qforge/Conversion/QFToCPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMAttrs.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace qforge::cpu {
#define GEN_PASS_DEF_QFOUTLINEPARALLEL
#include "qforge/Conversion/QFToCPU/Passes.h.inc"
} // namespace qforge::cpu

using namespace mlir;
using qforge::cpu::kParallelGrainAttr;

namespace {

/// Values the body can recompute instead of receiving: constants,
/// memref.get_global and other pure ops without operands or regions.
bool isRematerializable(Value v) {
  Operation *def = v.getDefiningOp();
  return def && def->getNumOperands() == 0 && def->getNumRegions() == 0 &&
         def->getNumResults() == 1 && isPure(def);
}

bool isConstantIndex(Value v, int64_t expected) {
  auto c = v.getDefiningOp<arith::ConstantIndexOp>();
  return c && c.value() == expected;
}

LogicalResult outline(scf::ParallelOp loop, unsigned index,
                      SymbolTable &symbols) {
  if (loop.getNumLoops() != 1 || loop.getNumReductions() != 0 ||
      !isConstantIndex(loop.getLowerBound()[0], 0) ||
      !isConstantIndex(loop.getStep()[0], 1))
    return loop.emitOpError("qf-cpu-outline-parallel expects a 1-D loop from "
                            "0 with step 1 and no reductions");
  auto parent = loop->getParentOfType<func::FuncOp>();
  if (!parent)
    return loop.emitOpError("qf-cpu-outline-parallel expects the loop in a "
                            "func.func");
  Location loc = loop.getLoc();
  MLIRContext *ctx = loop.getContext();

  llvm::SetVector<Value> used;
  getUsedValuesDefinedAbove(loop.getRegion(), used);
  SmallVector<Value> captured, cloned;
  for (Value v : used)
    (isRematerializable(v) ? cloned : captured).push_back(v);

  OpBuilder b(ctx);
  IndexType indexType = b.getIndexType();
  SmallVector<Type> argTypes = {indexType, indexType};
  for (Value v : captured)
    argTypes.push_back(v.getType());
  b.setInsertionPoint(parent);
  std::string name =
      (parent.getSymName() + "_parallel" + llvm::Twine(index)).str();
  auto fn = func::FuncOp::create(b, loc, name,
                                 b.getFunctionType(argTypes, TypeRange{}));
  fn.setPrivate();
  // Internal: the body is reached only through its caller (and, once
  // parallel, the task wrapper), never by name from outside the module.
  fn->setAttr("llvm.linkage",
              LLVM::LinkageAttr::get(ctx, LLVM::Linkage::Internal));
  fn->setAttr(kParallelGrainAttr, loop->getAttr(kParallelGrainAttr));
  symbols.insert(fn); // uniques the name if taken

  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  IRMapping map;
  for (Value v : cloned)
    map.map(v, b.clone(*v.getDefiningOp())->getResult(0));
  for (auto [i, v] : llvm::enumerate(captured))
    map.map(v, entry->getArgument(i + 2));
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  scf::ForOp::create(
      b, loc, entry->getArgument(0), entry->getArgument(1), one, ValueRange{},
      [&](OpBuilder &fb, Location, Value iv, ValueRange) {
        map.map(loop.getInductionVars()[0], iv);
        for (Operation &op : loop.getBody()->without_terminator())
          fb.clone(op, map);
        scf::YieldOp::create(fb, loc);
      });
  func::ReturnOp::create(b, loc);

  b.setInsertionPoint(loop);
  SmallVector<Value> operands = {loop.getLowerBound()[0],
                                 loop.getUpperBound()[0]};
  operands.append(captured.begin(), captured.end());
  func::CallOp::create(b, loc, fn, operands);
  loop.erase();
  return success();
}

struct OutlineParallelPass
    : qforge::cpu::impl::QFOutlineParallelBase<OutlineParallelPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<scf::ParallelOp> loops;
    module.walk([&](scf::ParallelOp loop) {
      if (loop->hasAttr(kParallelGrainAttr))
        loops.push_back(loop);
    });
    SymbolTable symbols(module);
    llvm::DenseMap<Operation *, unsigned> perFunction;
    for (scf::ParallelOp loop : loops) {
      unsigned &n = perFunction[loop->getParentOfType<func::FuncOp>()];
      if (failed(outline(loop, n++, symbols)))
        return signalPassFailure();
    }
  }
};

} // namespace
