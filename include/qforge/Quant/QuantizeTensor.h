//===- QuantizeTensor.h - Quantize and dequantize whole tensors -*- C++ -*-===//
//
// Element-wise application of the scalar rules of Rounding.h, Float8.h and
// Codebooks.h with a scale (and zero point) chosen per ScaleLayout group.
// Quantized values are held unpacked as int32: integer types hold their value
// (-128..127 for int8), float-code types their bit code (0..255, 0..15).
// Packing.h turns them into bytes.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_QUANTIZETENSOR_H
#define QFORGE_QUANT_QUANTIZETENSOR_H

#include "qforge/Quant/Params.h"
#include "qforge/Quant/ScaleLayout.h"
#include "qforge/Quant/Types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qforge::quant {

/// One value: integer types quantizeInt(); float-code types
/// encode(x / scale), except FP4 encode(x / scale + 0.0f) as ONNX (an exact
/// -0 becomes +0). zeroPoint must be 0 for float-code types. `saturate` only
/// matters for float8 (see Float8.h); the other types always saturate.
int32_t quantizeValue(DType type, float x, float scale, int32_t zeroPoint,
                      bool saturate = true);
float dequantizeValue(DType type, int32_t q, float scale, int32_t zeroPoint);

/// Empty if `params` fits a tensor of `shape` stored as `type`; else why not.
std::string verifyParams(const Shape &shape, DType type,
                         const TensorParams &params);

/// Requires verifyParams(...) to be empty; `data` has numElements(shape).
std::vector<int32_t> quantizeTensor(const float *data, const Shape &shape,
                                    DType type, const TensorParams &params,
                                    bool saturate = true);
std::vector<float> dequantizeTensor(const int32_t *q, const Shape &shape,
                                    DType type, const TensorParams &params);

/// A tensor quantized with parameters chosen from its own data.
struct QuantizedTensor {
  DType dtype = DType::Int8;
  Shape shape;
  TensorParams params;
  std::vector<int32_t> values;
};

QuantizedTensor quantize(const std::vector<float> &data, const Shape &shape,
                         const QuantSpec &spec);
std::vector<float> dequantize(const QuantizedTensor &tensor);

} // namespace qforge::quant

#endif // QFORGE_QUANT_QUANTIZETENSOR_H
