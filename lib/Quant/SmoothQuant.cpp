//===- SmoothQuant.cpp - Migrating activation outliers into weights -------===//

#include "qforge/Quant/SmoothQuant.h"

#include "qforge/Quant/ChannelScaling.h"
#include "qforge/Quant/WeightQuant.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace qforge::quant {

std::vector<float> smoothQuantScales(const std::vector<float> &activationAbsMax,
                                     const float *W, int64_t N, int64_t K,
                                     float alpha) {
  assert(alpha >= 0.0f && alpha <= 1.0f);
  assert(static_cast<int64_t>(activationAbsMax.size()) == K);
  std::vector<float> wmax = columnAbsMax(W, N, K);
  std::vector<float> s(static_cast<size_t>(K));
  for (int64_t j = 0; j < K; ++j) {
    // The reference clamps both the weight statistic and the result to 1e-5:
    // an all-zero weight column must not divide by 0, and an all-zero
    // activation channel must not get s = 0 (X / s).
    double a = std::pow(static_cast<double>(activationAbsMax[j]), alpha);
    double w = std::pow(std::max(static_cast<double>(wmax[j]), 1e-5), 1.0 - alpha);
    s[j] = static_cast<float>(std::max(a / w, 1e-5));
  }
  return s;
}

QuantSpec a8w8WeightSpec() { return weightSpec(DType::Int8, 0, true); }

SmoothQuantResult smoothQuant(const float *W, int64_t N, int64_t K,
                              const std::vector<float> &activationAbsMax,
                              float alpha, const QuantSpec &weightSpec) {
  SmoothQuantResult r;
  r.inputScales = smoothQuantScales(activationAbsMax, W, N, K, alpha);
  std::vector<float> ws = scaleColumns(W, N, K, r.inputScales);
  r.weights = quantizeWeightsRTN(ws.data(), N, K, weightSpec);
  return r;
}

} // namespace qforge::quant
