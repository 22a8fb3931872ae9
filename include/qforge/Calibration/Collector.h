//===- Collector.h - Observers' values into statistics and errors -*- C++ -*-===//
//
// An ObserveSink that feeds every observed value into a ValueObserver
// (statistics for a stats file) and/or keeps a copy of the last run's values
// (to compare two models layer by layer with ErrorAccumulator).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_CALIBRATION_COLLECTOR_H
#define QFORGE_CALIBRATION_COLLECTOR_H

#include "qforge/Formats/Npy.h"
#include "qforge/Calibration/Runner.h"
#include "qforge/Calibration/Statistics.h"

#include <cmath>
#include <optional>
#include <string>
#include <vector>

namespace qforge::calib {

/// Feeds observers' values into statistics (and optionally keeps copies).
class Collector : public ObserveSink {
public:
  Collector(const std::vector<std::string> &ids,
            std::optional<ObserverOptions> stats, bool capture)
      : ids(ids), captured(ids.size()) {
    // Matmul inputs ("*.input") also get X^T X and a sample of their rows.
    if (stats)
      for (const std::string &id : ids) {
        bool input = llvm::StringRef(id).ends_with(".input");
        observers.emplace_back(*stats, input, input ? kSampleRows : 0u);
      }
    this->capture = capture;
  }

  llvm::Error observe(unsigned index, const float *data, int64_t rows,
                      int64_t channels, llvm::ArrayRef<int64_t> shape) override {
    if (!observers.empty())
      if (llvm::Error err = observers[index].addBatch(data, rows, channels))
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "observer '" + ids[index] + "': " +
                                           llvm::toString(std::move(err)));
    if (capture)
      captured[index].insert(captured[index].end(), data,
                             data + size_t(rows) * size_t(channels));
    return llvm::Error::success();
  }

  void clearCaptured() {
    for (auto &c : captured)
      c.clear();
  }

  const std::vector<std::string> &ids;
  std::vector<ValueObserver> observers;
  std::vector<std::vector<float>> captured;
  bool capture = false;
};

/// Squared error and squared reference, accumulated in double.
struct ErrorAccumulator {
  double err = 0.0, ref = 0.0;
  void add(const double *y, const double *q, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      double d = y[i] - q[i];
      err += d * d;
      ref += y[i] * y[i];
    }
  }
  void add(const float *y, const float *q, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      double d = double(y[i]) - double(q[i]);
      err += d * d;
      ref += double(y[i]) * double(y[i]);
    }
  }
  double relError() const { return std::sqrt(err / ref); }
  double sqnrDb() const { return 10.0 * std::log10(ref / err); }
};

/// The elements of `a` as doubles, whatever its dtype.
std::vector<double> toDoubles(const formats::NpyArray &a);

} // namespace qforge::calib

#endif
