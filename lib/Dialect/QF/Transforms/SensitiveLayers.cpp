//===- SensitiveLayers.cpp - Layers a narrow whole-model scheme would hurt ===//

#include "SensitiveLayers.h"

#include "qforge/Quant/OutputError.h"

#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <vector>

using namespace mlir;

namespace qforge::qf::sensitive {

EdgeLayers findEdgeLayers(Operation *root,
                          const llvm::DenseSet<Operation *> &layers) {
  EdgeLayers edges;
  // Pre-order visits every op after the ops defining its operands (SSA
  // dominance in the importer's single-block functions).
  std::vector<Operation *> order;
  root->walk<WalkOrder::PreOrder>([&](Operation *op) { order.push_back(op); });

  // Forward: values computed from some layer's output.
  llvm::DenseSet<Value> afterLayer;
  for (Operation *op : order) {
    bool isLayer = layers.contains(op);
    // A layer's activations are its first operand.
    if (isLayer && !afterLayer.contains(op->getOperand(0)))
      edges.first.insert(op);
    if (isLayer || llvm::any_of(op->getOperands(), [&](Value v) {
          return afterLayer.contains(v);
        }))
      afterLayer.insert(op->result_begin(), op->result_end());
  }

  // Backward: ops whose results flow into some layer.
  llvm::DenseSet<Operation *> beforeLayer;
  auto feedsLayer = [&](Operation *op) {
    for (Operation *user : op->getUsers())
      if (layers.contains(user) || beforeLayer.contains(user))
        return true;
    return false;
  };
  for (Operation *op : llvm::reverse(order)) {
    bool feeds = feedsLayer(op);
    if (layers.contains(op) && !feeds)
      edges.last.insert(op);
    if (feeds)
      beforeLayer.insert(op);
  }
  return edges;
}

bool isNarrow(const quant::Scheme &scheme) {
  return !scheme.isFloat() && scheme.weightBits() < 8;
}

quant::Scheme widerScheme(const quant::Scheme &scheme) {
  quant::Scheme wider;
  wider.weight = quant::WeightFormat::Int8;
  wider.granularity = quant::Granularity::Channel;
  wider.activation = scheme.activation;
  return wider;
}

std::optional<std::string> structuralReason(const quant::Scheme &scheme,
                                            int64_t k, bool first, bool last) {
  if (first && last)
    return std::string("the only layer between the model's inputs and "
                       "outputs");
  if (first)
    return std::string("first layer: it reads the model's inputs, every "
                       "later layer sees its error");
  if (last)
    return std::string("last layer: its error reaches the model's outputs "
                       "undiluted");
  if (scheme.granularity == quant::Granularity::Group &&
      k < scheme.groupSize)
    return llvm::formatv("K = {0} is below the group size {1}: a small "
                         "layer, 8 bits cost little",
                         k, scheme.groupSize)
        .str();
  return std::nullopt;
}

double layerSqnrDb(const float *w, const float *wHat, int64_t n, int64_t k,
                   const float *x, int64_t rows) {
  constexpr int64_t kRows = 16, kChannels = 256;
  int64_t channels = std::min(n, kChannels);
  std::vector<float> ws = quant::strideSampleRows(w, n, k, kChannels);
  std::vector<float> wHats = quant::strideSampleRows(wHat, n, k, kChannels);
  double rel =
      x ? quant::relativeOutputError(x, std::min(rows, kRows), k, ws.data(),
                                     wHats.data(), channels)
        : quant::relativeError(ws.data(), wHats.data(), ws.size());
  return quant::sqnrDb(rel);
}

std::optional<std::string> errorReason(double sqnrDb, double minSqnrDb,
                                       bool onActivations) {
  if (sqnrDb >= minSqnrDb)
    return std::nullopt;
  return llvm::formatv("SQNR {0:f1} dB {1} is below sensitive-min-sqnr = "
                       "{2:f1} dB",
                       sqnrDb,
                       onActivations ? "on the calibration rows"
                                     : "of the weights",
                       minSqnrDb)
      .str();
}

} // namespace qforge::qf::sensitive
