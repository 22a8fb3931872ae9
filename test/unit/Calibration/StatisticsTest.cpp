// Streaming statistics and range choice on distributions whose answer is
// known: exact min/max and per-channel statistics, the EMA formula, exact
// histogram re-binning, percentiles of a uniform distribution, and clipping
// of heavy-tailed distributions (percentile / mse / entropy clip, minmax
// does not).
#include "qforge/Calibration/Statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>

namespace {

using namespace qforge::calib;

/// The first 4 rows of the sample of SampleIsDeterministic (channel 0), as
/// computed independently (splitmix64 from seed 0x51466f7267655253, algorithm
/// R) in Python.
const std::vector<float> kPinnedSample = {3936, 511, 3605, 1859};

ObserverOptions options(ObserverKind kind) {
  ObserverOptions o;
  o.kind = kind;
  return o;
}

std::vector<float> uniform(size_t n, float lo, float hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

/// Student's t with 2 degrees of freedom: infinite variance, |x| > t has
/// probability ~ 1/t^2, so a million samples reach into the hundreds.
std::vector<float> heavyTailed(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::chi_squared_distribution<double> chi2(2.0);
  std::vector<float> v(n);
  for (float &x : v)
    x = float(normal(rng) / std::sqrt(chi2(rng) / 2.0));
  return v;
}

Range observe(ObserverKind kind, const std::vector<float> &v, size_t batch = 4096) {
  ValueObserver obs(options(kind), /*collectXtx=*/false);
  for (size_t i = 0; i < v.size(); i += batch) {
    size_t n = std::min(batch, v.size() - i);
    EXPECT_FALSE(bool(obs.addBatch(v.data() + i, int64_t(n), 1)));
  }
  return obs.chosenRange();
}

TEST(Observer, ParsesKinds) {
  for (const char *name : {"minmax", "ema", "percentile", "mse", "entropy"}) {
    auto kind = parseObserverKind(name);
    ASSERT_TRUE(kind.has_value()) << name;
    EXPECT_EQ(observerKindName(*kind), name);
  }
  EXPECT_FALSE(parseObserverKind("max").has_value());
}

TEST(Observer, MinMaxIsExactOverBatches) {
  std::vector<float> v = uniform(10000, -3.0f, 5.0f, 1);
  v[1234] = -7.25f;
  v[9876] = 6.5f;
  Range r = observe(ObserverKind::MinMax, v, 1000);
  EXPECT_EQ(r.min, -7.25);
  EXPECT_EQ(r.max, 6.5);
}

TEST(Observer, EmaFollowsTheFormula) {
  ObserverOptions o = options(ObserverKind::EMA);
  o.momentum = 0.75;
  ValueObserver obs(o, false);
  std::vector<std::vector<float>> batches = {{0.0f, 1.0f}, {-2.0f, 3.0f}, {-1.0f, 1.0f}};
  for (auto &b : batches)
    ASSERT_FALSE(bool(obs.addBatch(b.data(), 1, 2)));
  // First batch initialises; then r = m r + (1 - m) batch.
  double mn = 0.0, mx = 1.0;
  mn = 0.75 * mn + 0.25 * -2.0, mx = 0.75 * mx + 0.25 * 3.0;
  mn = 0.75 * mn + 0.25 * -1.0, mx = 0.75 * mx + 0.25 * 1.0;
  EXPECT_DOUBLE_EQ(obs.chosenRange().min, mn);
  EXPECT_DOUBLE_EQ(obs.chosenRange().max, mx);
  // The data range is still tracked exactly.
  EXPECT_EQ(obs.dataRange().min, -2.0);
  EXPECT_EQ(obs.dataRange().max, 3.0);
}

TEST(Histogram, GrowingRebinsExactly) {
  // Values first within [0, 1], then up to 3.5: the range doubles twice and
  // the counts equal a histogram built directly over the final range.
  std::vector<float> a = uniform(5000, -1.0f, 1.0f, 2);
  a[0] = 1.0f;
  std::vector<float> b = uniform(5000, -3.5f, 3.5f, 3);
  AbsHistogram grown(64);
  grown.add(a.data(), a.size());
  // Just above the max, so that 1.0 itself is inside the last bin.
  double first = std::nextafter(1.0f, 2.0f);
  EXPECT_EQ(grown.upper(), first);
  EXPECT_EQ(grown.counts()[63] > 0, true);
  grown.add(b.data(), b.size());
  EXPECT_EQ(grown.upper(), 4 * first);
  std::vector<double> direct(64, 0.0);
  for (auto *v : {&a, &b})
    for (float x : *v)
      direct[size_t(std::fabs(double(x)) * (64 / grown.upper()))] += 1;
  // 1.0 was in the last bin of [0, 1]; it must now be in bin 15 of [0, 4].
  EXPECT_EQ(size_t(1.0 * (64 / grown.upper())), 15u);
  EXPECT_EQ(grown.counts(), direct);
  EXPECT_EQ(grown.total(), 10000.0);
}

TEST(Histogram, IgnoresNonFiniteAndStartsFromZeros) {
  AbsHistogram h(16);
  std::vector<float> zeros(10, 0.0f);
  h.add(zeros.data(), zeros.size());
  EXPECT_EQ(h.upper(), 0.0);
  std::vector<float> v = {std::numeric_limits<float>::quiet_NaN(),
                          std::numeric_limits<float>::infinity(), 2.0f};
  h.add(v.data(), v.size());
  EXPECT_EQ(h.upper(), double(std::nextafter(2.0f, 3.0f)));
  EXPECT_EQ(h.total(), 11.0);
  EXPECT_EQ(h.counts()[0], 10.0);
  EXPECT_EQ(h.counts()[15], 1.0);
}

TEST(RangeChoice, PercentileOfUniform) {
  std::vector<float> v = uniform(1000000, -1.0f, 1.0f, 4);
  AbsHistogram h(2048);
  h.add(v.data(), v.size());
  // |x| is uniform on [0, 1]: the p-th percentile is p / 100.
  for (double p : {50.0, 90.0, 99.0})
    EXPECT_NEAR(percentileThreshold(h, p), p / 100.0, 0.005) << p;
  EXPECT_NEAR(percentileThreshold(h, 100.0), 1.0, 1.0 / 2048 + 1e-6);
}

TEST(RangeChoice, PercentileInterpolatesInsideABin) {
  // 100 values in bin 0, 100 in bin 1 of [0, 4) with 4 bins (width 1).
  AbsHistogram h = AbsHistogram::fromCounts({100, 100, 0, 0}, 4.0);
  EXPECT_DOUBLE_EQ(percentileThreshold(h, 25.0), 0.5);
  EXPECT_DOUBLE_EQ(percentileThreshold(h, 75.0), 1.5);
  EXPECT_DOUBLE_EQ(percentileThreshold(h, 100.0), 2.0);
}

TEST(RangeChoice, HeavyTailClippedByPercentileMseEntropyNotMinMax) {
  std::vector<float> v = heavyTailed(1000000, 5);
  float absMax = 0.0f, mn = 0.0f, mx = 0.0f;
  for (float x : v) {
    absMax = std::max(absMax, std::fabs(x));
    mn = std::min(mn, x);
    mx = std::max(mx, x);
  }
  ASSERT_GT(absMax, 100.0f); // the tail is really heavy

  Range minmax = observe(ObserverKind::MinMax, v);
  EXPECT_EQ(minmax.min, mn);
  EXPECT_EQ(minmax.max, mx);

  ObserverOptions p = options(ObserverKind::Percentile);
  p.percentile = 99.9;
  ValueObserver pct(p, false);
  ASSERT_FALSE(bool(pct.addBatch(v.data(), int64_t(v.size()), 1)));
  // For t(2), P(|X| > t) = 1 - t / sqrt(t^2 + 2): the 99.9th percentile is
  // about 31.6.
  Range r = pct.chosenRange();
  EXPECT_NEAR(r.max, 31.6, 2.0);
  EXPECT_NEAR(r.min, -31.6, 2.0);

  // Entropy clips hard; MSE less (for t(2) the clipping error of the tail
  // grows only logarithmically, so its optimum is a few hundred).
  Range e = observe(ObserverKind::Entropy, v);
  EXPECT_LT(e.max, absMax / 4);
  EXPECT_GT(e.max, 2.0); // but keeps the bulk (|x| < 2: 82%)
  EXPECT_EQ(e.min, -e.max);
  Range m = observe(ObserverKind::MSE, v);
  EXPECT_LT(m.max, absMax / 2);
  EXPECT_GT(m.max, 31.6); // beyond the 99.9th percentile
  EXPECT_EQ(m.min, -m.max);
}

TEST(RangeChoice, MseOfLaplaceIsTheKnownOptimalClip) {
  // For Laplace(b) and 8-bit uniform quantization the MSE-optimal clip is
  // about 9.89 b (Banner et al., ACIQ); the sample max of 10^6 is ~14 b.
  std::mt19937 rng(8);
  std::exponential_distribution<double> exp(1.0);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> v(1000000);
  float absMax = 0;
  for (float &x : v) {
    x = float(sign(rng) ? exp(rng) : -exp(rng));
    absMax = std::max(absMax, std::fabs(x));
  }
  ASSERT_GT(absMax, 12.0f);
  Range r = observe(ObserverKind::MSE, v);
  EXPECT_NEAR(r.max, 9.89, 0.5);
  Range minmax = observe(ObserverKind::MinMax, v);
  EXPECT_EQ(std::max(-minmax.min, minmax.max), absMax);
}

TEST(RangeChoice, MseKeepsUniformAndDropsALoneOutlier) {
  std::vector<float> v = uniform(200000, -1.0f, 1.0f, 6);
  AbsHistogram h(2048);
  h.add(v.data(), v.size());
  // Uniform: clipping costs more than it saves; the optimum is within a
  // few steps of the end (analytically 1 - sqrt(step^2/... ) ~ 0.994).
  double t = mseThreshold(h);
  EXPECT_GT(t, 0.97);
  EXPECT_LE(t, h.upper());
  // Now one value at 100. With N values below T the error is
  // N T^2 / (12 * 127^2) + (c - T)^2 (c: the outlier's bin centre), least at
  // T = c / (1 + N / (12 * 127^2)) -- about 49 for N = 200000.
  v.push_back(100.0f);
  AbsHistogram h2(2048);
  h2.add(v.data(), v.size());
  double w = h2.binWidth();
  double c = (std::floor(100.0 / w) + 0.5) * w;
  double a = double(v.size() - 1) / (12.0 * 127 * 127);
  EXPECT_NEAR(mseThreshold(h2), c / (1 + a), w);
  Range r = clipRange({-1.0, 100.0}, mseThreshold(h2));
  EXPECT_EQ(r.min, -1.0);
  EXPECT_NEAR(r.max, c / (1 + a), w);
}

TEST(RangeChoice, EntropyKeepsUniform) {
  std::vector<float> v = uniform(500000, -2.0f, 2.0f, 7);
  AbsHistogram h(2048);
  h.add(v.data(), v.size());
  EXPECT_GT(entropyThreshold(h), 0.9 * 2.0);
}

TEST(RangeChoice, ClipRangeKeepsOneSidedData) {
  // Post-ReLU data [0, 10] clipped at 6 stays [0, 6], not [-6, 6].
  Range r = clipRange({0.0, 10.0}, 6.0);
  EXPECT_EQ(r.min, 0.0);
  EXPECT_EQ(r.max, 6.0);
  r = clipRange({-1.0, 10.0}, 20.0);
  EXPECT_EQ(r.min, -1.0);
  EXPECT_EQ(r.max, 10.0);
}

TEST(Observer, PerChannelStatisticsAndXtx) {
  // 3 batches of [rows, 3] with known values.
  ValueObserver obs(options(ObserverKind::MinMax), /*collectXtx=*/true);
  std::vector<std::vector<float>> rows = {
      {1, -2, 3}, {-4, 5, 0.5f}, {0, 0, -6}, {2, 2, 2}, {-1, 0.25f, 1}};
  std::vector<float> b1 = {1, -2, 3, -4, 5, 0.5f};
  std::vector<float> b2 = {0, 0, -6};
  std::vector<float> b3 = {2, 2, 2, -1, 0.25f, 1};
  ASSERT_FALSE(bool(obs.addBatch(b1.data(), 2, 3)));
  ASSERT_FALSE(bool(obs.addBatch(b2.data(), 1, 3)));
  ASSERT_FALSE(bool(obs.addBatch(b3.data(), 2, 3)));
  TensorStats s = obs.finalize();
  EXPECT_EQ(s.channels, 3);
  EXPECT_EQ(s.count, 5);
  EXPECT_EQ(s.min, -6.0f);
  EXPECT_EQ(s.max, 5.0f);
  for (int c = 0; c < 3; ++c) {
    double amax = 0, asum = 0;
    for (auto &r : rows) {
      amax = std::max(amax, std::fabs(double(r[c])));
      asum += std::fabs(double(r[c]));
    }
    EXPECT_FLOAT_EQ(s.absMax[c], float(amax));
    EXPECT_FLOAT_EQ(s.absMean[c], float(asum / 5));
    for (int d = 0; d < 3; ++d) {
      double xtx = 0;
      for (auto &r : rows)
        xtx += double(r[c]) * double(r[d]);
      EXPECT_FLOAT_EQ(s.xtx[c * 3 + d], float(xtx)) << c << "," << d;
    }
  }
  EXPECT_EQ(s.histLow, 0.0f);
  EXPECT_GE(s.histHigh, 6.0f);
  double total = 0;
  for (float c : s.hist)
    total += c;
  EXPECT_EQ(total, 15.0);
}

TEST(Observer, RejectsAChangeOfChannelsAndSkipsNonFinite) {
  ValueObserver obs(options(ObserverKind::MinMax), true);
  std::vector<float> a = {1, std::numeric_limits<float>::quiet_NaN(), 3, 4};
  ASSERT_FALSE(bool(obs.addBatch(a.data(), 2, 2)));
  EXPECT_EQ(obs.nonFinite(), 1);
  EXPECT_EQ(obs.dataRange().min, 1.0);
  TensorStats s = obs.finalize();
  EXPECT_EQ(s.xtx[1 * 2 + 1], 16.0f); // NaN counted as 0
  llvm::Error err = obs.addBatch(a.data(), 1, 4);
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("had 2 channels"), std::string::npos);
}

TEST(Observer, NoXtxWhenNotAsked) {
  ValueObserver obs(options(ObserverKind::MinMax), false);
  std::vector<float> a = {1, 2};
  ASSERT_FALSE(bool(obs.addBatch(a.data(), 1, 2)));
  EXPECT_FALSE(obs.finalize().hasXtx());
}

/// `rows` rows of `k` channels, row i holding f(i, c) in channel c, fed in
/// batches of `batch` rows.
ValueObserver sampleRowsOf(int64_t rows, int64_t k, int64_t batch,
                           const std::function<float(int64_t, int64_t)> &f,
                           unsigned sampleRows = kSampleRows) {
  ValueObserver obs(options(ObserverKind::MinMax), /*collectXtx=*/false,
                    sampleRows);
  std::vector<float> data;
  for (int64_t start = 0; start < rows; start += batch) {
    int64_t n = std::min(batch, rows - start);
    data.assign(size_t(n * k), 0.0f);
    for (int64_t r = 0; r < n; ++r)
      for (int64_t c = 0; c < k; ++c)
        data[size_t(r * k + c)] = f(start + r, c);
    EXPECT_FALSE(bool(obs.addBatch(data.data(), n, k)));
  }
  return obs;
}

TEST(Observer, SampleHasMinOfRowsAnd64Rows) {
  auto f = [](int64_t r, int64_t c) { return float(r * 10 + c); };
  for (int64_t rows : {1, 5, 63, 64, 65, 1000}) {
    TensorStats s = sampleRowsOf(rows, 3, 7, f).finalize();
    EXPECT_EQ(s.sampleRows(), std::min<int64_t>(rows, kSampleRows)) << rows;
    EXPECT_EQ(s.rows.size(), size_t(s.sampleRows() * 3)) << rows;
    // Every sampled row is one of the input rows (whole, not mixed), and no
    // row is sampled twice.
    std::vector<bool> seen(size_t(rows), false);
    for (int64_t i = 0; i < s.sampleRows(); ++i) {
      const float *row = s.rows.data() + i * 3;
      int64_t r = int64_t(row[0]) / 10;
      ASSERT_GE(r, 0);
      ASSERT_LT(r, rows);
      EXPECT_EQ(row[0], f(r, 0));
      EXPECT_EQ(row[1], f(r, 1));
      EXPECT_EQ(row[2], f(r, 2));
      EXPECT_FALSE(seen[size_t(r)]) << "row " << r << " sampled twice";
      seen[size_t(r)] = true;
    }
    // Fewer rows than the reservoir: all of them, in order.
    if (rows <= kSampleRows) {
      for (int64_t i = 0; i < rows; ++i)
        EXPECT_EQ(s.rows[size_t(i * 3)], float(i * 10));
    }
  }
}

TEST(Observer, NoSampleWhenNotAsked) {
  ValueObserver obs(options(ObserverKind::MinMax), /*collectXtx=*/true);
  std::vector<float> a = {1, 2, 3, 4};
  ASSERT_FALSE(bool(obs.addBatch(a.data(), 2, 2)));
  TensorStats s = obs.finalize();
  EXPECT_FALSE(s.hasRows());
  EXPECT_EQ(s.sampleRows(), 0);
}

TEST(Observer, SampleIsDeterministic) {
  auto f = [](int64_t r, int64_t c) { return float(r) + 0.25f * float(c); };
  // Same data, same batching: identical samples.
  TensorStats a = sampleRowsOf(5000, 2, 13, f).finalize();
  TensorStats b = sampleRowsOf(5000, 2, 13, f).finalize();
  ASSERT_EQ(a.sampleRows(), int64_t(kSampleRows));
  EXPECT_EQ(a.rows, b.rows);
  // The sample depends on the rows' order only, not on how they are batched.
  TensorStats c = sampleRowsOf(5000, 2, 1000, f).finalize();
  EXPECT_EQ(a.rows, c.rows);
  // Pinned: a change of generator or algorithm changes the sample, which
  // would silently change autoquant's decisions on the same data.
  std::vector<float> first;
  for (int64_t i = 0; i < 4; ++i)
    first.push_back(a.rows[size_t(i * 2)]);
  EXPECT_EQ(first, kPinnedSample) << "first sampled rows: " << first[0] << ", "
                                  << first[1] << ", " << first[2] << ", "
                                  << first[3];
}

TEST(Observer, SampleIsRoughlyUniform) {
  // Row i holds i: the population mean is 4999.5, and a uniform sample of 64
  // has a standard deviation of its mean of about 2887 / 8 = 361.
  constexpr int64_t n = 10000;
  TensorStats s =
      sampleRowsOf(n, 1, 100, [](int64_t r, int64_t) { return float(r); })
          .finalize();
  ASSERT_EQ(s.sampleRows(), int64_t(kSampleRows));
  double sum = 0;
  int low = 0, high = 0, lastTenth = 0;
  std::vector<int> quarters(4, 0);
  for (float v : s.rows) {
    sum += v;
    (v < n / 2 ? low : high) += 1;
    lastTenth += v >= n - n / 10;
    ++quarters[size_t(v) / (n / 4)];
  }
  double mean = sum / double(s.rows.size());
  EXPECT_NEAR(mean, (n - 1) / 2.0, 1500.0); // > 4 standard deviations
  // Both halves are represented (not just the first rows, nor the last).
  EXPECT_GE(low, 16);
  EXPECT_GE(high, 16);
  // Late rows still get in (a broken reservoir keeps the first R).
  EXPECT_GE(lastTenth, 1);
  for (int q : quarters) // 16 expected
    EXPECT_GE(q, 6);
}

TEST(Observer, SampleStoresNonFiniteAsZero) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  ValueObserver obs(options(ObserverKind::MinMax), true, kSampleRows);
  std::vector<float> a = {1, nan, -inf, 4, inf, -6};
  ASSERT_FALSE(bool(obs.addBatch(a.data(), 3, 2)));
  TensorStats s = obs.finalize();
  ASSERT_EQ(s.sampleRows(), 3);
  EXPECT_EQ(s.rows, (std::vector<float>{1, 0, 0, 4, 0, -6}));
}

} // namespace
