//===- Gptq.cpp - GPTQ: weight quantization with error feedback -----------===//

#include "qforge/Quant/Gptq.h"

#include "qforge/Quant/WeightQuant.h"

#include "PanelUpdate.h"

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

namespace {

bool allFinite(const float *p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i]))
      return false;
  return true;
}

/// Rows of W per task of the update phase.
constexpr int64_t kRowsPerTask = 64;
/// Columns of U's block rows packed together for the lazy update: 128 rows
/// of 32 floats, 16 KB, stay in L1 while every row of a task passes over
/// them. (Read in place, U's rows are 4 * K bytes apart: with K a power of
/// two they all fall into the same cache sets and evict each other.)
constexpr int64_t kUpdateChunk = 32;

/// The lazy update of rows [nb, ne) of W (processing order) by the errors
/// err [N, B] of the block [i1, i2): every later column j >= i2 receives
/// them in the order the column-by-column algorithm applies them.
void subtractBlockErrors(float *W, const float *err, const float *U,
                         int64_t K, int64_t B, int64_t nb, int64_t ne,
                         int64_t i1, int64_t i2) {
  const int64_t width = i2 - i1;
  std::vector<float> panel(static_cast<size_t>(width * kUpdateChunk));
  for (int64_t jb = i2; jb < K; jb += kUpdateChunk) {
    const int64_t cols = std::min(K - jb, kUpdateChunk);
    for (int64_t p = 0; p < width; ++p)
      std::copy_n(U + (i1 + p) * K + jb, cols, panel.data() + p * cols);
    int64_t n = nb;
    for (; n + 2 <= ne; n += 2) {
      float *rows[2] = {W + n * K + jb, W + (n + 1) * K + jb};
      const float *errs[2] = {err + n * B, err + (n + 1) * B};
      updateRowsFromPanel<PanelOp::Subtract, 2>(rows, errs, panel.data(), 0,
                                                width, cols);
    }
    for (; n < ne; ++n) {
      float *row = W + n * K + jb;
      const float *rowErr = err + n * B;
      updateRowsFromPanel<PanelOp::Subtract, 1>(&row, &rowErr, panel.data(),
                                                0, width, cols);
    }
  }
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

  std::vector<double> R(KK);
  int64_t badPivot = 0;
  if (!choleskyUpper(hp.data(), K, R.data(), &badPivot, options.parallelFor)) {
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
  invertUpperTriangular(R.data(), K, u.data(), options.parallelFor);
  R.clear();
  R.shrink_to_fit();

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
  // A block never spans more than K columns (err holds N x B floats).
  const int64_t B = std::min(options.blockSize, K);
  // The current block's scaled errors e per row: the lazy update and the
  // loss estimate read them.
  std::vector<float> err(static_cast<size_t>(N * B));
  const int64_t rowTasks = (N + kRowsPerTask - 1) / kRowsPerTask;
  for (int64_t i1 = 0; i1 < K;) {
    // Block boundaries also fall on group starts when groups are chosen on
    // the fly, so that a group's range is taken from fully updated weights
    // (the reference reads stale columns when G is not a multiple of B).
    int64_t i2 = std::min(K, (i1 / B + 1) * B);
    if (dynamicGroups)
      i2 = std::min(i2, (i1 / G + 1) * G);
    // Rows are independent: each task quantizes the block's columns of its
    // rows, then applies their errors to the later columns.
    runParallelRanges(options.parallelFor, N, rowTasks, [&](int64_t nb,
                                                            int64_t ne) {
      for (int64_t n = nb; n < ne; ++n) {
        float *row = wp.data() + n * K;
        float *rowErr = err.data() + n * B;
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
          for (int64_t j = p + 1; j < i2; ++j)
            row[j] -= e * up[j];
          rowErr[p - i1] = e;
        }
      }
      // The lazy batch update: later blocks see this block's errors at once.
      subtractBlockErrors(wp.data(), err.data(), u.data(), K, B, nb, ne, i1,
                          i2);
    });
    // GPTQ's loss estimate, summed over rows in order.
    for (int64_t n = 0; n < N; ++n)
      for (int64_t p = i1; p < i2; ++p) {
        float e = err[n * B + p - i1];
        result.columnLoss[order[p]] += static_cast<double>(e) * e / 2.0;
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
