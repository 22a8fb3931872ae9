//===- Statistics.h - Streaming statistics of observed values ---*- C++ -*-===//
//
// What calibration records about one observed value (a `qf.observe` id),
// in memory that does not grow with the number of samples:
//   - the running min / max of all finite elements, and an exponential
//     moving average of each batch's min / max;
//   - a histogram of |x| (2048 bins by default) over [0, upper]; when a
//     larger |x| arrives, `upper` doubles and pairs of bins merge, so counts
//     are never redistributed approximately;
//   - per channel (the last dimension, K): max |x| and sum |x|;
//   - optionally X^T X (K x K, accumulated in double) over all rows;
//   - optionally a uniform sample of at most R rows (R x K floats), kept by
//     reservoir sampling (algorithm R) with a fixed-seed generator, so the
//     same data give the same sample on every run and platform.
// A "batch" is one call of the observer: a tensor seen as rows x K.
//
// The range choice functions turn these into the [min, max] that static
// quantization should use. percentile / mse / entropy choose a threshold T
// on |x| from the histogram and clip the data range to [-T, T]:
//   range = [max(min, -T), min(max, T)].
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_CALIBRATION_STATISTICS_H
#define QFORGE_CALIBRATION_STATISTICS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qforge::calib {

/// How the stored [min, max] of a value is chosen.
enum class ObserverKind { MinMax, EMA, Percentile, MSE, Entropy };

/// "minmax", "ema", "percentile", "mse", "entropy".
std::optional<ObserverKind> parseObserverKind(llvm::StringRef name);
llvm::StringRef observerKindName(ObserverKind kind);

struct Range {
  double min = 0.0, max = 0.0;
};

/// Histogram of |x| over [0, upper()) with a fixed, even number of bins.
/// Bin i holds |x| in [i * w, (i + 1) * w), w = upper / bins. `upper` starts
/// at the float just above the first non-zero max |x| and doubles (merging
/// bin pairs, exactly) whenever a value reaches it, so it is a float and at
/// most twice max |x|. Non-finite values are ignored by `add`.
class AbsHistogram {
public:
  explicit AbsHistogram(unsigned bins = 2048);

  void add(const float *values, size_t count);
  /// Grows the range (doubling) until `absValue` lies below it.
  void ensureCovers(double absValue);

  unsigned numBins() const { return unsigned(counts_.size()); }
  double upper() const { return upper_; }
  double binWidth() const { return upper_ / counts_.size(); }
  const std::vector<double> &counts() const { return counts_; }
  double total() const;

  /// A histogram with these counts over [0, upper] (e.g. read from a file).
  static AbsHistogram fromCounts(std::vector<double> counts, double upper);

private:
  std::vector<double> counts_;
  double upper_ = 0.0; ///< 0 until a non-zero value is seen
};

/// Threshold T on |x| below which `percentile` percent of the histogram's
/// mass lies (linear interpolation inside the bin).
double percentileThreshold(const AbsHistogram &hist, double percentile);
/// T minimising the expected squared error of symmetric uniform
/// quantization with `levels` positive levels (127 for int8): values below
/// T cost step^2 / 12 (step = T / levels), values beyond cost (|x| - T)^2.
double mseThreshold(const AbsHistogram &hist, unsigned levels = 127);
/// T minimising KL(P || Q) between the clipped histogram P and its
/// quantization Q to `levels` bins (TensorRT's entropy calibration).
double entropyThreshold(const AbsHistogram &hist, unsigned levels = 128);

/// [max(data.min, -T), min(data.max, T)].
Range clipRange(Range data, double threshold);

struct ObserverOptions {
  ObserverKind kind = ObserverKind::MinMax;
  double momentum = 0.9;      ///< EMA: r = momentum * r + (1 - momentum) * batch
  double percentile = 99.99;  ///< Percentile: in (0, 100]
  unsigned bins = 2048;       ///< histogram bins (even)
};

/// Rows of each matmul input (ids "*.input") kept as a uniform sample, for
/// error estimates that need real activations (e.g. int8 activation
/// rounding, which X^T X cannot give).
inline constexpr unsigned kSampleRows = 64;

/// What a stats file holds for one observed value (see StatsFile.h).
struct TensorStats {
  float min = 0.0f, max = 0.0f;  ///< the chosen range under the observer
  int64_t channels = 0;          ///< K, the size of the last dimension
  std::vector<float> absMax;     ///< [K] max |x| per channel
  std::vector<float> absMean;    ///< [K] mean |x| per channel over rows
  std::vector<float> xtx;        ///< [K * K] row-major X^T X, or empty
  std::vector<float> hist;       ///< histogram of |x|
  float histLow = 0.0f, histHigh = 0.0f; ///< its range: [0, upper]
  int64_t count = 0;             ///< rows (vectors of K) observed
  std::vector<float> rows; ///< [sampleRows, K] a uniform sample of the observed rows, or empty

  bool hasXtx() const { return !xtx.empty(); }
  bool hasRows() const { return !rows.empty(); }
  /// The number of sampled rows (rows.size() / K).
  int64_t sampleRows() const {
    return channels > 0 ? int64_t(rows.size()) / channels : 0;
  }
};

/// Accumulates the statistics of one observed value.
class ValueObserver {
public:
  /// With `sampleRows` > 0, also keeps a uniform sample of at most that many
  /// observed rows (reservoir sampling; deterministic: a fixed-seed
  /// generator, so the same batches give the same sample everywhere).
  ValueObserver(ObserverOptions options, bool collectXtx,
                unsigned sampleRows = 0);

  /// Adds one batch: `rows` rows of `channels` contiguous floats.
  /// Fails if the number of channels differs from earlier batches.
  /// Non-finite elements are skipped by min/max and the histogram and count
  /// as 0 in the per-channel statistics, X^T X and the sampled rows.
  llvm::Error addBatch(const float *data, int64_t rows, int64_t channels);

  /// The range under the observer kind (min/max of the data until then).
  Range chosenRange() const;
  TensorStats finalize() const;

  int64_t rows() const { return rows_; }
  int64_t channels() const { return channels_; }
  int64_t nonFinite() const { return nonFinite_; }
  bool empty() const { return rows_ == 0; }
  Range dataRange() const { return {min_, max_}; }
  Range emaRange() const { return {emaMin_, emaMax_}; }
  const AbsHistogram &histogram() const { return hist_; }
  /// The sampled rows so far, [min(rows(), sampleRows), K] row-major.
  const std::vector<float> &sampledRows() const { return sample_; }

private:
  ObserverOptions options_;
  bool collectXtx_;
  unsigned sampleRows_;
  uint64_t rngState_; ///< splitmix64 state of the reservoir sampling
  int64_t rows_ = 0, channels_ = -1, nonFinite_ = 0, batches_ = 0;
  bool anyFinite_ = false;
  double min_ = 0.0, max_ = 0.0, emaMin_ = 0.0, emaMax_ = 0.0;
  AbsHistogram hist_;
  std::vector<double> absMax_, absSum_, xtx_;
  std::vector<float> sample_; ///< [<= sampleRows_, K] the reservoir
  std::vector<double> row_; ///< scratch
};

} // namespace qforge::calib

#endif
