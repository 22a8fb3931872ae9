//===- Statistics.cpp - Streaming statistics of observed values ----------===//

#include "qforge/Calibration/Statistics.h"

#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

namespace qforge::calib {

std::optional<ObserverKind> parseObserverKind(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<ObserverKind>>(name)
      .Case("minmax", ObserverKind::MinMax)
      .Case("ema", ObserverKind::EMA)
      .Case("percentile", ObserverKind::Percentile)
      .Case("mse", ObserverKind::MSE)
      .Case("entropy", ObserverKind::Entropy)
      .Default(std::nullopt);
}

llvm::StringRef observerKindName(ObserverKind kind) {
  switch (kind) {
  case ObserverKind::MinMax:
    return "minmax";
  case ObserverKind::EMA:
    return "ema";
  case ObserverKind::Percentile:
    return "percentile";
  case ObserverKind::MSE:
    return "mse";
  case ObserverKind::Entropy:
    return "entropy";
  }
  return "minmax";
}

//===----------------------------------------------------------------------===//
// AbsHistogram
//===----------------------------------------------------------------------===//

AbsHistogram::AbsHistogram(unsigned bins) : counts_(std::max(2u, bins + bins % 2), 0.0) {}

AbsHistogram AbsHistogram::fromCounts(std::vector<double> counts, double upper) {
  AbsHistogram hist(unsigned(counts.size()));
  hist.counts_ = std::move(counts);
  hist.upper_ = upper;
  return hist;
}

double AbsHistogram::total() const {
  return std::accumulate(counts_.begin(), counts_.end(), 0.0);
}

void AbsHistogram::ensureCovers(double absValue) {
  if (!(absValue >= upper_) || absValue == 0.0)
    return;
  if (upper_ == 0.0) {
    // Only zeros so far, all in bin 0, which stays bin 0 at any range. The
    // range starts just above the largest value (the next float), so that
    // every value lies strictly below `upper` and doubling the range maps
    // bin i to bin i / 2 exactly (the scale n / upper halves exactly).
    upper_ = std::nextafter(float(absValue), std::numeric_limits<float>::infinity());
    return;
  }
  size_t n = counts_.size();
  while (absValue >= upper_) {
    for (size_t i = 0; i < n / 2; ++i)
      counts_[i] = counts_[2 * i] + counts_[2 * i + 1];
    std::fill(counts_.begin() + n / 2, counts_.end(), 0.0);
    upper_ *= 2.0;
  }
}

void AbsHistogram::add(const float *values, size_t count) {
  double batchMax = 0.0;
  for (size_t i = 0; i < count; ++i) {
    float v = values[i];
    if (std::isfinite(v))
      batchMax = std::max(batchMax, double(std::fabs(v)));
  }
  ensureCovers(batchMax);
  size_t n = counts_.size();
  double scale = upper_ > 0.0 ? double(n) / upper_ : 0.0;
  for (size_t i = 0; i < count; ++i) {
    float v = values[i];
    if (!std::isfinite(v))
      continue;
    size_t bin = std::min(n - 1, size_t(std::fabs(double(v)) * scale));
    counts_[bin] += 1.0;
  }
}

//===----------------------------------------------------------------------===//
// Range choice
//===----------------------------------------------------------------------===//

double percentileThreshold(const AbsHistogram &hist, double percentile) {
  double total = hist.total();
  if (total <= 0.0 || hist.upper() == 0.0)
    return 0.0;
  double target = std::clamp(percentile, 0.0, 100.0) / 100.0 * total;
  const std::vector<double> &c = hist.counts();
  double width = hist.binWidth(), before = 0.0;
  size_t lastNonEmpty = 0;
  for (size_t i = 0; i < c.size(); ++i)
    if (c[i] > 0.0)
      lastNonEmpty = i;
  for (size_t i = 0; i <= lastNonEmpty; ++i) {
    if (c[i] > 0.0 && before + c[i] >= target)
      return (double(i) + (target - before) / c[i]) * width;
    before += c[i];
  }
  return double(lastNonEmpty + 1) * width;
}

double mseThreshold(const AbsHistogram &hist, unsigned levels) {
  const std::vector<double> &c = hist.counts();
  size_t n = c.size();
  double width = hist.binWidth();
  if (hist.total() <= 0.0 || width == 0.0)
    return 0.0;
  // Suffix sums over bins >= j of count, count * x, count * x^2 (x = bin
  // centre), so that each candidate T = j * width costs O(1).
  std::vector<double> s0(n + 1, 0.0), s1(n + 1, 0.0), s2(n + 1, 0.0);
  for (size_t i = n; i-- > 0;) {
    double x = (double(i) + 0.5) * width;
    s0[i] = s0[i + 1] + c[i];
    s1[i] = s1[i + 1] + c[i] * x;
    s2[i] = s2[i + 1] + c[i] * x * x;
  }
  double best = std::numeric_limits<double>::infinity(), bestT = n * width;
  for (size_t j = 1; j <= n; ++j) {
    double t = double(j) * width;
    double step = t / levels;
    double inside = (s0[0] - s0[j]) * step * step / 12.0;
    double clipped = s2[j] - 2.0 * t * s1[j] + t * t * s0[j];
    double err = inside + clipped;
    if (err <= best) { // ties: the larger threshold
      best = err;
      bestT = t;
    }
  }
  return bestT;
}

double entropyThreshold(const AbsHistogram &hist, unsigned levels) {
  const std::vector<double> &c = hist.counts();
  size_t n = c.size();
  double width = hist.binWidth();
  if (hist.total() <= 0.0 || width == 0.0)
    return 0.0;
  if (n <= levels)
    return n * width;
  std::vector<double> p, q;
  double bestKL = std::numeric_limits<double>::infinity();
  size_t bestI = n;
  std::vector<double> suffix(n + 1, 0.0);
  for (size_t i = n; i-- > 0;)
    suffix[i] = suffix[i + 1] + c[i];
  for (size_t i = levels; i <= n; ++i) {
    // P: the first i bins with everything beyond folded into the last.
    p.assign(c.begin(), c.begin() + i);
    p[i - 1] += suffix[i];
    // Q: the first i bins merged into `levels` bins, each spread evenly
    // over the non-empty bins it came from.
    q.assign(i, 0.0);
    size_t merged = i / levels;
    for (unsigned j = 0; j < levels; ++j) {
      size_t start = j * merged;
      size_t stop = j + 1 == levels ? i : start + merged;
      double sum = 0.0;
      size_t nonEmpty = 0;
      for (size_t k = start; k < stop; ++k) {
        sum += c[k];
        nonEmpty += c[k] != 0.0;
      }
      if (nonEmpty == 0)
        continue;
      for (size_t k = start; k < stop; ++k)
        if (c[k] != 0.0)
          q[k] = sum / double(nonEmpty);
    }
    double pSum = std::accumulate(p.begin(), p.end(), 0.0);
    double qSum = std::accumulate(q.begin(), q.end(), 0.0);
    if (pSum <= 0.0 || qSum <= 0.0)
      continue;
    double kl = 0.0;
    for (size_t k = 0; k < i; ++k) {
      if (p[k] == 0.0)
        continue;
      if (q[k] == 0.0) {
        kl = std::numeric_limits<double>::infinity();
        break;
      }
      double pk = p[k] / pSum, qk = q[k] / qSum;
      kl += pk * std::log(pk / qk);
    }
    if (kl <= bestKL) { // ties: the larger threshold
      bestKL = kl;
      bestI = i;
    }
  }
  return double(bestI) * width;
}

Range clipRange(Range data, double threshold) {
  Range r{std::max(data.min, -threshold), std::min(data.max, threshold)};
  if (r.min > r.max) // threshold on the other side of the data
    r.min = r.max = std::clamp(0.0, data.min, data.max);
  return r;
}

//===----------------------------------------------------------------------===//
// ValueObserver
//===----------------------------------------------------------------------===//

namespace {

/// The reservoir's generator seed: fixed, so samples are reproducible.
constexpr uint64_t kSampleSeed = 0x51466f7267655253ull; // "QForgeRS"

/// splitmix64 (Steele, Lea, Flood 2014): a full-period 64-bit generator
/// whose output is the same on every platform, unlike the standard
/// distributions, whose algorithms are implementation-defined.
uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

} // namespace

ValueObserver::ValueObserver(ObserverOptions options, bool collectXtx,
                             unsigned sampleRows)
    : options_(options), collectXtx_(collectXtx), sampleRows_(sampleRows),
      rngState_(kSampleSeed), hist_(options.bins) {}

llvm::Error ValueObserver::addBatch(const float *data, int64_t rows,
                                    int64_t channels) {
  if (channels_ >= 0 && channels != channels_)
    return llvm::createStringError(
        "the observed value had %lld channels (last dimension) before and "
        "now has %lld",
        (long long)channels_, (long long)channels);
  if (channels_ < 0) {
    channels_ = channels;
    absMax_.assign(channels, 0.0);
    absSum_.assign(channels, 0.0);
    if (collectXtx_)
      xtx_.assign(size_t(channels) * size_t(channels), 0.0);
    row_.assign(channels, 0.0);
    sample_.reserve(size_t(sampleRows_) * size_t(channels));
  }
  size_t count = size_t(rows) * size_t(channels);
  double bmin = std::numeric_limits<double>::infinity();
  double bmax = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < count; ++i) {
    float v = data[i];
    if (!std::isfinite(v)) {
      ++nonFinite_;
      continue;
    }
    bmin = std::min(bmin, double(v));
    bmax = std::max(bmax, double(v));
  }
  if (bmin <= bmax) {
    if (!anyFinite_) {
      min_ = bmin;
      max_ = bmax;
      emaMin_ = bmin;
      emaMax_ = bmax;
    } else {
      min_ = std::min(min_, bmin);
      max_ = std::max(max_, bmax);
      double m = options_.momentum;
      emaMin_ = m * emaMin_ + (1.0 - m) * bmin;
      emaMax_ = m * emaMax_ + (1.0 - m) * bmax;
    }
    anyFinite_ = true;
  }
  hist_.add(data, count);

