//===- GptqTest.cpp - GPTQ ------------------------------------------------===//

#include "qforge/Quant/Gptq.h"

#include "qforge/Quant/WeightQuant.h"

#include "Executors.h"
#include "SyntheticLayer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace qforge::quant;
using namespace qforge::quant::test;

namespace {

std::vector<double> hessianOf(const std::vector<float> &X, int64_t M,
                              int64_t K) {
  std::vector<double> H;
  accumulateHessian(H, X.data(), M, K);
  return H;
}

const std::vector<double> &standardHessian() {
  static const std::vector<double> H = [] {
    const SyntheticLayer &L = standardLayer();
    return hessianOf(L.Xcal, L.Mcal, L.K);
  }();
  return H;
}

GptqResult runGptq(const SyntheticLayer &L, const std::vector<double> &H,
                   const QuantSpec &spec, const GptqOptions &options = {}) {
  std::string error;
  std::optional<GptqResult> r = gptqQuantize(L.W.data(), L.N, L.K, H.data(),
                                             L.Mcal, spec, options, &error);
  EXPECT_TRUE(r.has_value()) << error;
  return r ? std::move(*r) : GptqResult{};
}

double rtnEvalError(const SyntheticLayer &L, const QuantSpec &spec) {
  return evalError(L, dequantize(quantizeWeightsRTN(L.W.data(), L.N, L.K, spec)));
}

TEST(Gptq, AccumulateHessian) {
  const int64_t M = 5, K = 7;
  Gaussian g(11);
  std::vector<float> X(M * K);
  for (float &x : X)
    x = static_cast<float>(g());
  std::vector<double> H;
  accumulateHessian(H, X.data(), 3, K);            // two batches ...
  accumulateHessian(H, X.data() + 3 * K, 2, K);    // ... add up
  ASSERT_EQ(H.size(), static_cast<size_t>(K * K));
  for (int64_t i = 0; i < K; ++i)
    for (int64_t j = 0; j < K; ++j) {
      double ref = 0.0;
      for (int64_t m = 0; m < M; ++m)
        ref += static_cast<double>(X[m * K + i]) * X[m * K + j];
      EXPECT_NEAR(H[i * K + j], ref, 1e-12);
      EXPECT_EQ(H[i * K + j], H[j * K + i]);
    }
}

// With H = c I there is nothing to feed back (U is diagonal): GPTQ is RTN,
// code for code, in every mode.
TEST(Gptq, IdentityHessianIsRtn) {
  const SyntheticLayer L = makeSyntheticLayer(32, 200, 4, 4, 13, 0);
  std::vector<double> H(L.K * L.K, 0.0);
  for (int64_t i = 0; i < L.K; ++i)
    H[i * L.K + i] = 3.0;
  for (const QuantSpec &spec :
       {weightSpec(DType::Int4, 64), weightSpec(DType::UInt4, 64, false),
        weightSpec(DType::Int8, 0), weightSpec(DType::NF4, 32),
        weightSpec(DType::F8E4M3FN, -1)}) {
    QuantizedTensor rtn = quantizeWeightsRTN(L.W.data(), L.N, L.K, spec);
    for (bool actOrder : {false, true}) {
      GptqOptions o;
      o.actOrder = actOrder;
      o.blockSize = 48; // not a multiple of the group size
      GptqResult r = runGptq(L, H, spec, o);
      EXPECT_EQ(r.weights.values, rtn.values) << dtypeName(spec.dtype);
      EXPECT_EQ(r.weights.params.scales, rtn.params.scales);
      EXPECT_EQ(r.weights.params.zeroPoints, rtn.params.zeroPoints);
    }
  }
}

/// GPTQ written the long way, in double: the optimal-brain-surgeon update
/// with the inverse Hessian downdated after every column (no Cholesky, no
/// lazy batches), static parameters from the original weights.
std::vector<int32_t> naiveGptq(const std::vector<float> &W, int64_t N,
                               int64_t K, std::vector<double> H, int64_t samples,
                               const QuantSpec &spec, double percDamp) {
  double mean = 0.0;
  for (int64_t i = 0; i < K; ++i) {
    for (int64_t j = 0; j < K; ++j)
      H[i * K + j] *= 2.0 / static_cast<double>(samples);
    mean += H[i * K + i] / static_cast<double>(K);
  }
  for (int64_t i = 0; i < K; ++i)
    H[i * K + i] += percDamp * mean;
  // Gauss-Jordan inverse.
  std::vector<double> A = H, inv(K * K, 0.0);
  for (int64_t i = 0; i < K; ++i)
    inv[i * K + i] = 1.0;
  for (int64_t c = 0; c < K; ++c) {
    double p = A[c * K + c];
    for (int64_t j = 0; j < K; ++j) {
      A[c * K + j] /= p;
      inv[c * K + j] /= p;
    }
    for (int64_t r = 0; r < K; ++r)
      if (r != c) {
        double f = A[r * K + c];
        for (int64_t j = 0; j < K; ++j) {
          A[r * K + j] -= f * A[c * K + j];
          inv[r * K + j] -= f * inv[c * K + j];
        }
      }
  }
  TensorParams params = chooseTensorParams(W.data(), {N, K}, spec);
  std::vector<int32_t> codes(N * K);
  std::vector<double> w(K);
  // Row j of the inverse Hessian after removing columns 0..j-1.
  std::vector<std::vector<double>> rows;
  std::vector<double> Hi = inv;
  for (int64_t j = 0; j < K; ++j) {
    rows.emplace_back(Hi.begin() + j * K, Hi.begin() + (j + 1) * K);
    double d = Hi[j * K + j];
    std::vector<double> col(K);
    for (int64_t a = 0; a < K; ++a)
      col[a] = Hi[a * K + j];
    for (int64_t a = j + 1; a < K; ++a)
      for (int64_t b = j + 1; b < K; ++b)
        Hi[a * K + b] -= col[a] * rows[j][b] / d;
  }
  for (int64_t n = 0; n < N; ++n) {
    for (int64_t k = 0; k < K; ++k)
      w[k] = W[n * K + k];
    for (int64_t j = 0; j < K; ++j) {
      int64_t si = weightScaleIndex(spec, K, n, j);
      float s = params.scales[si];
      int32_t zp = params.zeroPoint(si);
      int32_t q = quantizeValue(spec.dtype, static_cast<float>(w[j]), s, zp);
      codes[n * K + j] = q;
      double e = (w[j] - dequantizeValue(spec.dtype, q, s, zp)) / rows[j][j];
      for (int64_t k = j + 1; k < K; ++k)
        w[k] -= e * rows[j][k];
    }
  }
  return codes;
}

// The Cholesky / lazy-batch implementation computes the textbook algorithm.
TEST(Gptq, MatchesTextbookAlgorithm) {
  const SyntheticLayer L = makeSyntheticLayer(16, 96, 160, 4, 14, 2);
  std::vector<double> H = hessianOf(L.Xcal, L.Mcal, L.K);
  for (const QuantSpec &spec :
       {weightSpec(DType::Int4, 32), weightSpec(DType::UInt2, 16, false),
        weightSpec(DType::Int8, 0), weightSpec(DType::NF4, 32)}) {
    SCOPED_TRACE(dtypeName(spec.dtype));
    std::vector<int32_t> ref = naiveGptq(L.W, L.N, L.K, H, L.Mcal, spec, 0.01);
    for (int64_t blockSize : {int64_t(1), int64_t(7), int64_t(128)}) {
      GptqOptions o;
      o.staticGroups = true;
      o.blockSize = blockSize;
      GptqResult r = runGptq(L, H, spec, o);
      // float vs double error feedback may flip a rare near-tie (none do on
      // x86-64 today; the margin is for targets that contract to FMA).
      size_t mismatches = 0;
      for (size_t i = 0; i < ref.size(); ++i)
        mismatches += r.weights.values[i] != ref[i];
      EXPECT_LE(mismatches, ref.size() / 200) << "blockSize " << blockSize;
    }
  }
}

/// GPTQ one column at a time, each column's error applied at once to every
/// later column, groups chosen when reached: what the lazy, blocked and
/// parallel implementation must reproduce bit for bit (each weight receives
/// the same float operations in the same order). No act-order, no dead
/// columns.
struct ColumnByColumn {
  std::vector<int32_t> codes;
  std::vector<float> scales;
  std::vector<int32_t> zeroPoints;
  std::vector<double> columnLoss;
};

ColumnByColumn columnByColumnGptq(const SyntheticLayer &L,
                                  const std::vector<double> &H,
                                  const QuantSpec &spec, double percDamp) {
  const int64_t N = L.N, K = L.K, G = spec.layout.blockSize;
  std::vector<double> h(H);
  double mean = 0.0;
  for (double &v : h)
    v *= 2.0 / static_cast<double>(L.Mcal);
  for (int64_t j = 0; j < K; ++j)
    mean += h[j * K + j];
  mean /= static_cast<double>(K);
  for (int64_t j = 0; j < K; ++j)
    h[j * K + j] += percDamp * mean;
  std::vector<double> U;
  EXPECT_TRUE(upperCholeskyOfInverse(h, K, U));
  std::vector<float> u(U.begin(), U.end());
  const int64_t groups = (K + G - 1) / G;
  ColumnByColumn r;
  r.codes.assign(N * K, 0);
  r.scales.assign(N * groups, 0.0f);
  r.zeroPoints.assign(N * groups, 0);
  r.columnLoss.assign(K, 0.0);
  for (int64_t n = 0; n < N; ++n) {
    std::vector<float> row(L.W.begin() + n * K, L.W.begin() + (n + 1) * K);
    for (int64_t p = 0; p < K; ++p) {
      int64_t g = n * groups + p / G;
      if (p % G == 0) {
        Range range;
        for (int64_t j = p; j < std::min(p + G, K); ++j)
          range.add(row[j]);
        QuantParams qp = chooseParams(range, spec);
        r.scales[g] = qp.scale;
        r.zeroPoints[g] = qp.zeroPoint;
      }
      int32_t q = quantizeValue(spec.dtype, row[p], r.scales[g], r.zeroPoints[g]);
      r.codes[n * K + p] = q;
      float delta =
          row[p] - dequantizeValue(spec.dtype, q, r.scales[g], r.zeroPoints[g]);
      float e = delta / u[p * K + p];
      r.columnLoss[p] += static_cast<double>(e) * e / 2.0;
      for (int64_t j = p + 1; j < K; ++j)
        row[j] -= e * u[p * K + j];
    }
  }
  return r;
}

// Lazy batches, any block size, rows on any executor: the column-by-column
// result, bit for bit.
TEST(Gptq, BlockedParallelIsColumnByColumnBitForBit) {
  // 101 rows: two row tasks (64 rows each at most), of 50 and 51 rows: row
  // pairs and a single row; K = 200: a partial group, partial blocks and
  // partial vectors.
  const SyntheticLayer L = makeSyntheticLayer(101, 200, 300, 4, 21, 3);
  std::vector<double> H = hessianOf(L.Xcal, L.Mcal, L.K);
  for (const QuantSpec &spec :
       {weightSpec(DType::Int4, 32), weightSpec(DType::UInt4, 64, false),
        weightSpec(DType::NF4, 16)}) {
    SCOPED_TRACE(dtypeName(spec.dtype));
    ColumnByColumn ref = columnByColumnGptq(L, H, spec, 0.01);
    forEachVectorWidth([&](int bits) {
      for (int64_t blockSize : {int64_t(1), int64_t(7), int64_t(48),
                                int64_t(128), int64_t(1000)})
        for (const auto &[name, executor] : allExecutors()) {
          GptqOptions o;
          o.blockSize = blockSize;
          o.parallelFor = executor;
          GptqResult r = runGptq(L, H, spec, o);
          std::string what = "blockSize " + std::to_string(blockSize) +
                             ", " + name + ", " + std::to_string(bits) +
                             "-bit vectors";
          EXPECT_EQ(r.weights.values, ref.codes) << what;
          EXPECT_EQ(r.weights.params.scales, ref.scales) << what;
          EXPECT_EQ(r.columnLoss, ref.columnLoss) << what;
          if (spec.dtype == DType::UInt4) {
            EXPECT_EQ(r.weights.params.zeroPoints, ref.zeroPoints) << what;
          }
        }
    });
  }
}

// Act-order and static groups on threads: the serial result, bit for bit.
TEST(Gptq, ActOrderOnThreadsIsSerialBitForBit) {
  const SyntheticLayer L = makeSyntheticLayer(70, 150, 200, 4, 22, 3);
  std::vector<double> H = hessianOf(L.Xcal, L.Mcal, L.K);
  QuantSpec spec = weightSpec(DType::Int4, 32);
  GptqOptions o;
  o.actOrder = true;
  GptqResult serial = runGptq(L, H, spec, o);
  for (const auto &[name, executor] : allExecutors()) {
    o.parallelFor = executor;
    GptqResult r = runGptq(L, H, spec, o);
    EXPECT_EQ(r.weights.values, serial.weights.values) << name;
    EXPECT_EQ(r.weights.params.scales, serial.weights.params.scales) << name;
    EXPECT_EQ(r.columnLoss, serial.columnLoss) << name;
    EXPECT_EQ(r.order, serial.order) << name;
  }
}

// The headline: at w4g128 GPTQ's output error is well below RTN's on held-out
// activations; act-order is better still.
TEST(Gptq, BeatsRtnAtW4G128) {
  const SyntheticLayer &L = standardLayer();
  for (bool sym : {true, false}) {
    QuantSpec spec = weightSpec(sym ? DType::Int4 : DType::UInt4, 128, sym);
    double rtn = rtnEvalError(L, spec);
    GptqResult plain = runGptq(L, standardHessian(), spec);
    GptqOptions o;
    o.actOrder = true;
    GptqResult ordered = runGptq(L, standardHessian(), spec, o);
    expectWellFormed(plain.weights);
    expectWellFormed(ordered.weights);
    double ep = evalError(L, dequantize(plain.weights));
    double eo = evalError(L, dequantize(ordered.weights));
    EXPECT_LT(ep, 0.6 * rtn) << "sym " << sym;
    EXPECT_LE(eo, ep) << "sym " << sym;
    EXPECT_TRUE(plain.deadColumns.empty());
    EXPECT_GT(plain.damp, 0.0);
    for (double l : plain.columnLoss)
      ASSERT_TRUE(std::isfinite(l) && l >= 0.0);
  }
}

// Act-order: columns processed by descending H[j, j]; the codes come back in
// the original column order, and the group parameters are the static ones
// (from the original weights, contiguous groups) -- a plain blocked tensor.
TEST(Gptq, ActOrderKeepsOriginalLayout) {
  const SyntheticLayer &L = standardLayer();
  const std::vector<double> &H = standardHessian();
  QuantSpec spec = weightSpec(DType::UInt4, 128, false);
  GptqOptions o;
  o.actOrder = true;
  GptqResult r = runGptq(L, H, spec, o);
  ASSERT_EQ(r.order.size(), static_cast<size_t>(L.K));
  std::vector<int64_t> sorted = r.order;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t k = 0; k < L.K; ++k)
    ASSERT_EQ(sorted[k], k);
  for (int64_t i = 1; i < L.K; ++i)
    ASSERT_GE(H[r.order[i - 1] * L.K + r.order[i - 1]],
              H[r.order[i] * L.K + r.order[i]]);
  // The outlier channels have the largest diagonal: they go first.
  for (int64_t c : L.outlierChannels)
    EXPECT_LT(std::find(r.order.begin(), r.order.end(), c) - r.order.begin(),
              static_cast<long>(L.outlierChannels.size()));
  TensorParams ref = chooseTensorParams(L.W.data(), {L.N, L.K}, spec);
  EXPECT_EQ(r.weights.params.layout, spec.layout);
  EXPECT_EQ(r.weights.params.scales, ref.scales);
  EXPECT_EQ(r.weights.params.zeroPoints, ref.zeroPoints);
  // The codes belong to the right columns: column by column the dequantized
  // weights track the originals.
  std::vector<float> dq = dequantize(r.weights);
  EXPECT_LT(relativeError(L.W.data(), dq.data(), dq.size()), 0.25);
}

