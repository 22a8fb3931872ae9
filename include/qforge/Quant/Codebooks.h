//===- Codebooks.h - 4-bit float formats: NF4 and FP4 (E2M1) ----*- C++ -*-===//
//
// NF4 (QLoRA / bitsandbytes) is a 16-entry codebook over [-1, 1]; values are
// first divided by their block's absmax. FP4 E2M1 (OCP MX) is a tiny float
// with levels 0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_CODEBOOKS_H
#define QFORGE_QUANT_CODEBOOKS_H

#include <array>
#include <cstdint>

namespace qforge::quant {

/// The published NF4 levels, ascending; the code is the index.
const std::array<float, 16> &nf4Levels();

/// thresholds[i] is the largest float32 not above the exact midpoint of
/// levels i and i+1, so that for every float x:
///   encodeNF4(x) == number of thresholds t with x > t
/// which is "nearest level, ties to the lower code" with no rounding error
/// (the midpoint itself needs 25 bits). Lowerings can use this table as is.
const std::array<float, 15> &nf4Thresholds();

/// Nearest NF4 level to `x` (already divided by absmax); ties go to the lower
/// code; values beyond [-1, 1], Inf included, take the end levels. NaN maps to
/// code 7 (0.0), like the zero point of integer types.
uint8_t encodeNF4(float x);
float decodeNF4(uint8_t code);

/// Round to nearest even with saturation to +-6 (+-Inf too). There is no NaN
/// encoding: NaN maps to +0 (code 0). Codes: bit 3 sign, bits 2-1 exponent
/// (bias 1), bit 0 mantissa.
uint8_t f32ToFP4E2M1(float x);
float fp4E2M1ToF32(uint8_t code);

/// A 16-entry codebook rounded to int8 for integer dot products (the CPU
/// kernels' int8-activation path, as llama.cpp's IQ4_NL): value(c) is taken
/// as levels[c] * step, levels[c] = round(value(c) / step) (half away from
/// zero), step = max |value| / 127, so |levels[c] * step - value(c)| <=
/// step / 2.
struct Int8Codebook {
  std::array<int8_t, 16> levels;
  float step;
};

Int8Codebook nf4Int8Codebook();
Int8Codebook fp4E2M1Int8Codebook();

} // namespace qforge::quant

#endif // QFORGE_QUANT_CODEBOOKS_H
