//===- Awq.cpp - AWQ: activation-aware weight scaling ---------------------===//

#include "qforge/Quant/Awq.h"

#include "qforge/Quant/ChannelScaling.h"
#include "qforge/Quant/OutputError.h"
#include "qforge/Quant/WeightQuant.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qforge::quant {
namespace {

std::optional<AwqResult> fail(std::string *error, const std::string &message) {
  if (error)
    *error = "AWQ: " + message;
  return std::nullopt;
}

double sumOfSquares(const std::vector<float> &v) {
  double s = 0.0;
  for (float x : v)
    s += static_cast<double>(x) * x;
  return s;
}

/// ||X (W - What)^T||^2 where What = dequant(Q(W diag(s))) / s.
double squaredOutputError(const float *X, int64_t M, int64_t K,
                          const float *W, int64_t N,
                          const std::vector<float> &dequantScaled,
                          const std::vector<float> &s) {
  std::vector<float> diff(static_cast<size_t>(N * K));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t k = 0; k < K; ++k)
      diff[n * K + k] = W[n * K + k] - dequantScaled[n * K + k] / s[k];
  return sumOfSquares(matmulTransposed(X, M, K, diff.data(), N));
}

} // namespace

std::optional<AwqResult> awqQuantize(const float *W, int64_t N, int64_t K,
                                     const float *X, int64_t M,
                                     const QuantSpec &spec,
                                     const AwqOptions &options,
                                     std::string *error) {
  if (N <= 0 || K <= 0 || M <= 0)
    return fail(error, "empty weight or activations");
  std::string specError = verifyWeightSpec(N, K, spec);
  if (!specError.empty())
    return fail(error, specError);
  if (options.gridSize <= 0)
    return fail(error, "gridSize must be > 0");
  if (options.clipSearch &&
      (options.clipGrid <= 0 || !(options.maxShrink > 0.0) ||
       options.maxShrink >= 1.0 || options.clipTokens <= 0))
    return fail(error, "clip search needs clipGrid > 0, 0 < maxShrink < 1 "
                       "and clipTokens > 0");
  for (int64_t i = 0; i < N * K; ++i)
    if (!std::isfinite(W[i]))
      return fail(error, "the weight has non-finite values");
  for (int64_t i = 0; i < M * K; ++i)
    if (!std::isfinite(X[i]))
      return fail(error, "the activations have non-finite values");
  std::vector<float> meanAbs = options.activationMeanAbs;
  if (meanAbs.empty())
    meanAbs = columnMeanAbs(X, M, K);
  if (static_cast<int64_t>(meanAbs.size()) != K)
    return fail(error, "activationMeanAbs has " +
                           std::to_string(meanAbs.size()) + " entries, expected " +
                           std::to_string(K));

  const double refNorm2 = sumOfSquares(matmulTransposed(X, M, K, W, N));
  auto relative = [&](double err2) {
    return refNorm2 > 0.0 ? std::sqrt(err2 / refNorm2) : std::sqrt(err2);
  };

  AwqResult result;
  double bestErr = std::numeric_limits<double>::infinity();
  std::vector<float> s(static_cast<size_t>(K));
  for (int64_t i = 0; i <= options.gridSize; ++i) {
    double alpha = static_cast<double>(i) / static_cast<double>(options.gridSize);
    double smax = 0.0, smin = std::numeric_limits<double>::infinity();
    for (int64_t k = 0; k < K; ++k) {
      // pow(0, 0) = 1: at α = 0 every channel, dead ones included, gets 1.
      double v = std::max(std::pow(static_cast<double>(meanAbs[k]), alpha), 1e-4);
      s[k] = static_cast<float>(v);
      smax = std::max(smax, static_cast<double>(s[k]));
      smin = std::min(smin, static_cast<double>(s[k]));
    }
    // Centre the scales geometrically so that neither W nor X drifts in
    // magnitude as α grows.
    float norm = static_cast<float>(std::sqrt(smax * smin));
    for (float &v : s)
      v /= norm;
    std::vector<float> ws = scaleColumns(W, N, K, s);
    QuantizedTensor q = quantizeWeightsRTN(ws.data(), N, K, spec);
    double err2 = squaredOutputError(X, M, K, W, N, dequantize(q), s);
    result.gridErrors.push_back(relative(err2));
    // Strictly smaller: ties keep the smaller α (RTN at α = 0).
    if (err2 < bestErr) {
      bestErr = err2;
      result.alpha = alpha;
      result.inputScales = s;
      result.weights = std::move(q);
    }
  }
  result.calibrationError = relative(bestErr);
  if (!options.clipSearch)
    return result;

  // Clip search on W' = W diag(s) against X' = X / s, one group at a time.
  const std::vector<float> &sc = result.inputScales;
  std::vector<float> ws = scaleColumns(W, N, K, sc);
  int64_t stride = std::max<int64_t>(1, (M + options.clipTokens - 1) / options.clipTokens);
  int64_t T = (M + stride - 1) / stride;
  std::vector<float> xs(static_cast<size_t>(T * K));
  for (int64_t t = 0; t < T; ++t)
    for (int64_t k = 0; k < K; ++k)
      xs[t * K + k] = X[t * stride * K + k] / sc[k];

  const bool blocked = spec.layout.kind == ScaleLayout::Kind::Block;
  const int64_t G = blocked ? spec.layout.blockSize : K;
  const int64_t numGroups = numWeightGroups(K, spec);
  const int64_t numCandidates = std::max<int64_t>(
      1, static_cast<int64_t>(options.maxShrink * static_cast<double>(options.clipGrid)));
  // One range per scale entry; per-tensor scales share one clip ratio, found
  // over the whole tensor.
  const bool perTensor = spec.layout.kind == ScaleLayout::Kind::Tensor;
  std::vector<Range> ranges = computeRanges(ws.data(), {N, K}, spec.layout);
  result.clipRatios.assign(ranges.size(), 1.0f);
  std::vector<float> delta(static_cast<size_t>(G));
  std::vector<double> bestGroupErr(ranges.size(),
                                   std::numeric_limits<double>::infinity());
  std::vector<double> tensorErr(static_cast<size_t>(numCandidates), 0.0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t g = 0; g < numGroups; ++g) {
      int64_t k0 = g * G, k1 = std::min(K, k0 + G);
      int64_t si = perTensor ? 0 : n * numGroups + g;
      Range full = perTensor ? ranges[0] : ranges[si];
      float amax = std::max(std::fabs(full.min), std::fabs(full.max));
      for (int64_t c = 0; c < numCandidates; ++c) {
        float r = 1.0f - static_cast<float>(c) / static_cast<float>(options.clipGrid);
        Range clipped = full;
        if (!full.empty()) {
          clipped.min = std::max(full.min, -r * amax);
          clipped.max = std::min(full.max, r * amax);
        }
        QuantParams p = chooseParams(clipped, spec);
        for (int64_t k = k0; k < k1; ++k) {
          float w = ws[n * K + k];
          delta[k - k0] = w - dequantizeValue(spec.dtype,
                                              quantizeValue(spec.dtype, w, p.scale, p.zeroPoint),
                                              p.scale, p.zeroPoint);
        }
        double e = 0.0;
        for (int64_t t = 0; t < T; ++t) {
          double o = dot(xs.data() + t * K + k0, delta.data(), k1 - k0);
          e += o * o;
        }
        if (perTensor) {
          tensorErr[c] += e;
        } else if (e < bestGroupErr[si]) {
          bestGroupErr[si] = e;
          result.clipRatios[si] = r;
        }
      }
    }
  if (perTensor) {
    int64_t best = std::min_element(tensorErr.begin(), tensorErr.end()) - tensorErr.begin();
    result.clipRatios[0] = 1.0f - static_cast<float>(best) / static_cast<float>(options.clipGrid);
  }
  for (size_t i = 0; i < ranges.size(); ++i) {
    float r = result.clipRatios[i];
    Range &rg = ranges[i];
    if (r == 1.0f || rg.empty())
      continue;
    float amax = std::max(std::fabs(rg.min), std::fabs(rg.max));
    rg.min = std::max(rg.min, -r * amax);
    rg.max = std::min(rg.max, r * amax);
  }
  // Values beyond a clipped range saturate to qmin / qmax in quantizeValue,
  // which is the reference's clamp-then-quantize.
  QuantizedTensor q;
  q.dtype = spec.dtype;
  q.shape = {N, K};
  q.params = chooseTensorParams(ranges, spec);
  q.values = quantizeTensor(ws.data(), q.shape, spec.dtype, q.params);
  result.calibrationError =
      relative(squaredOutputError(X, M, K, W, N, dequantize(q), sc));
  result.weights = std::move(q);
  return result;
}

