//===- Codebooks.cpp - NF4 codebook ---------------------------------------===//
//
// FP4 E2M1 is a float format and shares the encoder in MiniFloat.cpp.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quant/Codebooks.h"

#include <cmath>

namespace qforge::quant {

const std::array<float, 16> &nf4Levels() {
  // QLoRA (Dettmers et al. 2023), as in bitsandbytes' NF4 lookup table.
  static const std::array<float, 16> levels = {
      -1.0f,
      -0.6961928009986877f,
      -0.5250730514526367f,
      -0.39491748809814453f,
      -0.28444138169288635f,
      -0.18477343022823334f,
      -0.09105003625154495f,
      0.0f,
      0.07958029955625534f,
      0.16093020141124725f,
      0.24611230731010437f,
      0.33791524171829224f,
      0.44070982933044434f,
      0.5626170039176941f,
      0.7229568362236023f,
      1.0f,
  };
  return levels;
}

const std::array<float, 15> &nf4Thresholds() {
  static const std::array<float, 15> thresholds = [] {
    std::array<float, 15> t{};
    const std::array<float, 16> &l = nf4Levels();
    for (size_t i = 0; i < t.size(); ++i) {
      // Exact in double: the sum of two floats needs at most 25 bits here.
      double mid = (static_cast<double>(l[i]) + static_cast<double>(l[i + 1])) / 2;
      float f = static_cast<float>(mid);
      if (static_cast<double>(f) > mid)
        f = std::nextafter(f, -1.0f);
      t[i] = f;
    }
    return t;
  }();
  return thresholds;
}

uint8_t encodeNF4(float x) {
  if (std::isnan(x))
    return 7;
  uint8_t code = 0;
  for (float t : nf4Thresholds())
    code += x > t ? 1 : 0;
  return code;
}

float decodeNF4(uint8_t code) { return nf4Levels()[code & 0xF]; }

static Int8Codebook roundToInt8(const std::array<float, 16> &values) {
  float maxAbs = 0.0f;
  for (float v : values)
    maxAbs = std::fmax(maxAbs, std::fabs(v));
  Int8Codebook book;
  book.step = maxAbs / 127.0f;
  for (size_t c = 0; c < values.size(); ++c)
    book.levels[c] = int8_t(std::lround(values[c] / book.step));
  return book;
}

Int8Codebook nf4Int8Codebook() { return roundToInt8(nf4Levels()); }

Int8Codebook fp4E2M1Int8Codebook() {
  std::array<float, 16> values;
  for (unsigned c = 0; c < 16; ++c)
    values[c] = fp4E2M1ToF32(uint8_t(c));
  return roundToInt8(values);
}

} // namespace qforge::quant
