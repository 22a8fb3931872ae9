//===- Gptq.cpp - GPTQ: weight quantization with error feedback -----------===//

#include "qforge/Quant/Gptq.h"

#include "qforge/Quant/WeightQuant.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace qforge::quant {

void accumulateHessian(std::vector<double> &H, const float *X, int64_t M,
                       int64_t K) {
  size_t size = static_cast<size_t>(K * K);
  if (H.empty())
    H.assign(size, 0.0);
  // Upper triangle, then mirrored: H stays exactly symmetric. A product of
  // two floats is exact in double, so only the sums round.
  for (int64_t m = 0; m < M; ++m) {
    const float *x = X + m * K;
    for (int64_t i = 0; i < K; ++i) {
      double xi = x[i];
      if (xi == 0.0)
        continue;
      double *h = H.data() + i * K;
      for (int64_t j = i; j < K; ++j)
        h[j] += xi * static_cast<double>(x[j]);
    }
  }
  for (int64_t i = 0; i < K; ++i)
    for (int64_t j = i + 1; j < K; ++j)
      H[j * K + i] = H[i * K + j];
}

bool upperCholeskyOfInverse(const std::vector<double> &A, int64_t K,
                            std::vector<double> &U, int64_t *badPivot) {
  // The reference computes chol(A) -> A^-1 -> upper chol(A^-1): three cubic
  // steps. Factoring A = R R^T with R *upper* triangular (Cholesky run from
  // the last column backwards) gives A^-1 = R^-T R^-1 = U^T U with U = R^-1,
  // upper with a positive diagonal -- the same unique factor in two steps,
  // one K x K buffer (R is inverted in place), and the only place a
  // non-positive-definite A can show up.
  std::vector<double> &R = U;
  R.assign(static_cast<size_t>(K * K), 0.0);
  for (int64_t j = K - 1; j >= 0; --j) {
    const double *rj = R.data() + j * K;
    double d = A[j * K + j];
    for (int64_t k = j + 1; k < K; ++k)
      d -= rj[k] * rj[k];
    if (!(d > 0.0) || !std::isfinite(d)) {
      if (badPivot)
        *badPivot = j;
      return false;
    }
    double rjj = std::sqrt(d);
    R[j * K + j] = rjj;
    for (int64_t i = 0; i < j; ++i) {
      double *ri = R.data() + i * K;
      double s = A[i * K + j];
      for (int64_t k = j + 1; k < K; ++k)
        s -= ri[k] * rj[k];
      ri[j] = s / rjj;
    }
  }
  // Row i of U = R^-1 solves u R = e_i and reads rows i.. of R only, so rows
  // are done top-down, each overwriting its row of R once computed. t = u R
  // is accumulated left to right so that every inner loop runs along a row.
  std::vector<double> u(static_cast<size_t>(K)), t(static_cast<size_t>(K));
  for (int64_t i = 0; i < K; ++i) {
    std::fill(t.begin() + i, t.end(), 0.0);
    for (int64_t k = i; k < K; ++k) {
      const double *rk = R.data() + k * K;
      u[k] = ((k == i ? 1.0 : 0.0) - t[k]) / rk[k];
      for (int64_t j = k + 1; j < K; ++j)
        t[j] += u[k] * rk[j];
    }
    std::copy(u.begin() + i, u.end(), R.begin() + i * K + i);
  }
  return true;
}

namespace {

bool allFinite(const float *p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i]))
      return false;
  return true;
}

std::optional<GptqResult> fail(std::string *error, const std::string &message) {
  if (error)
    *error = "GPTQ: " + message;
  return std::nullopt;
}

} // namespace

