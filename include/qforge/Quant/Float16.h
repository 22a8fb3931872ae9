//===- Float16.h - float32 <-> float16 / bfloat16 ---------------*- C++ -*-===//
//
// Scales may be stored as f16 or bf16. Conversions round to nearest even (as
// numpy, ml_dtypes and hardware converts do); overflow gives Inf, NaN stays a
// quiet NaN of the same sign.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_FLOAT16_H
#define QFORGE_QUANT_FLOAT16_H

#include "qforge/Quant/Types.h"

#include <cstdint>

namespace qforge::quant {

uint16_t f32ToF16Bits(float x);
float f16BitsToF32(uint16_t bits);

uint16_t f32ToBF16Bits(float x);
float bf16BitsToF32(uint16_t bits);

/// x rounded (RNE) to `type` and widened back: the value a stored scale has.
float roundToScaleDType(float x, ScaleDType type);

} // namespace qforge::quant

#endif // QFORGE_QUANT_FLOAT16_H
