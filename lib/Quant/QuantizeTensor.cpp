//===- QuantizeTensor.cpp - Quantize and dequantize whole tensors ---------===//

#include "qforge/Quant/QuantizeTensor.h"

#include "qforge/Quant/Codebooks.h"
#include "qforge/Quant/Float8.h"
#include "qforge/Quant/Rounding.h"

#include <cassert>
#include <cmath>

namespace qforge::quant {

int32_t quantizeValue(DType type, float x, float scale, int32_t zeroPoint,
                      bool saturate) {
  switch (type) {
  case DType::F8E4M3FN:
    return f32ToF8E4M3FN(x / scale, saturate);
  case DType::F8E5M2:
    return f32ToF8E5M2(x / scale, saturate);
  case DType::FP4E2M1:
    // ONNX QuantizeLinear adds its (zero) float zero point before the cast,
    // which turns an exact -0 into +0; negatives that round to zero stay -0.
    return f32ToFP4E2M1(x / scale + 0.0f);
  case DType::NF4:
    return encodeNF4(x / scale);
  default:
    return quantizeInt(x, scale, zeroPoint, intRange(type));
  }
}

float dequantizeValue(DType type, int32_t q, float scale, int32_t zeroPoint) {
  switch (type) {
  case DType::F8E4M3FN:
    return f8E4M3FNToF32(static_cast<uint8_t>(q)) * scale;
  case DType::F8E5M2:
    return f8E5M2ToF32(static_cast<uint8_t>(q)) * scale;
  case DType::FP4E2M1:
    return fp4E2M1ToF32(static_cast<uint8_t>(q)) * scale;
  case DType::NF4:
    return decodeNF4(static_cast<uint8_t>(q)) * scale;
  default:
    return dequantizeInt(q, scale, zeroPoint);
  }
}

std::string verifyParams(const Shape &shape, DType type,
                         const TensorParams &params) {
  std::string error = verifyLayout(shape, params.layout);
  if (!error.empty())
    return error;
  size_t expected =
      static_cast<size_t>(numElements(scaleShape(shape, params.layout)));
  if (params.scales.size() != expected)
    return "expected " + std::to_string(expected) + " scales, got " +
           std::to_string(params.scales.size());
  if (!params.zeroPoints.empty() && params.zeroPoints.size() != expected)
    return "expected " + std::to_string(expected) + " zero points, got " +
           std::to_string(params.zeroPoints.size());
  for (float s : params.scales)
    if (!(s > 0.0f) || std::isinf(s))
      return "scale " + std::to_string(s) + " is not positive and finite";
  for (int32_t zp : params.zeroPoints) {
    if (isFloatCodeType(type) && zp != 0)
      return "zero point of " + std::string(dtypeName(type)) +
             " must be 0, got " + std::to_string(zp);
    if (isIntegerType(type) &&
        (zp < intRange(type).min || zp > intRange(type).max))
      return "zero point " + std::to_string(zp) + " is out of range for " +
             std::string(dtypeName(type));
  }
  return {};
}

std::vector<int32_t> quantizeTensor(const float *data, const Shape &shape,
                                    DType type, const TensorParams &params,
                                    bool saturate) {
  assert(verifyParams(shape, type, params).empty());
  int64_t n = numElements(shape);
  std::vector<int32_t> q(static_cast<size_t>(n));
  ScaleIndexer(shape, params.layout)
      .forEachRun(n, [&](int64_t first, int64_t length, int64_t s) {
        float scale = params.scales[s];
        int32_t zeroPoint = params.zeroPoint(s);
        for (int64_t i = first; i < first + length; ++i)
          q[i] = quantizeValue(type, data[i], scale, zeroPoint, saturate);
      });
  return q;
}

std::vector<float> dequantizeTensor(const int32_t *q, const Shape &shape,
                                    DType type, const TensorParams &params) {
  assert(verifyParams(shape, type, params).empty());
  int64_t n = numElements(shape);
  std::vector<float> x(static_cast<size_t>(n));
  ScaleIndexer(shape, params.layout)
      .forEachRun(n, [&](int64_t first, int64_t length, int64_t s) {
        float scale = params.scales[s];
        int32_t zeroPoint = params.zeroPoint(s);
        for (int64_t i = first; i < first + length; ++i)
          x[i] = dequantizeValue(type, q[i], scale, zeroPoint);
      });
  return x;
}

QuantizedTensor quantize(const std::vector<float> &data, const Shape &shape,
                         const QuantSpec &spec) {
  assert(static_cast<int64_t>(data.size()) == numElements(shape));
  QuantizedTensor t;
  t.dtype = spec.dtype;
  t.shape = shape;
  t.params = chooseTensorParams(data.data(), shape, spec);
  t.values = quantizeTensor(data.data(), shape, spec.dtype, t.params);
  return t;
}

std::vector<float> dequantize(const QuantizedTensor &tensor) {
  return dequantizeTensor(tensor.values.data(), tensor.shape, tensor.dtype,
                          tensor.params);
}

} // namespace qforge::quant