// Every storage type works as GPTQ's quantizer. At 2 bits, groups chosen on
// the fly from error-updated weights widen (the feedback adds to the range);
// static groups do better there.
TEST(Gptq, OtherFormats) {
  const SyntheticLayer &L = standardLayer();
  struct {
    const char *scheme;
    bool staticGroups;
    double factor; // of RTN's error
  } cases[] = {{"w8", false, 0.6},      {"w4", false, 0.6},
               {"w2g64", false, 0.85},  {"w2g64", true, 0.65},
               {"nf4g64", false, 0.6},  {"fp8", false, 0.6},
               {"w8-tensor", false, 0.6}, {"fp4g32", false, 0.6}};
  for (const auto &c : cases) {
    SCOPED_TRACE(c.scheme);
    QuantSpec spec = weightSpec(*Scheme::parse(c.scheme));
    GptqOptions o;
    o.staticGroups = c.staticGroups;
    GptqResult r = runGptq(L, standardHessian(), spec, o);
    expectWellFormed(r.weights);
    EXPECT_LT(evalError(L, dequantize(r.weights)),
              c.factor * rtnEvalError(L, spec));
  }
}

// An input channel that is always 0 ("dead") makes H singular: GPTQ zeroes its
// weights (they cannot matter), sets H[j, j] = 1 and carries on.
TEST(Gptq, DeadColumns) {
  SyntheticLayer L = makeSyntheticLayer(128, 256, 384, 128, 15, 4);
  const int64_t dead[] = {0, 17, 100, 255, L.outlierChannels[0]};
  for (int64_t c : dead)
    for (int64_t m = 0; m < L.Mcal; ++m)
      L.Xcal[m * L.K + c] = 0.0f;
  for (int64_t c : dead)
    for (int64_t m = 0; m < L.Meval; ++m)
      L.Xeval[m * L.K + c] = 0.0f;
  std::vector<double> H = hessianOf(L.Xcal, L.Mcal, L.K);
  QuantSpec spec = weightSpec(DType::UInt4, 64, false);
  for (bool actOrder : {false, true}) {
    GptqOptions o;
    o.actOrder = actOrder;
    GptqResult r = runGptq(L, H, spec, o);
    std::vector<int64_t> expected(std::begin(dead), std::end(dead));
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(r.deadColumns, expected);
    expectWellFormed(r.weights);
    std::vector<float> dq = dequantize(r.weights);
    for (int64_t c : dead)
      for (int64_t n = 0; n < L.N; ++n)
        ASSERT_EQ(dq[n * L.K + c], 0.0f);
    EXPECT_LT(evalError(L, dq), 0.8 * rtnEvalError(L, spec));
  }
}

