//===- Params.cpp - Choosing scales and zero points -----------------------===//

#include "qforge/Quant/Params.h"

#include "qforge/Quant/Float16.h"
#include "qforge/Quant/Rounding.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace qforge::quant {

void Range::add(float x) {
  if (!std::isfinite(x))
    return;
  min = std::min(min, x);
  max = std::max(max, x);
}

float roundScale(float scale, ScaleDType type) {
  float r = roundToScaleDType(scale, type);
  if (r == 0.0f) {
    switch (type) {
    case ScaleDType::F32:
      return std::numeric_limits<float>::denorm_min();
    case ScaleDType::F16:
      return f16BitsToF32(0x0001);
    case ScaleDType::BF16:
      return bf16BitsToF32(0x0001);
    }
  }
  if (std::isinf(r)) {
    switch (type) {
    case ScaleDType::F32:
      return std::numeric_limits<float>::max();
    case ScaleDType::F16:
      return f16BitsToF32(0x7BFF);
    case ScaleDType::BF16:
      return bf16BitsToF32(0x7F7F);
    }
  }
  return r;
}

QuantParams chooseParams(Range range, const QuantSpec &spec) {
  float lo = range.empty() ? 0.0f : range.min;
  float hi = range.empty() ? 0.0f : range.max;
  float amax = std::max(std::fabs(lo), std::fabs(hi));

  if (isFloatCodeType(spec.dtype)) {
    float scale = amax == 0.0f ? 1.0f : amax / maxFinite(spec.dtype);
    return {roundScale(scale, spec.scaleType), 0};
  }

  IntRange r = intRange(spec.dtype, spec.reduceRange);
  if (spec.symmetric) {
    // Unsigned types center the zero point so that +-amax both fit.
    int32_t zp = isSignedIntegerType(spec.dtype) ? 0 : (r.min + r.max + 1) / 2;
    float scale =
        amax == 0.0f ? 1.0f : amax / static_cast<float>(r.max - zp);
    return {roundScale(scale, spec.scaleType), zp};
  }

  // Zero must be exactly representable (padding, ReLU outputs), so the range
  // always includes it.
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  float scale =
      hi == lo ? 1.0f : (hi - lo) / static_cast<float>(r.max - r.min);
  scale = roundScale(scale, spec.scaleType);
  float zp = static_cast<float>(r.min) - lo / scale;
  zp = std::min(std::max(zp, static_cast<float>(r.min)),
                static_cast<float>(r.max));
  return {scale, static_cast<int32_t>(roundHalfEven(zp))};
}

std::vector<Range> computeRanges(const float *data, const Shape &shape,
                                 const ScaleLayout &layout) {
  assert(verifyLayout(shape, layout).empty());
  std::vector<Range> ranges(
      static_cast<size_t>(numElements(scaleShape(shape, layout))));
  ScaleIndexer(shape, layout)
      .forEachRun(numElements(shape),
                  [&](int64_t first, int64_t length, int64_t s) {
                    Range &range = ranges[static_cast<size_t>(s)];
                    for (int64_t i = first; i < first + length; ++i)
                      range.add(data[i]);
                  });
  return ranges;
}

TensorParams chooseTensorParams(const std::vector<Range> &ranges,
                                const QuantSpec &spec) {
  TensorParams params;
  params.layout = spec.layout;
  params.scales.reserve(ranges.size());
  std::vector<int32_t> zeroPoints;
  zeroPoints.reserve(ranges.size());
  bool anyZeroPoint = false;
  for (const Range &range : ranges) {
    QuantParams p = chooseParams(range, spec);
    params.scales.push_back(p.scale);
    zeroPoints.push_back(p.zeroPoint);
    anyZeroPoint |= p.zeroPoint != 0;
  }
  if (anyZeroPoint)
    params.zeroPoints = std::move(zeroPoints);
  return params;
}

TensorParams chooseTensorParams(const float *data, const Shape &shape,
                                const QuantSpec &spec) {
  return chooseTensorParams(computeRanges(data, shape, spec.layout), spec);
}

} // namespace qforge::quant