std::optional<GptqResult> gptqQuantize(const float *W, int64_t N, int64_t K,
                                       const double *H, int64_t samples,
                                       const QuantSpec &spec,
                                       const GptqOptions &options,
                                       std::string *error) {
  if (N <= 0 || K <= 0)
    return fail(error, "empty weight [" + std::to_string(N) + ", " +
                           std::to_string(K) + "]");
  std::string specError = verifyWeightSpec(N, K, spec);
  if (!specError.empty())
    return fail(error, specError);
  if (samples <= 0)
    return fail(error, "the Hessian needs at least one calibration sample");
  if (!(options.percDamp >= 0.0) || !std::isfinite(options.percDamp))
    return fail(error, "percDamp must be finite and >= 0");
  if (options.blockSize <= 0)
    return fail(error, "blockSize must be > 0");
  if (!allFinite(W, static_cast<size_t>(N * K)))
    return fail(error, "the weight has non-finite values");

  // H scaled as the reference's running average 2/n sum x x^T: the result
  // does not depend on it (dampening is relative), only columnLoss does.
  // Only the upper triangle is read.
  const size_t KK = static_cast<size_t>(K * K);
  std::vector<double> h(KK);
  double norm = 2.0 / static_cast<double>(samples);
  for (int64_t i = 0; i < K; ++i)
    for (int64_t j = 0; j < K; ++j) {
      double v = H[std::min(i, j) * K + std::max(i, j)];
      if (!std::isfinite(v))
        return fail(error, "the Hessian has non-finite values");
      h[i * K + j] = v * norm;
    }

  GptqResult result;
  std::vector<float> w(W, W + N * K);
  // A column whose input is always zero has no effect on the output: its
  // weights are set to 0 (so they take no range away from their group) and
  // its diagonal to 1 so that H stays invertible.
  for (int64_t j = 0; j < K; ++j)
    if (h[j * K + j] == 0.0) {
      result.deadColumns.push_back(j);
      h[j * K + j] = 1.0;
      for (int64_t n = 0; n < N; ++n)
        w[n * K + j] = 0.0f;
    }

  result.order.resize(static_cast<size_t>(K));
  std::iota(result.order.begin(), result.order.end(), 0);
  if (options.actOrder)
    // Stable: equal diagonals keep their column order (deterministic).
    std::stable_sort(result.order.begin(), result.order.end(),
                     [&](int64_t a, int64_t b) {
                       return h[a * K + a] > h[b * K + b];
                     });
  const std::vector<int64_t> &order = result.order;

  double meanDiag = 0.0;
  for (int64_t j = 0; j < K; ++j)
    meanDiag += h[j * K + j];
  meanDiag /= static_cast<double>(K);
  result.damp = options.percDamp * meanDiag;

  std::vector<double> hp(KK);
  for (int64_t a = 0; a < K; ++a)
    for (int64_t b = 0; b < K; ++b)
      hp[a * K + b] = h[order[a] * K + order[b]];
  for (int64_t a = 0; a < K; ++a)
    hp[a * K + a] += result.damp;
  h.clear();
  h.shrink_to_fit();

  std::vector<double> U;
  int64_t badPivot = 0;
  if (!upperCholeskyOfInverse(hp, K, U, &badPivot)) {
    std::ostringstream os;
    os << "the Hessian is not positive definite even after dampening by "
       << result.damp << " (percDamp " << options.percDamp
       << "): Cholesky failed at column " << order[badPivot]
       << "; raise percDamp or check the calibration data";
    return fail(error, os.str());
  }
  hp.clear();
  hp.shrink_to_fit();
  // The error feedback runs in float, as the reference does; U is exact to
  // float precision.
  std::vector<float> u(KK);
  for (size_t i = 0; i < KK; ++i)
    u[i] = static_cast<float>(U[i]);
  U.clear();
  U.shrink_to_fit();

  const bool blocked = spec.layout.kind == ScaleLayout::Kind::Block;
  const int64_t G = blocked ? spec.layout.blockSize : K;
  const int64_t numGroups = numWeightGroups(K, spec);
  const bool dynamicGroups =
      blocked && !options.staticGroups && !options.actOrder;

  TensorParams params;
  std::vector<int32_t> zeroPoints;
  if (dynamicGroups) {
    params.layout = spec.layout;
    params.scales.assign(static_cast<size_t>(N * numGroups), 1.0f);
    zeroPoints.assign(params.scales.size(), 0);
  } else {
    params = chooseTensorParams(w.data(), {N, K}, spec);
  }

  // Columns in processing order.
  std::vector<float> wp(static_cast<size_t>(N * K));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t p = 0; p < K; ++p)
      wp[n * K + p] = w[n * K + order[p]];
  w.clear();
  w.shrink_to_fit();

  std::vector<int32_t> codes(static_cast<size_t>(N * K));
  result.columnLoss.assign(static_cast<size_t>(K), 0.0);
  std::vector<float> err(static_cast<size_t>(options.blockSize));
  const int64_t B = options.blockSize;
  for (int64_t i1 = 0; i1 < K;) {
    // Block boundaries also fall on group starts when groups are chosen on
    // the fly, so that a group's range is taken from fully updated weights
    // (the reference reads stale columns when G is not a multiple of B).
    int64_t i2 = std::min(K, (i1 / B + 1) * B);
    if (dynamicGroups)
      i2 = std::min(i2, (i1 / G + 1) * G);
    for (int64_t n = 0; n < N; ++n) {
      float *row = wp.data() + n * K;
      for (int64_t p = i1; p < i2; ++p) {
        if (dynamicGroups && p % G == 0) {
          Range range;
          for (int64_t j = p; j < std::min(p + G, K); ++j)
            range.add(row[j]);
          QuantParams qp = chooseParams(range, spec);
          params.scales[n * numGroups + p / G] = qp.scale;
          zeroPoints[n * numGroups + p / G] = qp.zeroPoint;
        }
        int64_t c = order[p];
        int64_t si = weightScaleIndex(spec, K, n, c);
        float scale = params.scales[si];
        int32_t zp = dynamicGroups ? zeroPoints[si] : params.zeroPoint(si);
        float x = row[p];
        int32_t q = quantizeValue(spec.dtype, x, scale, zp);
        float delta = x - dequantizeValue(spec.dtype, q, scale, zp);
        codes[n * K + c] = q;
        const float *up = u.data() + p * K;
        float e = delta / up[p];
        result.columnLoss[c] += static_cast<double>(e) * e / 2.0;
        for (int64_t j = p + 1; j < i2; ++j)
          row[j] -= e * up[j];
        err[p - i1] = e;
      }
      // The lazy batch update: later blocks see this block's errors at once.
      for (int64_t p = i1; p < i2; ++p) {
        const float *up = u.data() + p * K;
        float e = err[p - i1];
        for (int64_t j = i2; j < K; ++j)
          row[j] -= e * up[j];
      }
    }
    i1 = i2;
  }

  if (dynamicGroups &&
      std::any_of(zeroPoints.begin(), zeroPoints.end(),
                  [](int32_t z) { return z != 0; }))
    params.zeroPoints = std::move(zeroPoints);
  result.weights.dtype = spec.dtype;
  result.weights.shape = {N, K};
  result.weights.params = std::move(params);
  result.weights.values = std::move(codes);
  return result;
}

std::optional<GptqResult> gptqQuantize(const float *W, int64_t N, int64_t K,
                                       const float *H, int64_t samples,
                                       const QuantSpec &spec,
                                       const GptqOptions &options,
                                       std::string *error) {
  std::vector<double> h(H, H + (K > 0 ? K * K : 0));
  return gptqQuantize(W, N, K, h.data(), samples, spec, options, error);
}

} // namespace qforge::quant
