//===- ChannelScaling.cpp - Per-input-channel statistics and scaling ------===//

#include "qforge/Quant/ChannelScaling.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace qforge::quant {

std::vector<float> columnAbsMax(const float *data, int64_t rows, int64_t cols) {
  std::vector<float> m(static_cast<size_t>(cols), 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      float a = std::fabs(data[r * cols + c]);
      if (std::isfinite(a))
        m[c] = std::max(m[c], a);
    }
  return m;
}

std::vector<float> columnMeanAbs(const float *data, int64_t rows, int64_t cols) {
  std::vector<double> sum(static_cast<size_t>(cols), 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      float a = std::fabs(data[r * cols + c]);
      if (std::isfinite(a))
        sum[c] += a;
    }
  std::vector<float> m(static_cast<size_t>(cols), 0.0f);
  if (rows > 0)
    for (int64_t c = 0; c < cols; ++c)
      m[c] = static_cast<float>(sum[c] / static_cast<double>(rows));
  return m;
}

std::vector<float> scaleColumns(const float *data, int64_t rows, int64_t cols,
                                const std::vector<float> &s) {
  assert(static_cast<int64_t>(s.size()) == cols);
  std::vector<float> out(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = data[r * cols + c] * s[c];
  return out;
}

std::vector<float> divideColumns(const float *data, int64_t rows, int64_t cols,
                                 const std::vector<float> &s) {
  assert(static_cast<int64_t>(s.size()) == cols);
  std::vector<float> out(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = data[r * cols + c] / s[c];
  return out;
}

} // namespace qforge::quant
