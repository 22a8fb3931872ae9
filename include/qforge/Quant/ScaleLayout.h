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

#include <algorithm>
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

  /// How many elements from `elementIndex` on (of `numElements`) share its
  /// scale, at least 1: loops over a tensor take one scale per run instead
  /// of three divisions per element (a whole row per channel, a group per
  /// block along the innermost dimension).
  int64_t runLength(int64_t elementIndex, int64_t numElements) const {
    if (kind_ == ScaleLayout::Kind::Tensor)
      return numElements - elementIndex;
    if (kind_ == ScaleLayout::Kind::Axis)
      return inner_ > 1 ? inner_ - elementIndex % inner_ : 1;
    if (inner_ > 1)
      return 1;
    int64_t k = elementIndex % dim_;
    return std::min(blockSize_ - k % blockSize_, dim_ - k);
  }

  /// Calls f(first, length, scaleIndex) for each run of elements of a
  /// `numElements`-element tensor sharing one scale, in order.
  template <typename F> void forEachRun(int64_t numElements, F &&f) const {
    for (int64_t i = 0; i < numElements;) {
      int64_t length = runLength(i, numElements);
      f(i, length, (*this)(i));
      i += length;
    }
  }

private:
  ScaleLayout::Kind kind_;
  int64_t dim_ = 1, inner_ = 1, blockSize_ = 1, numBlocks_ = 1;
};

} // namespace qforge::quant

#endif // QFORGE_QUANT_SCALELAYOUT_H
