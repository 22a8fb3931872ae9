//===- A8W8.cpp - Simulating int8 activations x int8 weights --------------===//

#include "qforge/Quant/A8W8.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace qforge::quant {

QuantizedTensor quantizeActivationsPerToken(const float *X, int64_t M,
                                            int64_t K) {
  QuantSpec spec;
  spec.dtype = DType::Int8;
  spec.symmetric = true;
  spec.layout = ScaleLayout::perAxis(0);
  Shape shape = {M, K};
  QuantizedTensor t;
  t.dtype = DType::Int8;
  t.shape = shape;
  t.params = chooseTensorParams(X, shape, spec);
  t.values = quantizeTensor(X, shape, DType::Int8, t.params);
  return t;
}

float quantizeInt8Group(const float *x, int64_t n, float *codes) {
  float amax = 0.0f;
  for (int64_t i = 0; i < n; ++i)
    amax = std::max(amax, std::fabs(x[i]));
  float scale = amax / 127.0f;
  if (scale == 0.0f)
    scale = 1.0f;
  float inv = 1.0f / scale;
  for (int64_t i = 0; i < n; ++i)
    codes[i] = std::clamp(std::nearbyint(x[i] * inv), -127.0f, 127.0f);
  return scale;
}

std::vector<float> a8w8Matmul(const QuantizedTensor &x,
                              const QuantizedTensor &w) {
  assert(x.dtype == DType::Int8 && w.dtype == DType::Int8);
  assert(x.shape.size() == 2 && w.shape.size() == 2 && x.shape[1] == w.shape[1]);
  assert(x.params.zeroPoints.empty() && w.params.zeroPoints.empty());
  assert(w.params.layout.kind != ScaleLayout::Kind::Block);
  int64_t M = x.shape[0], K = x.shape[1], N = w.shape[0];
  bool perChannel = w.params.layout.kind == ScaleLayout::Kind::Axis;
  std::vector<float> y(static_cast<size_t>(M * N));
  for (int64_t m = 0; m < M; ++m) {
    const int32_t *xr = x.values.data() + m * K;
    float xs = x.params.scales[x.params.layout.kind == ScaleLayout::Kind::Axis
                                   ? m
                                   : 0];
    for (int64_t n = 0; n < N; ++n) {
      const int32_t *wr = w.values.data() + n * K;
      int32_t acc = 0;
      for (int64_t k = 0; k < K; ++k)
        acc += xr[k] * wr[k];
      float ws = w.params.scales[perChannel ? n : 0];
      y[m * N + n] = (static_cast<float>(acc) * xs) * ws;
    }
  }
  return y;
}

} // namespace qforge::quant