// Fewer samples than inputs: H is singular but dampening makes it definite.
TEST(Gptq, RankDeficientHessianIsDamped) {
  SyntheticLayer L = makeSyntheticLayer(64, 256, 48, 64, 16, 2);
  std::vector<double> H = hessianOf(L.Xcal, L.Mcal, L.K);
  GptqResult r = runGptq(L, H, weightSpec(DType::Int4, 128));
  expectWellFormed(r.weights);
}

// A Hessian that is not positive semi-definite (no X^T X is) and stays
// indefinite after dampening: a clear error, no NaN codes.
TEST(Gptq, IndefiniteHessianIsAnError) {
  const SyntheticLayer L = makeSyntheticLayer(8, 64, 4, 4, 17, 0);
  std::vector<double> H(L.K * L.K, 2.0);
  for (int64_t i = 0; i < L.K; ++i)
    H[i * L.K + i] = 1.0;
  std::string error;
  std::optional<GptqResult> r =
      gptqQuantize(L.W.data(), L.N, L.K, H.data(), 100,
                   weightSpec(DType::Int4, 32), {}, &error);
  EXPECT_FALSE(r.has_value());
  EXPECT_NE(error.find("not positive definite even after dampening"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("raise percDamp"), std::string::npos);
  // Enough dampening (beyond the negative eigenvalue, -1 vs mean diag 1)
  // rescues it.
  GptqOptions o;
  o.percDamp = 1.5;
  EXPECT_TRUE(gptqQuantize(L.W.data(), L.N, L.K, H.data(), 100,
                           weightSpec(DType::Int4, 32), o, &error)
                  .has_value())
      << error;
}

TEST(Gptq, InvalidInputs) {
  const SyntheticLayer L = makeSyntheticLayer(8, 64, 80, 4, 18, 0);
  std::vector<double> H = hessianOf(L.Xcal, L.Mcal, L.K);
  std::string error;
  QuantSpec bad = weightSpec(DType::Int4, 32);
  bad.layout = ScaleLayout::perAxis(1);
  EXPECT_FALSE(gptqQuantize(L.W.data(), L.N, L.K, H.data(), L.Mcal, bad, {}, &error));
  EXPECT_NE(error.find("GPTQ: weight scales"), std::string::npos) << error;
  QuantSpec spec = weightSpec(DType::Int4, 32);
  EXPECT_FALSE(gptqQuantize(L.W.data(), L.N, L.K, H.data(), 0, spec, {}, &error));
  EXPECT_NE(error.find("sample"), std::string::npos) << error;
  GptqOptions o;
  o.blockSize = 0;
  EXPECT_FALSE(gptqQuantize(L.W.data(), L.N, L.K, H.data(), L.Mcal, spec, o, &error));
  std::vector<double> Hn = H;
  Hn[5] = std::nan("");
  EXPECT_FALSE(gptqQuantize(L.W.data(), L.N, L.K, Hn.data(), L.Mcal, spec, {}, &error));
  EXPECT_NE(error.find("non-finite"), std::string::npos) << error;
  // The f32 overload gives the same answer as the f64 one.
  std::vector<float> Hf(H.begin(), H.end());
  std::vector<double> Hd(Hf.begin(), Hf.end());
  std::optional<GptqResult> a =
      gptqQuantize(L.W.data(), L.N, L.K, Hf.data(), L.Mcal, spec);
  std::optional<GptqResult> b =
      gptqQuantize(L.W.data(), L.N, L.K, Hd.data(), L.Mcal, spec);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->weights.values, b->weights.values);
}

} // namespace
