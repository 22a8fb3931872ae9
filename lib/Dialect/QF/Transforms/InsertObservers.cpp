//===- InsertObservers.cpp - qf.observe taps on matmul inputs/outputs ----===//
//
// Calibration needs the statistics of what every matmul sees: the activation
// input (for static activation scales, SmoothQuant/AWQ per-channel maxima and
// GPTQ's X^T X) and, for comparisons, its output. This pass puts a
// `qf.observe` on each, named after the layer (LayerNames.h), so that stats
// files, per-layer options and reports agree on the names.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/Transforms/LayerNames.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFINSERTOBSERVERS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;
using namespace qforge::qf;

namespace {

bool isObservable(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && isa<FloatType>(type.getElementType());
}

/// Position of the contraction (K) dimension in the lhs, if it is not the
/// last one (a transposed lhs). For several reduction dims, the innermost.
std::optional<int64_t> lhsChannelDim(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumDpsInputs() < 1)
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(linalgOp);
  if (failed(dims) || dims->k.empty())
    return std::nullopt;
  AffineMap map = linalgOp.getMatchingIndexingMap(linalgOp.getDpsInputOperand(0));
  std::optional<int64_t> position;
  for (unsigned k : dims->k)
    for (unsigned r = 0; r < map.getNumResults(); ++r)
      if (map.getResult(r).isFunctionOfDim(k))
        position = std::max<int64_t>(position.value_or(-1), r);
  if (!position || *position == int64_t(map.getNumResults()) - 1)
    return std::nullopt;
  return position;
}

OpOperand &lhsOperand(Operation *op) {
  if (auto matmul = dyn_cast<MatmulOp>(op))
    return matmul.getLhsMutable();
  return *cast<linalg::LinalgOp>(op).getDpsInputOperand(0);
}

struct InsertObserversPass
    : qforge::qf::impl::QFInsertObserversBase<InsertObserversPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringSet<> used;
    module.walk([&](ObserveOp op) { used.insert(op.getId()); });

    llvm::DenseMap<Operation *, std::string> names = getLayerNames(module);
    // Walk in program order so diagnostics and ids are deterministic.
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (names.count(op))
        ops.push_back(op);
    });

    for (Operation *op : ops) {
      const std::string &layer = names[op];
      OpBuilder builder(op);

      OpOperand &lhs = lhsOperand(op);
      std::string inputId = layer + ".input";
      auto existing = lhs.get().getDefiningOp<ObserveOp>();
      bool observed = existing && existing.getId() == inputId;
      if (!observed && isObservable(lhs.get())) {
        if (used.contains(inputId)) {
          op->emitWarning("layer name '")
              << layer
              << "' is used by more than one matmul; only the first is observed";
        } else {
          auto observe = ObserveOp::create(builder, op->getLoc(), lhs.get().getType(),
                                           lhs.get(), inputId);
          if (std::optional<int64_t> dim = lhsChannelDim(op))
            observe->setAttr(kChannelDimAttrName, builder.getI64IntegerAttr(*dim));
          lhs.set(observe.getResult());
          used.insert(inputId);
        }
      }

      if (!outputs || op->getNumResults() != 1)
        continue;
      Value result = op->getResult(0);
      std::string outputId = layer + ".output";
      bool outputObserved = llvm::any_of(result.getUsers(), [&](Operation *u) {
        auto obs = dyn_cast<ObserveOp>(u);
        return obs && obs.getId() == outputId;
      });
      if (outputObserved || !isObservable(result))
        continue;
      if (used.contains(outputId)) {
        op->emitWarning("layer name '")
            << layer
            << "' is used by more than one matmul; only the first is observed";
        continue;
      }
      builder.setInsertionPointAfter(op);
      auto observe = ObserveOp::create(builder, op->getLoc(), result.getType(),
                                       result, outputId);
      result.replaceAllUsesExcept(observe.getResult(), observe.getOperation());
      used.insert(outputId);
    }
  }
};

} // namespace
