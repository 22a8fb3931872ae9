//===- LayerNames.cpp - Stable names for the matmuls of a model ----------===//

#include "qforge/Dialect/QF/Transforms/LayerNames.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"

using namespace mlir;

namespace qforge::qf {
namespace {

std::optional<std::string> nameFromLoc(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (auto name = nameFromLoc(inner))
        return name;
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return nameFromLoc(callSite.getCallee());
  return std::nullopt;
}

} // namespace

bool isMatmulLike(Operation *op) {
  if (isa<MatmulOp>(op))
    return true;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalg::isaContractionOpInterface(linalgOp);
}

llvm::DenseMap<Operation *, std::string> getLayerNames(Operation *root) {
  llvm::DenseMap<Operation *, std::string> names;
  llvm::DenseMap<Operation *, unsigned> counters; // per function
  root->walk([&](Operation *op) {
    if (!isMatmulLike(op))
      return;
    auto func = op->getParentOfType<FunctionOpInterface>();
    unsigned index = counters[func.getOperation()]++;
    if (auto name = nameFromLoc(op->getLoc())) {
      names[op] = *name;
      return;
    }
    std::string prefix = func ? func.getName().str() : std::string("module");
    names[op] = prefix + ".matmul" + std::to_string(index);
  });
  return names;
}

} // namespace qforge::qf
