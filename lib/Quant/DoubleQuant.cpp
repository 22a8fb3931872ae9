//===- DoubleQuant.cpp - Quantizing the scales themselves -----------------===//

#include "qforge/Quant/DoubleQuant.h"

#include "qforge/Quant/Rounding.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace qforge::quant {

DoubleQuantScales doubleQuantizeScales(const std::vector<float> &scales,
                                       int64_t blockSize) {
  assert(blockSize > 0);
  DoubleQuantScales dq;
  dq.blockSize = blockSize;
  if (scales.empty())
    return dq;

  // Accumulated in double, in order: deterministic and not limited by f32's
  // 24 bits when there are millions of scales.
  double sum = 0;
  for (float s : scales)
    sum += s;
  dq.offset = static_cast<float>(sum / static_cast<double>(scales.size()));

  const IntRange int8Range{-128, 127};
  const size_t n = scales.size();
  const size_t block = static_cast<size_t>(blockSize);
  dq.codes.resize(n);
  for (size_t begin = 0; begin < n; begin += block) {
    size_t end = std::min(n, begin + block);
    float amax = 0.0f;
    for (size_t i = begin; i < end; ++i)
      amax = std::max(amax, std::fabs(scales[i] - dq.offset));
    float s2 = amax == 0.0f ? 1.0f : amax / 127.0f;
    dq.blockScales.push_back(s2);
    for (size_t i = begin; i < end; ++i)
      dq.codes[i] = static_cast<int8_t>(
          quantizeInt(scales[i] - dq.offset, s2, 0, int8Range));
  }
  return dq;
}

std::vector<float> dequantizeScales(const DoubleQuantScales &dq) {
  std::vector<float> scales(dq.codes.size());
  const size_t block = static_cast<size_t>(dq.blockSize);
  for (size_t i = 0; i < scales.size(); ++i) {
    // Two separately rounded operations: the lowering must not fuse them.
    float centered = dequantizeInt(dq.codes[i], dq.blockScales[i / block], 0);
    scales[i] = centered + dq.offset;
  }
  return scales;
}

} // namespace qforge::quant
