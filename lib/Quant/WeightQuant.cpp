//===- WeightQuant.cpp - Round-to-nearest quantization of [N, K] weights -===//

#include "qforge/Quant/WeightQuant.h"

#include <cassert>

namespace qforge::quant {

QuantSpec weightSpec(const Scheme &scheme) {
  assert(!scheme.isFloat() && "f32 weights are not quantized");
  DType type = DType::Int8;
  bool sym = scheme.symmetric;
  switch (scheme.weight) {
  case WeightFormat::Int8:
    type = sym ? DType::Int8 : DType::UInt8;
    break;
  case WeightFormat::Int4:
    type = sym ? DType::Int4 : DType::UInt4;
    break;
  case WeightFormat::Int2:
    type = sym ? DType::Int2 : DType::UInt2;
    break;
  case WeightFormat::NF4:
    type = DType::NF4;
    break;
  case WeightFormat::FP4:
    type = DType::FP4E2M1;
    break;
  case WeightFormat::FP8E4M3:
    type = DType::F8E4M3FN;
    break;
  case WeightFormat::FP8E5M2:
    type = DType::F8E5M2;
    break;
  case WeightFormat::F32:
    break;
  }
  int64_t group = scheme.granularity == Granularity::Group     ? scheme.groupSize
                  : scheme.granularity == Granularity::Channel ? 0
                                                               : -1;
  return weightSpec(type, group, sym, scheme.scaleType);
}

QuantSpec weightSpec(DType type, int64_t groupSize, bool symmetric,
                     ScaleDType scaleType) {
  QuantSpec spec;
  spec.dtype = type;
  spec.symmetric = symmetric;
  spec.scaleType = scaleType;
  spec.layout = groupSize > 0    ? ScaleLayout::blocked(1, groupSize)
                : groupSize == 0 ? ScaleLayout::perAxis(0)
                                 : ScaleLayout::perTensor();
  return spec;
}

std::string verifyWeightSpec(int64_t N, int64_t K, const QuantSpec &spec) {
  std::string error = verifyLayout({N, K}, spec.layout);
  if (!error.empty())
    return error;
  const ScaleLayout &l = spec.layout;
  if (l.kind == ScaleLayout::Kind::Axis && l.axis != 0 && l.axis != -2)
    return "weight scales must be per tensor, per output channel (axis 0) or "
           "per group along K (blocked on axis 1), got per-axis " +
           std::to_string(l.axis);
  if (l.kind == ScaleLayout::Kind::Block && l.axis != 1 && l.axis != -1)
    return "weight groups must run along K (blocked on axis 1), got axis " +
           std::to_string(l.axis);
  return {};
}

int64_t numWeightGroups(int64_t K, const QuantSpec &spec) {
  if (spec.layout.kind != ScaleLayout::Kind::Block)
    return 1;
  return (K + spec.layout.blockSize - 1) / spec.layout.blockSize;
}

QuantizedTensor quantizeWeightsRTN(const float *W, int64_t N, int64_t K,
                                   const QuantSpec &spec) {
  Shape shape = {N, K};
  assert(verifyLayout(shape, spec.layout).empty());
  // quantize() without the copy into a std::vector.
  QuantizedTensor t;
  t.dtype = spec.dtype;
  t.shape = shape;
  t.params = chooseTensorParams(W, shape, spec);
  t.values = quantizeTensor(W, shape, spec.dtype, t.params);
  return t;
}

} // namespace qforge::quant
