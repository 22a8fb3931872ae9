//===- SyntheticLayer.h - An LLM-like linear layer for algorithm tests -*- C++ -*-===//
//
// Quantization algorithms only differ from round-to-nearest on data with
// structure, so the tests use activations shaped like a transformer's:
//
//   X = (Z A + 0.3 E) * gain          Z [M, 64], A [64, K], E [M, K] ~ N(0, 1)
//
// -- correlated input features (a rank-64 mixture plus noise), per-channel
// gains log-normal(0, 0.5), and a few outlier input channels 20-100x larger
// than the rest, always the same channels (as in OPT / LLaMA). Weights are
// N(0, 0.02^2) per row times a row gain log-normal(0, 0.2), with one weight in
// a thousand 6x larger. Everything comes from std::mt19937 through our own
// Box-Muller, so the data are the same with every standard library.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_TEST_UNIT_QUANT_SYNTHETICLAYER_H
#define QFORGE_TEST_UNIT_QUANT_SYNTHETICLAYER_H

#include "qforge/Quant/OutputError.h"
#include "qforge/Quant/QuantizeTensor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace qforge::quant::test {

class Gaussian {
public:
  explicit Gaussian(uint32_t seed) : rng_(seed) {}
  double uniform() { return (static_cast<double>(rng_()) + 0.5) / 4294967296.0; }
  double operator()() {
    if (hasSpare_) {
      hasSpare_ = false;
      return spare_;
    }
    double r = std::sqrt(-2.0 * std::log(uniform()));
    double t = 6.283185307179586 * uniform();
    spare_ = r * std::sin(t);
    hasSpare_ = true;
    return r * std::cos(t);
  }
  uint32_t bits() { return rng_(); }

private:
  std::mt19937 rng_;
  double spare_ = 0.0;
  bool hasSpare_ = false;
};

struct SyntheticLayer {
  int64_t N = 0, K = 0, Mcal = 0, Meval = 0;
  std::vector<float> W;      ///< [N, K]
  std::vector<float> Xcal;   ///< [Mcal, K] calibration activations
  std::vector<float> Xeval;  ///< [Meval, K] held-out activations
  std::vector<int64_t> outlierChannels;
};

inline SyntheticLayer makeSyntheticLayer(int64_t N, int64_t K, int64_t Mcal,
                                         int64_t Meval, uint32_t seed,
                                         int numOutliers = 8) {
  SyntheticLayer L;
  L.N = N;
  L.K = K;
  L.Mcal = Mcal;
  L.Meval = Meval;
  Gaussian g(seed);
  const int64_t r = 64;
  std::vector<double> A(static_cast<size_t>(r * K));
  for (double &a : A)
    a = g() / std::sqrt(static_cast<double>(r));
  std::vector<double> gain(static_cast<size_t>(K));
  for (double &x : gain)
    x = std::exp(0.5 * g());
  for (int i = 0; i < numOutliers; ++i) {
    int64_t c = static_cast<int64_t>(g.bits() % static_cast<uint32_t>(K));
    L.outlierChannels.push_back(c);
    gain[c] *= 20.0 + 80.0 * g.uniform();
  }
  auto activations = [&](int64_t M) {
    std::vector<float> X(static_cast<size_t>(M * K));
    std::vector<double> z(static_cast<size_t>(r));
    for (int64_t m = 0; m < M; ++m) {
      for (double &v : z)
        v = g();
      for (int64_t k = 0; k < K; ++k) {
        double s = 0.3 * g();
        for (int64_t i = 0; i < r; ++i)
          s += z[i] * A[i * K + k];
        X[m * K + k] = static_cast<float>(s * gain[k]);
      }
    }
    return X;
  };
  L.Xcal = activations(Mcal);
  L.Xeval = activations(Meval);
  L.W.resize(static_cast<size_t>(N * K));
  for (int64_t n = 0; n < N; ++n) {
    double rowGain = 0.02 * std::exp(0.2 * g());
    for (int64_t k = 0; k < K; ++k) {
      double v = g() * rowGain;
      if (g.bits() % 1000 == 0)
        v *= 6.0;
      L.W[n * K + k] = static_cast<float>(v);
    }
  }
  return L;
}

/// The layer every algorithm test measures on: 512 x 512, 512 calibration
/// rows (enough for a full-rank Hessian), 256 held-out rows, seed 1.
inline const SyntheticLayer &standardLayer() {
  static const SyntheticLayer layer = makeSyntheticLayer(512, 512, 512, 256, 1);
  return layer;
}

/// Relative output error of `What` on the held-out rows.
inline double evalError(const SyntheticLayer &L, const std::vector<float> &What) {
  return relativeOutputError(L.Xeval.data(), L.Meval, L.K, L.W.data(),
                             What.data(), L.N);
}

/// A quantized weight is well formed: its parameters fit, every code is in
/// range, and its values are a fixed point of quantize-then-dequantize with
/// the same parameters (what a kernel dequantizes is exactly what the
/// algorithm chose). Values, not codes: FP4 quantizes the -0 of code 8 to
/// code 0, both 0.
inline void expectWellFormed(const QuantizedTensor &t) {
  ASSERT_EQ(verifyParams(t.shape, t.dtype, t.params), "");
  ASSERT_EQ(static_cast<int64_t>(t.values.size()), numElements(t.shape));
  if (isIntegerType(t.dtype)) {
    IntRange r = intRange(t.dtype);
    for (int32_t q : t.values) {
      ASSERT_GE(q, r.min);
      ASSERT_LE(q, r.max);
    }
  }
  std::vector<float> x = dequantize(t);
  for (float v : x)
    ASSERT_TRUE(std::isfinite(v));
  std::vector<int32_t> again =
      quantizeTensor(x.data(), t.shape, t.dtype, t.params);
  std::vector<float> y =
      dequantizeTensor(again.data(), t.shape, t.dtype, t.params);
  size_t mismatches = 0;
  for (size_t i = 0; i < y.size(); ++i)
    mismatches += y[i] != x[i];
  EXPECT_EQ(mismatches, 0u);
}

} // namespace qforge::quant::test

#endif // QFORGE_TEST_UNIT_QUANT_SYNTHETICLAYER_H