  int64_t k = channels;
  for (int64_t r = 0; r < rows; ++r) {
    const float *in = data + size_t(r) * size_t(k);
    for (int64_t i = 0; i < k; ++i) {
      double v = std::isfinite(in[i]) ? double(in[i]) : 0.0;
      row_[i] = v;
      double a = std::fabs(v);
      absMax_[i] = std::max(absMax_[i], a);
      absSum_[i] += a;
    }
    if (sampleRows_ > 0) {
      // Algorithm R: the first R rows fill the reservoir; row i >= R then
      // replaces slot j = rand % (i + 1) when j < R, so every row seen so far
      // is in the sample with probability R / (i + 1). (The modulo bias of a
      // 64-bit draw is below (i + 1) / 2^64.)
      uint64_t seen = uint64_t(rows_) + uint64_t(r);
      float *slot = nullptr;
      if (seen < sampleRows_) {
        sample_.resize(sample_.size() + size_t(k));
        slot = sample_.data() + sample_.size() - size_t(k);
      } else {
        uint64_t j = splitmix64(rngState_) % (seen + 1);
        if (j < sampleRows_)
          slot = sample_.data() + size_t(j) * size_t(k);
      }
      if (slot)
        for (int64_t i = 0; i < k; ++i)
          slot[i] = float(row_[i]); // exact: a finite float, or 0
    }
    if (!collectXtx_)
      continue;
    for (int64_t i = 0; i < k; ++i) {
      double xi = row_[i];
      if (xi == 0.0)
        continue;
      double *acc = xtx_.data() + size_t(i) * size_t(k);
      for (int64_t j = i; j < k; ++j)
        acc[j] += xi * row_[j];
    }
  }
  rows_ += rows;
  ++batches_;
  return llvm::Error::success();
}

