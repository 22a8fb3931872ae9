//===- MiniFloat.cpp - One encoder for f16, float8 and FP4 ----------------===//
//
// f16, E5M2, E4M3FN and E2M1 differ only in field widths, bias and how they
// spend their top codes on Inf/NaN, so one rounding routine serves them all:
// the same code path is tested by every one of them.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quant/Codebooks.h"
#include "qforge/Quant/Float16.h"
#include "qforge/Quant/Float8.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace qforge::quant {
namespace {

enum class Specials {
  IEEE, ///< All-ones exponent: Inf (mantissa 0) or NaN.
  FN,   ///< Only the all-ones code is NaN; no Inf ("finite").
  None, ///< Every code is a finite number.
};

struct Format {
  int manBits;
  int bias;
  uint32_t signBit;
  uint32_t maxCode; ///< Code of the largest finite magnitude.
  Specials specials;

  uint32_t infCode() const { return maxCode + 1; } // IEEE only
  uint32_t nanCode() const {
    return specials == Specials::IEEE ? infCode() | (1u << (manBits - 1))
                                      : signBit - 1;
  }
};

constexpr Format kF16{10, 15, 0x8000, 0x7BFF, Specials::IEEE};
constexpr Format kE5M2{2, 15, 0x80, 0x7B, Specials::IEEE};
constexpr Format kE4M3FN{3, 7, 0x80, 0x7E, Specials::FN};
constexpr Format kE2M1{1, 1, 0x8, 0x7, Specials::None};

uint32_t bitsOf(float x) {
  uint32_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

uint32_t encode(const Format &f, float x, bool saturate) {
  uint32_t bits = bitsOf(x);
  uint32_t sign = (bits >> 31) ? f.signBit : 0;
  uint32_t absBits = bits & 0x7FFFFFFFu;

  if (absBits > 0x7F800000u) // NaN
    return f.specials == Specials::None ? 0 : sign | f.nanCode();

  // What an out-of-range magnitude becomes.
  uint32_t overflow = f.maxCode;
  if (!saturate && f.specials == Specials::IEEE)
    overflow = f.infCode();
  else if (!saturate && f.specials == Specials::FN)
    overflow = f.nanCode();

  if (absBits == 0x7F800000u)
    return sign | overflow;
  // float32 zeros and subnormals (< 2^-126) are below half the smallest
  // subnormal of every format here (f16: 2^-24), so they round to zero.
  if ((absBits >> 23) == 0)
    return sign;

  int e = static_cast<int>(absBits >> 23) - 127;
  uint32_t sig = (absBits & 0x7FFFFFu) | 0x800000u; // value = sig * 2^(e-23)
  int minNormalExp = 1 - f.bias;
  int maxExp = static_cast<int>(f.maxCode >> f.manBits) - f.bias;
  if (e > maxExp + 1) // even rounding down cannot bring it into range
    return sign | overflow;

  // Below the normal range the spacing stays that of the smallest binade.
  int quantumExp = (e > minNormalExp ? e : minNormalExp) - f.manBits;
  int shift = quantumExp - (e - 23); // >= 23 - manBits >= 13
  uint32_t n = 0;
  if (shift < 25) { // otherwise sig < 2^24 is below half a quantum
    n = sig >> shift;
    uint32_t rem = sig & ((1u << shift) - 1);
    uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (n & 1)))
      ++n;
  }
  // Subnormal: the code is n (n == 2^manBits carries into the smallest
  // normal). Normal: exponent field e + bias, mantissa n - 2^manBits; a
  // mantissa carry into the exponent falls out of the addition.
  uint32_t code = e < minNormalExp
                      ? n
                      : (static_cast<uint32_t>(e - minNormalExp) << f.manBits) + n;
  if (code > f.maxCode)
    return sign | overflow;
  return sign | code;
}

float decode(const Format &f, uint32_t code) {
  bool negative = (code & f.signBit) != 0;
  uint32_t mag = code & (f.signBit - 1);
  float v;
  if (f.specials == Specials::FN && mag == f.nanCode()) {
    v = std::numeric_limits<float>::quiet_NaN();
  } else if (f.specials == Specials::IEEE && mag >= f.infCode()) {
    v = mag == f.infCode() ? std::numeric_limits<float>::infinity()
                           : std::numeric_limits<float>::quiet_NaN();
  } else {
    uint32_t expField = mag >> f.manBits;
    uint32_t man = mag & ((1u << f.manBits) - 1);
    v = expField == 0
            ? std::ldexp(static_cast<float>(man), 1 - f.bias - f.manBits)
            : std::ldexp(static_cast<float>(man | (1u << f.manBits)),
                         static_cast<int>(expField) - f.bias - f.manBits);
  }
  return negative ? -v : v;
}

} // namespace

uint16_t f32ToF16Bits(float x) {
  return static_cast<uint16_t>(encode(kF16, x, /*saturate=*/false));
}
float f16BitsToF32(uint16_t bits) { return decode(kF16, bits); }

uint16_t f32ToBF16Bits(float x) {
  uint32_t bits = bitsOf(x);
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) // NaN: keep it quiet and signed
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  // bf16 is the top half of f32: round the low half to nearest even.
  bits += 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}
float bf16BitsToF32(uint16_t bits) {
  uint32_t b = static_cast<uint32_t>(bits) << 16;
  float x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

float roundToScaleDType(float x, ScaleDType type) {
  switch (type) {
  case ScaleDType::F32:
    return x;
  case ScaleDType::F16:
    return f16BitsToF32(f32ToF16Bits(x));
  case ScaleDType::BF16:
    return bf16BitsToF32(f32ToBF16Bits(x));
  }
  return x;
}

uint8_t f32ToF8E4M3FN(float x, bool saturate) {
  return static_cast<uint8_t>(encode(kE4M3FN, x, saturate));
}
float f8E4M3FNToF32(uint8_t code) { return decode(kE4M3FN, code); }

uint8_t f32ToF8E5M2(float x, bool saturate) {
  return static_cast<uint8_t>(encode(kE5M2, x, saturate));
}
float f8E5M2ToF32(uint8_t code) { return decode(kE5M2, code); }

uint8_t f32ToFP4E2M1(float x) {
  return static_cast<uint8_t>(encode(kE2M1, x, /*saturate=*/true));
}
float fp4E2M1ToF32(uint8_t code) { return decode(kE2M1, code & 0xF); }

} // namespace qforge::quant
