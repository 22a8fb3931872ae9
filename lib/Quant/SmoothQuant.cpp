//===- SmoothQuant.cpp - Migrating activation outliers into weights -------===//

#include "qforge/Quant/SmoothQuant.h"

#include "qforge/Quant/A8W8.h"
#include "qforge/Quant/ChannelScaling.h"
#include "qforge/Quant/OutputError.h"
#include "qforge/Quant/WeightQuant.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace qforge::quant {

std::vector<float> smoothQuantScales(const std::vector<float> &activationAbsMax,
                                     const float *W, int64_t N, int64_t K,
                                     float alpha, float activationFloor) {
  assert(alpha >= 0.0f && alpha <= 1.0f);
  assert(activationFloor >= 0.0f);
  assert(static_cast<int64_t>(activationAbsMax.size()) == K);
  // The floor: `activationFloor` times the median of the channels that were
  // ever non-zero. Without any, the statistics say nothing: no smoothing.
  std::vector<float> live;
  for (float a : activationAbsMax)
    if (a > 0.0f)
      live.push_back(a);
  if (live.empty())
    return std::vector<float>(static_cast<size_t>(K), 1.0f);
  std::nth_element(live.begin(), live.begin() + live.size() / 2, live.end());
  double floor = double(activationFloor) * live[live.size() / 2];
  std::vector<float> wmax = columnAbsMax(W, N, K);
  std::vector<float> s(static_cast<size_t>(K));
  for (int64_t j = 0; j < K; ++j) {
    // The reference clamps both the weight statistic and the result to 1e-5:
    // an all-zero weight column must not divide by 0.
    double a = std::pow(std::max(double(activationAbsMax[j]), floor), alpha);
    double w = std::pow(std::max(static_cast<double>(wmax[j]), 1e-5), 1.0 - alpha);
    s[j] = static_cast<float>(std::max(a / w, 1e-5));
  }
  return s;
}

QuantSpec a8w8WeightSpec() { return weightSpec(DType::Int8, 0, true); }

SmoothQuantResult smoothQuant(const float *W, int64_t N, int64_t K,
                              const std::vector<float> &activationAbsMax,
                              float alpha, const QuantSpec &weightSpec,
                              float activationFloor) {
  SmoothQuantResult r;
  r.inputScales =
      smoothQuantScales(activationAbsMax, W, N, K, alpha, activationFloor);
  std::vector<float> ws = scaleColumns(W, N, K, r.inputScales);
  r.weights = quantizeWeightsRTN(ws.data(), N, K, weightSpec);
  return r;
}

double a8w8SampleError(const float *W, int64_t N, int64_t K,
                       const std::vector<float> &s, const float *X,
                       int64_t M) {
  constexpr int64_t kChannels = 256;
  int64_t channels = std::min(N, kChannels);
  std::vector<float> w = strideSampleRows(W, N, K, kChannels);
  std::vector<float> ref = matmulTransposed(X, M, K, w.data(), channels);
  std::vector<float> x = s.empty() ? std::vector<float>(X, X + M * K)
                                   : divideColumns(X, M, K, s);
  if (!s.empty())
    w = scaleColumns(w.data(), channels, K, s);
  std::vector<float> y =
      a8w8Matmul(quantizeActivationsPerToken(x.data(), M, K),
                 quantizeWeightsRTN(w.data(), channels, K, a8w8WeightSpec()));
  return relativeError(ref.data(), y.data(), ref.size());
}

} // namespace qforge::quant
