//===- SensitiveLayers.h - Layers a narrow whole-model scheme would hurt --===//
//
// --qf-quantize's default policy (sensitive-layers=keep, docs/QUANTIZE.md):
// when the scheme asked for the whole model stores weights in fewer than 8
// bits, the layers it is known not to hold for keep 8-bit weights (the same
// scheme with int8 per-channel weights), as llama.cpp keeps its output
// tensor wider and low-bit CNN quantization keeps the first and last
// layers at 8 bits. The decision is made here; the pass applies it.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_DIALECT_QF_TRANSFORMS_SENSITIVELAYERS_H
#define QFORGE_LIB_DIALECT_QF_TRANSFORMS_SENSITIVELAYERS_H

#include "qforge/Quant/Scheme.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseSet.h"

#include <cstdint>
#include <optional>
#include <string>

namespace qforge::qf::sensitive {

/// The layers at the ends of the model's data flow, among `layers` (the
/// matmuls with constant weights, all of one function body).
struct EdgeLayers {
  /// Layers whose activations come from the function's arguments through
  /// no other layer: a CNN's first convolution (K = C kh kw, few input
  /// channels) or a decoder's first projections. Every later layer sees
  /// their error.
  llvm::DenseSet<mlir::Operation *> first;
  /// Layers whose results reach the function's results through no other
  /// layer: a classifier, a language model's head. Their error lands on the
  /// outputs undiluted.
  llvm::DenseSet<mlir::Operation *> last;
};

/// Data flow is followed through every op's operands and results (values
/// used inside a region count as the region's op using them).
EdgeLayers findEdgeLayers(mlir::Operation *root,
                          const llvm::DenseSet<mlir::Operation *> &layers);

/// Whether the policy applies to layers given `scheme` for the whole
/// model: quantized weights narrower than 8 bits.
bool isNarrow(const quant::Scheme &scheme);

/// What such a layer keeps: `scheme` with int8 weights, symmetric, one
/// scale per output channel (activations as `scheme` has them).
quant::Scheme widerScheme(const quant::Scheme &scheme);

/// Why a layer of [N, K] weights at a narrow `scheme` keeps the wider one
/// before it is quantized (its place in the model, a group larger than its
/// rows), or nullopt.
std::optional<std::string> structuralReason(const quant::Scheme &scheme,
                                            int64_t k, bool first, bool last);

/// The SQNR in dB of the quantized weights `wHat` against `w` (both
/// [n, k]): of the layer's outputs on `x` ([rows, k] recorded calibration
/// rows), or of the weights themselves when `x` is null. Measured on at
/// most 16 rows and 256 evenly strided output channels, as autoquant's
/// guard samples (each channel is quantized on its own).
double layerSqnrDb(const float *w, const float *wHat, int64_t n, int64_t k,
                   const float *x, int64_t rows);

/// Why a quantized layer keeps the wider scheme after all: its SQNR in dB
/// is below `minSqnrDb`; `onActivations` says whether it was measured on
/// recorded calibration rows or on the weights alone. Nullopt when it holds.
std::optional<std::string> errorReason(double sqnrDb, double minSqnrDb,
                                       bool onActivations);

} // namespace qforge::qf::sensitive

#endif
