//===- WeightQuant.h - Round-to-nearest quantization of [N, K] weights -*- C++ -*-===//
//
// Weights of a matmul are [N, K] row-major f32: output channel first, the
// reduction dimension K last. A scheme quantizes them per tensor, per output
// channel (perAxis(0), scales [N]) or per group of G along K (blocked(1, G),
// scales [N, ceil(K / G)], the last group possibly partial).
//
// Round-to-nearest (RTN) is the baseline every other algorithm (GPTQ, AWQ,
// HQQ, SmoothQuant) is measured against, and what they fall back to: it is
// exactly QuantizeTensor's quantize() with parameters from the data
// (absmax when symmetric, min/max when not); this header only adds the
// [N, K] vocabulary and the mapping from a Scheme.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_WEIGHTQUANT_H
#define QFORGE_QUANT_WEIGHTQUANT_H

#include "qforge/Quant/Params.h"
#include "qforge/Quant/QuantizeTensor.h"
#include "qforge/Quant/Scheme.h"

#include <cstdint>
#include <string>

namespace qforge::quant {

/// The QuantSpec a weight scheme prescribes for an [N, K] weight: integer
/// formats are signed when symmetric and unsigned with zero points when not
/// (w4g128asym -> UInt4); channel scales are perAxis(0), groups blocked(1, G).
/// Activation quantization and double quantization are not part of it.
/// Requires !scheme.isFloat().
QuantSpec weightSpec(const Scheme &scheme);

/// A spec for an [N, K] weight from its parts: groupSize > 0 gives groups
/// along K, 0 one scale per output channel, -1 one scale for the tensor.
QuantSpec weightSpec(DType type, int64_t groupSize, bool symmetric = true,
                     ScaleDType scaleType = ScaleDType::F32);

/// Empty if `spec` suits an [N, K] weight for the data-dependent algorithms
/// (GPTQ, AWQ, HQQ), which need each scale to cover part of one row: per
/// tensor, per output channel (axis 0 or -2) or blocked along K (axis 1 or
/// -1). Otherwise why not.
std::string verifyWeightSpec(int64_t N, int64_t K, const QuantSpec &spec);

/// Groups per row: ceil(K / G) when blocked, else 1.
int64_t numWeightGroups(int64_t K, const QuantSpec &spec);

/// Index into TensorParams::scales (and zeroPoints) of the scale of W[n, k],
/// for a spec that passes verifyWeightSpec.
inline int64_t weightScaleIndex(const QuantSpec &spec, int64_t K, int64_t n,
                                int64_t k) {
  switch (spec.layout.kind) {
  case ScaleLayout::Kind::Tensor:
    return 0;
  case ScaleLayout::Kind::Axis:
    return n;
  case ScaleLayout::Kind::Block:
    break;
  }
  int64_t g = spec.layout.blockSize;
  return n * ((K + g - 1) / g) + k / g;
}

/// Round-to-nearest with parameters from the data, per group of `spec`:
/// quantize(W, {N, K}, spec). Requires a valid layout for {N, K}.
QuantizedTensor quantizeWeightsRTN(const float *W, int64_t N, int64_t K,
                                   const QuantSpec &spec);

} // namespace qforge::quant

#endif // QFORGE_QUANT_WEIGHTQUANT_H
