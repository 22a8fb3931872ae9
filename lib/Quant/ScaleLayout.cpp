//===- ScaleLayout.cpp - Which elements of a tensor share a scale ---------===//

#include "qforge/Quant/ScaleLayout.h"

#include <cassert>

namespace qforge::quant {

int64_t numElements(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {
int64_t normalizedAxis(const Shape &shape, int64_t axis) {
  return axis < 0 ? axis + static_cast<int64_t>(shape.size()) : axis;
}
} // namespace

std::string verifyLayout(const Shape &shape, const ScaleLayout &layout) {
  for (int64_t d : shape)
    if (d < 0)
      return "negative dimension " + std::to_string(d);
  if (layout.kind == ScaleLayout::Kind::Tensor)
    return {};
  int64_t rank = static_cast<int64_t>(shape.size());
  int64_t axis = normalizedAxis(shape, layout.axis);
  if (axis < 0 || axis >= rank)
    return "axis " + std::to_string(layout.axis) +
           " is out of range for a tensor of rank " + std::to_string(rank);
  if (layout.kind == ScaleLayout::Kind::Block && layout.blockSize <= 0)
    return "block size must be positive, got " +
           std::to_string(layout.blockSize);
  return {};
}

Shape scaleShape(const Shape &shape, const ScaleLayout &layout) {
  assert(verifyLayout(shape, layout).empty());
  switch (layout.kind) {
  case ScaleLayout::Kind::Tensor:
    return {};
  case ScaleLayout::Kind::Axis:
    return {shape[normalizedAxis(shape, layout.axis)]};
  case ScaleLayout::Kind::Block: {
    Shape result = shape;
    int64_t &d = result[normalizedAxis(shape, layout.axis)];
    d = (d + layout.blockSize - 1) / layout.blockSize;
    return result;
  }
  }
  return {};
}

ScaleIndexer::ScaleIndexer(const Shape &shape, const ScaleLayout &layout)
    : kind_(layout.kind) {
  assert(verifyLayout(shape, layout).empty());
  if (kind_ == ScaleLayout::Kind::Tensor)
    return;
  size_t axis = static_cast<size_t>(normalizedAxis(shape, layout.axis));
  dim_ = shape[axis];
  for (size_t i = axis + 1; i < shape.size(); ++i)
    inner_ *= shape[i];
  if (kind_ == ScaleLayout::Kind::Block) {
    blockSize_ = layout.blockSize;
    numBlocks_ = (dim_ + blockSize_ - 1) / blockSize_;
  }
  // Empty tensors have no elements to index; avoid dividing by zero.
  if (dim_ == 0 || inner_ == 0)
    dim_ = inner_ = 1;
}

} // namespace qforge::quant