std::optional<AwqResult> awqQuantizeFromGram(
    const float *W, int64_t N, int64_t K, const float *H,
    const std::vector<float> &meanAbs, const QuantSpec &spec,
    AwqOptions options, double percDamp, std::string *error) {
  if (int64_t(meanAbs.size()) != K) {
    if (error)
      *error = "awq: mean |x| has " + std::to_string(meanAbs.size()) +
               " channels, the weight has K = " + std::to_string(K);
    return std::nullopt;
  }
  double meanDiag = 0.0;
  for (int64_t i = 0; i < K; ++i)
    meanDiag += H[i * K + i];
  meanDiag /= double(K);
  double damp = percDamp * (meanDiag > 0.0 ? meanDiag : 1.0);
  // Lower Cholesky factor, in double: L[i][j] for j <= i.
  std::vector<double> L(size_t(K) * size_t(K), 0.0);
  for (int64_t i = 0; i < K; ++i) {
    for (int64_t j = 0; j <= i; ++j) {
      double sum = double(H[i * K + j]) + (i == j ? damp : 0.0);
      for (int64_t p = 0; p < j; ++p)
        sum -= L[i * K + p] * L[j * K + p];
      if (i == j) {
        if (!(sum > 0.0)) {
          if (error)
            *error = "awq: the activation Gram matrix is not positive "
                     "definite at channel " + std::to_string(i) +
                     " even after dampening";
          return std::nullopt;
        }
        L[i * K + i] = std::sqrt(sum);
      } else {
        L[i * K + j] = sum / L[j * K + j];
      }
    }
  }
  // Pseudo-activations X = L^T: row r is column r of L.
  std::vector<float> X(size_t(K) * size_t(K), 0.0f);
  for (int64_t r = 0; r < K; ++r)
    for (int64_t c = r; c < K; ++c)
      X[r * K + c] = float(L[c * K + r]);
  options.activationMeanAbs = meanAbs;
  return awqQuantize(W, N, K, X.data(), K, spec, options, error);
}

} // namespace qforge::quant
