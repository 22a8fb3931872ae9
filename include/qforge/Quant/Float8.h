//===- Float8.h - float32 <-> OCP float8 (E4M3FN, E5M2) ---------*- C++ -*-===//
//
// Encoding rounds the float32 value directly to nearest-even (never through
// f16, which would round twice). Overflow follows ONNX Cast/QuantizeLinear:
//
//   saturate = true (ONNX default): finite overflow and +-Inf -> +-max finite
//   saturate = false: E4M3FN overflow and +-Inf -> NaN; E5M2 -> +-Inf
//
// "Overflow" means the value rounded with an unbounded exponent exceeds max
// finite: 464 (the tie between 448 and 480) rounds to even, i.e. to 448, and
// is not an overflow for E4M3FN; 61440 rounds to 65536 and is one for E5M2.
// NaN keeps its sign: E4M3FN 0x7F/0xFF, E5M2 0x7E/0xFE (as ml_dtypes).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_FLOAT8_H
#define QFORGE_QUANT_FLOAT8_H

#include <cstdint>

namespace qforge::quant {

uint8_t f32ToF8E4M3FN(float x, bool saturate = true);
float f8E4M3FNToF32(uint8_t code);

uint8_t f32ToF8E5M2(float x, bool saturate = true);
float f8E5M2ToF32(uint8_t code);

} // namespace qforge::quant

#endif // QFORGE_QUANT_FLOAT8_H
