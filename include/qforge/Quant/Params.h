//===- Params.h - Choosing scales and zero points ---------------*- C++ -*-===//
//
// From a range [min, max] (calibration statistics, or the data itself):
//
//   integer, symmetric:   zp = 0 (signed) or 2^(b-1) (unsigned),
//                         scale = max(|min|, |max|) / (qmax - zp)
//   integer, asymmetric:  min' = min(min, 0), max' = max(max, 0),
//                         scale = (max' - min') / (qmax - qmin),
//                         zp = roundHalfEven(clamp(qmin - min' / scale))
//   float8 / FP4:         scale = absmax / maxFinite, zp = 0
//   NF4:                  scale = absmax, zp = 0
//
// all in float32. Asymmetric uint8 per tensor is ONNX DynamicQuantizeLinear
// (and onnxruntime) bit for bit. An empty or all-zero range gives scale 1,
// never 0 or NaN. The scale is rounded to the scale dtype *before* the zero
// point is derived, and the rounded value is what (de)quantization uses.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_PARAMS_H
#define QFORGE_QUANT_PARAMS_H

#include "qforge/Quant/ScaleLayout.h"
#include "qforge/Quant/Types.h"

#include <limits>
#include <vector>

namespace qforge::quant {

/// How to quantize a tensor.
struct QuantSpec {
  DType dtype = DType::Int8;
  bool symmetric = true;   ///< Ignored by float-code types (always zp = 0).
  bool reduceRange = false; ///< Integer types only; see intRange().
  ScaleDType scaleType = ScaleDType::F32;
  ScaleLayout layout;
};

/// Scale and zero point of one group of elements.
struct QuantParams {
  float scale = 1.0f;
  int32_t zeroPoint = 0;
};

/// The finite values seen in a group of elements. Starts empty (min > max).
struct Range {
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();
  bool empty() const { return min > max; }
  void add(float x);
};

/// Rounds a scale to `type`, keeping it usable: a result of 0 becomes the
/// smallest positive value of `type`, an infinite one its largest finite.
float roundScale(float scale, ScaleDType type);

/// Parameters for values in `range` (spec.layout is not used).
QuantParams chooseParams(Range range, const QuantSpec &spec);

/// Scales and zero points of a whole tensor, laid out as ScaleLayout says
/// (row-major in scaleShape()).
struct TensorParams {
  ScaleLayout layout;
  std::vector<float> scales;
  std::vector<int32_t> zeroPoints; ///< Empty means all zero.

  int32_t zeroPoint(int64_t i) const { return zeroPoints.empty() ? 0 : zeroPoints[i]; }
};

/// One range per scale entry. Non-finite values are skipped: one Inf would
/// otherwise turn every scale of its group into Inf.
std::vector<Range> computeRanges(const float *data, const Shape &shape,
                                 const ScaleLayout &layout);

/// Parameters from per-group ranges (e.g. calibration statistics), one per
/// entry of scaleShape(shape, spec.layout).
TensorParams chooseTensorParams(const std::vector<Range> &ranges,
                                const QuantSpec &spec);

/// Parameters from the data itself.
TensorParams chooseTensorParams(const float *data, const Shape &shape,
                                const QuantSpec &spec);

} // namespace qforge::quant

#endif // QFORGE_QUANT_PARAMS_H
