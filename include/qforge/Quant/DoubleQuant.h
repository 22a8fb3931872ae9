//===- DoubleQuant.h - Quantizing the scales themselves ---------*- C++ -*-===//
//
// Double quantization (QLoRA): with 4-bit weights in blocks of 64, f32 scales
// cost 0.5 bit per weight; quantizing them to 8 bits brings that to ~0.127.
//
//   offset   = mean of all first-level scales (f32, accumulated in double)
//   c[i]     = scales[i] - offset                              (f32)
//   per block b of `blockSize` (default 256; last block may be partial):
//     s2[b]  = max |c| over the block / 127       (1 if that max is 0)
//     code[i]= clamp(roundHalfEven(c[i] / s2[b]), -128, 127)   (int8)
//   scale'[i] = float(code[i]) * s2[b] + offset   (two f32 roundings, no FMA)
//
// bitsandbytes quantizes the centered scales with its 8-bit "dynamic"
// (non-linear) code instead of linear int8; linear int8 keeps the lowering to
// one multiply-add and bounds the error by s2[b] / 2 (plus f32 rounding).
// The error bound means a scale below s2[b] / 2 (one 254th of its block's
// largest deviation from the offset) may dequantize to 0 or below; as in
// QLoRA nothing prevents that, and callers needing positive scales check.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_DOUBLEQUANT_H
#define QFORGE_QUANT_DOUBLEQUANT_H

#include <cstdint>
#include <vector>

namespace qforge::quant {

struct DoubleQuantScales {
  float offset = 0.0f;
  int64_t blockSize = 256;
  std::vector<int8_t> codes;       ///< One per first-level scale.
  std::vector<float> blockScales;  ///< One per block of `blockSize` codes.
};

/// Requires blockSize > 0 and finite scales.
DoubleQuantScales doubleQuantizeScales(const std::vector<float> &scales,
                                       int64_t blockSize = 256);

std::vector<float> dequantizeScales(const DoubleQuantScales &dq);

} // namespace qforge::quant

#endif // QFORGE_QUANT_DOUBLEQUANT_H
