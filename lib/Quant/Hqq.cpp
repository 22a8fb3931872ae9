//===- Hqq.cpp - HQQ: half-quadratic, data-free weight quantization -------===//

#include "qforge/Quant/Hqq.h"

#include "qforge/Quant/Rounding.h"
#include "qforge/Quant/WeightQuant.h"

#include <algorithm>
#include <cmath>

namespace qforge::quant {
namespace {

std::optional<HqqResult> fail(std::string *error, const std::string &message) {
  if (error)
    *error = "HQQ: " + message;
  return std::nullopt;
}

struct Fit {
  const float *w;
  int64_t n;
  IntRange range;
  const HqqOptions &options;
  const QuantSpec &spec;

  /// mean |w - ŵ| with (scale, zp).
  double meanAbsError(float scale, int32_t zp) const {
    double e = 0.0;
    for (int64_t j = 0; j < n; ++j)
      e += std::fabs(w[j] - dequantizeInt(quantizeInt(w[j], scale, zp, range),
                                          scale, zp));
    return e / static_cast<double>(n);
  }

  int32_t clampZero(double z) const {
    float r = roundHalfEven(static_cast<float>(z));
    r = std::min(std::max(r, static_cast<float>(range.min)),
                 static_cast<float>(range.max));
    return static_cast<int32_t>(r);
  }

  /// Runs HQQ from `p`; returns the best parameters seen and their error.
  QuantParams run(QuantParams p, double &bestErr) const {
    QuantParams best = p;
    bestErr = meanAbsError(p.scale, p.zeroPoint);
    const double lp = options.lpNorm;
    double beta = options.beta;
    std::vector<double> q(static_cast<size_t>(n)), t(static_cast<size_t>(n));
    for (int it = 0; it < options.iterations; ++it) {
      double s = p.scale;
      int32_t z = p.zeroPoint;
      double meanQ = 0.0, meanT = 0.0;
      for (int64_t j = 0; j < n; ++j) {
        int32_t qj = quantizeInt(w[j], p.scale, z, range);
        double x = static_cast<double>(w[j]) - (static_cast<double>(qj) - z) * s;
        // Shrinkage of the lp proximal step (the 1e-8 keeps |x|^(p-1) finite),
        // on the error in quantization steps or in weight units.
        double unit = options.stepUnits ? s : 1.0;
        double ax = std::fabs(x) / unit;
        double shrunk = std::max(ax - std::pow(ax + 1e-8, lp - 1.0) / beta, 0.0);
        double we = std::copysign(shrunk * unit, x);
        q[j] = qj;
        t[j] = static_cast<double>(w[j]) - we; // the part ŵ should match
        meanQ += q[j];
        meanT += t[j];
      }
      meanQ /= static_cast<double>(n);
      meanT /= static_cast<double>(n);
      double newScale = s;
      int32_t newZero = z;
      if (options.optimizeScale) {
        // t ~ a q - b with a = s, b = s z: ordinary least squares.
        double sqq = 0.0, sqt = 0.0;
        for (int64_t j = 0; j < n; ++j) {
          sqq += (q[j] - meanQ) * (q[j] - meanQ);
          sqt += (q[j] - meanQ) * (t[j] - meanT);
        }
        if (sqq > 0.0 && sqt > 0.0) {
          double a = sqt / sqq;
          if (!spec.symmetric)
            newZero = clampZero(meanQ - meanT / a);
          // Refit the scale for the integer zero point.
          double num = 0.0, den = 0.0;
          for (int64_t j = 0; j < n; ++j) {
            double c = q[j] - newZero;
            num += t[j] * c;
            den += c * c;
          }
          if (den > 0.0 && num > 0.0)
            newScale = num / den;
        }
      } else if (!spec.symmetric) {
        newZero = clampZero(meanQ - meanT / s);
      }
      p.scale = roundScale(static_cast<float>(newScale), spec.scaleType);
      p.zeroPoint = newZero;
      beta *= options.kappa;
      double err = meanAbsError(p.scale, p.zeroPoint);
      if (err < bestErr) {
        bestErr = err;
        best = p;
      } else if (options.earlyStop) {
        break;
      }
    }
    return best;
  }
};

} // namespace

std::optional<HqqResult> hqqQuantize(const float *W, int64_t N, int64_t K,
                                     const QuantSpec &spec,
                                     const HqqOptions &options,
                                     std::string *error) {
  if (N <= 0 || K <= 0)
    return fail(error, "empty weight");
  std::string specError = verifyWeightSpec(N, K, spec);
  if (!specError.empty())
    return fail(error, specError);
  if (!isIntegerType(spec.dtype))
    return fail(error, "needs an integer storage type, got " +
                           std::string(dtypeName(spec.dtype)));
  if (!(options.lpNorm > 0.0f && options.lpNorm <= 1.0f) ||
      !(options.beta > 0.0f) || !(options.kappa >= 1.0f) ||
      options.iterations < 0)
    return fail(error, "needs 0 < lpNorm <= 1, beta > 0, kappa >= 1 and "
                       "iterations >= 0");
  for (int64_t i = 0; i < N * K; ++i)
    if (!std::isfinite(W[i]))
      return fail(error, "the weight has non-finite values");

  Shape shape = {N, K};
  TensorParams params = chooseTensorParams(W, shape, spec);
  std::vector<int32_t> zeroPoints(params.scales.size());
  for (size_t i = 0; i < zeroPoints.size(); ++i)
    zeroPoints[i] = params.zeroPoint(static_cast<int64_t>(i));
  HqqResult result;
  IntRange range = intRange(spec.dtype, spec.reduceRange);

  auto fitGroup = [&](const float *w, int64_t count, size_t si) {
    Fit fit{w, count, range, options, spec};
    QuantParams start{params.scales[si], zeroPoints[si]};
    result.initialMeanAbsError +=
        fit.meanAbsError(start.scale, start.zeroPoint) * count;
    double err = 0.0;
    QuantParams p = fit.run(start, err);
    result.finalMeanAbsError += err * count;
    params.scales[si] = p.scale;
    zeroPoints[si] = p.zeroPoint;
  };
  switch (spec.layout.kind) {
  case ScaleLayout::Kind::Tensor:
    fitGroup(W, N * K, 0);
    break;
  case ScaleLayout::Kind::Axis:
    for (int64_t n = 0; n < N; ++n)
      fitGroup(W + n * K, K, static_cast<size_t>(n));
    break;
  case ScaleLayout::Kind::Block: {
    int64_t G = spec.layout.blockSize, numGroups = numWeightGroups(K, spec);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t g = 0; g < numGroups; ++g)
        fitGroup(W + n * K + g * G, std::min(G, K - g * G),
                 static_cast<size_t>(n * numGroups + g));
    break;
  }
  }
  result.initialMeanAbsError /= static_cast<double>(N * K);
  result.finalMeanAbsError /= static_cast<double>(N * K);

  if (std::any_of(zeroPoints.begin(), zeroPoints.end(),
                  [](int32_t z) { return z != 0; }))
    params.zeroPoints = std::move(zeroPoints);
  else
    params.zeroPoints.clear();
  result.weights.dtype = spec.dtype;
  result.weights.shape = shape;
  result.weights.params = std::move(params);
  // Codes from the final parameters, exactly as quantizeTensor makes them.
  result.weights.values =
      quantizeTensor(W, shape, spec.dtype, result.weights.params);
  return result;
}

} // namespace qforge::quant