Range ValueObserver::chosenRange() const {
  Range data{min_, max_};
  switch (options_.kind) {
  case ObserverKind::MinMax:
    return data;
  case ObserverKind::EMA:
    return {emaMin_, emaMax_};
  case ObserverKind::Percentile:
    return clipRange(data, percentileThreshold(hist_, options_.percentile));
  case ObserverKind::MSE:
    return clipRange(data, mseThreshold(hist_));
  case ObserverKind::Entropy:
    return clipRange(data, entropyThreshold(hist_));
  }
  return data;
}

TensorStats ValueObserver::finalize() const {
  TensorStats s;
  Range r = chosenRange();
  s.min = float(r.min);
  s.max = float(r.max);
  s.channels = std::max<int64_t>(channels_, 0);
  s.count = rows_;
  s.absMax.resize(s.channels);
  s.absMean.resize(s.channels);
  for (int64_t i = 0; i < s.channels; ++i) {
    s.absMax[i] = float(absMax_[i]);
    s.absMean[i] = rows_ ? float(absSum_[i] / double(rows_)) : 0.0f;
  }
  if (collectXtx_ && s.channels > 0) {
    size_t k = size_t(s.channels);
    s.xtx.resize(k * k);
    for (size_t i = 0; i < k; ++i)
      for (size_t j = i; j < k; ++j) {
        float v = float(xtx_[i * k + j]);
        s.xtx[i * k + j] = v;
        s.xtx[j * k + i] = v;
      }
  }
  s.hist.assign(hist_.counts().begin(), hist_.counts().end());
  s.histLow = 0.0f;
  s.histHigh = float(hist_.upper());
  if (s.channels > 0)
    s.rows = sample_;
  return s;
}

} // namespace qforge::calib
