//===- ScaleLayout.h - Which elements of a tensor share a scale -*- C++ -*-===//
//
// Granularity follows ONNX QuantizeLinear (opset 21+), so that scale tensors
// can be passed to ONNX/ORT unchanged. Tensors are row-major.
//
//   per-tensor           scale shape {}
//   per-axis a           scale shape {dim[a]}           ("per-channel")
//   blocked a, size G    scale shape = shape with dim[a] -> ceil(dim[a] / G)
//
// Blocked is per-group quantization: for a weight [N, K], blocked(1, 128) gives
// one scale per output channel per group of 128 along K. When G does not
// divide dim[a], the last group is partial (smaller), not padded.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_SCALELAYOUT_H
#define QFORGE_QUANT_SCALELAYOUT_H

#include <cstdint>
#include <string>
#include <vector>

namespace qforge::quant {

using Shape = std::vector<int64_t>;

int64_t numElements(const Shape &shape);

struct ScaleLayout {
  enum class Kind : uint8_t { Tensor, Axis, Block };
  Kind kind = Kind::Tensor;
  int64_t axis = 0;      ///< Axis and Block; negative counts from the end.
  int64_t blockSize = 0; ///< Block only; > 0.

  static ScaleLayout perTensor() { return {}; }
  static ScaleLayout perAxis(int64_t axis) { return {Kind::Axis, axis, 0}; }
  static ScaleLayout blocked(int64_t axis, int64_t blockSize) {
    return {Kind::Block, axis, blockSize};
  }

  friend bool operator==(const ScaleLayout &a, const ScaleLayout &b) {
    return a.kind == b.kind && a.axis == b.axis && a.blockSize == b.blockSize;
  }
};

/// Empty if `layout` applies to tensors of `shape`; otherwise why not (axis
/// out of range, non-positive block size, negative dimension).
std::string verifyLayout(const Shape &shape, const ScaleLayout &layout);

/// Shape of the scale (and zero-point) tensor. Requires a valid layout.
Shape scaleShape(const Shape &shape, const ScaleLayout &layout);

/// Maps a row-major element index to the row-major index of its scale.
/// Requires a valid layout.
class ScaleIndexer {
public:
  ScaleIndexer(const Shape &shape, const ScaleLayout &layout);
  int64_t operator()(int64_t elementIndex) const {
    if (kind_ == ScaleLayout::Kind::Tensor)
      return 0;
    int64_t k = (elementIndex / inner_) % dim_;
    if (kind_ == ScaleLayout::Kind::Axis)
      return k;
    int64_t outer = elementIndex / (inner_ * dim_);
    int64_t r = elementIndex % inner_;
    return (outer * numBlocks_ + k / blockSize_) * inner_ + r;
  }

private:
  ScaleLayout::Kind kind_;
  int64_t dim_ = 1, inner_ = 1, blockSize_ = 1, numBlocks_ = 1;
};

} // namespace qforge::quant

#endif // QFORGE_QUANT_SCALELAYOUT_H
