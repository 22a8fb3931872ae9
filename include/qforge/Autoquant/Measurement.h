//===- Measurement.h - What autoquant times, and how ------------*- C++ -*-===//
//
// Autoquant chooses a matmul's scheme by the time of the kernel the compiler
// generates for it. One timing is identified by a MeasureKey (M bucket, N,
// K, candidate, kernel policy, epilogue, threads, resolved target) and
// produced by a Timer: the benchmark harness on this machine
// (HarnessTimer.h), the roofline model (stands in where nothing can be run:
// a cross target, a GPU target without a device) or a table read from a
// cost file (deterministic tests). Every number says where it came from.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_AUTOQUANT_MEASUREMENT_H
#define QFORGE_AUTOQUANT_MEASUREMENT_H

#include "qforge/Quant/Scheme.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qforge::autoquant {

/// One kernel to time.
struct MeasureKey {
  int64_t m = 1, n = 1, k = 1;
  std::string candidate; ///< Candidate::str(): "w4g128", "w4g128+i8act"
  /// The kernel config: "select" for what qf-cpu-select-kernels chooses
  /// (deterministic for one compiler identity and target), else a
  /// `#qf.cpu_kernel<...>` text.
  std::string kernel = "select";
  std::string epilogue = "none";
  unsigned threads = 1;
  std::string target; ///< the resolved #qf.target text

  /// One line, the cache's key: "m=1 n=64 k=64 cand=w8 kernel=select
  /// epilogue=none threads=1 target=x86_64:znver3+avx2".
  std::string str() const;
};

/// Where a time came from.
enum class Source { Measured, Model, Table };
llvm::StringRef sourceName(Source source); ///< "measured", "model", "table"
std::optional<Source> parseSource(llvm::StringRef name);

/// Seconds per call of one kernel: the median of the rounds and the 20th and
/// 80th percentiles.
struct Measurement {
  double median = 0.0, p20 = 0.0, p80 = 0.0;
  unsigned rounds = 0;
  Source source = Source::Measured;
  /// The #qf.cpu_kernel text the timed code ran ("" for the model and
  /// tables).
  std::string kernel;
  bool cacheHit = false; ///< read from the persistent cache

  /// Finite, positive and ordered p20 <= median <= p80.
  bool isValid() const;
};

/// The answer for one key: a measurement, or why there is none (the
/// candidate does not compile or cannot run the shape).
struct TimingResult {
  std::optional<Measurement> time;
  std::string error;
};

class Timer {
public:
  virtual ~Timer();
  /// "measured", "model" or "table": what the report says.
  virtual Source source() const = 0;
  /// Times every key (a measuring timer compiles them all first, then runs
  /// them interleaved, so that drift in the machine's bandwidth hits every
  /// candidate alike). One result per key, in order.
  virtual std::vector<TimingResult> time(llvm::ArrayRef<MeasureKey> keys) = 0;
};

/// The roofline model: a kernel takes max(bytes / bandwidth, flops /
/// peak), with the weight bytes of the candidate's storage (codes, scales,
/// zero points) plus the activations and output, and the peak of the
/// kernel's arithmetic (f32 FMA, or int8 dot products). The machine's
/// numbers are parameters, measured by the caller on a host target.
struct RooflineParams {
  double bandwidthBytesPerSecond = 20e9;
  double f32FlopsPerSecond = 100e9;
  double int8OpsPerSecond = 200e9;
};
class RooflineTimer : public Timer {
public:
  explicit RooflineTimer(RooflineParams params) : params(params) {}
  Source source() const override { return Source::Model; }
  std::vector<TimingResult> time(llvm::ArrayRef<MeasureKey> keys) override;
  struct Cost {
    double memorySeconds = 0.0, computeSeconds = 0.0;
    double seconds() const {
      return memorySeconds > computeSeconds ? memorySeconds : computeSeconds;
    }
  };
  /// Both sides of the roofline for one key; an error for an unknown
  /// candidate.
  llvm::Expected<Cost> cost(const MeasureKey &key) const;
  /// The model's seconds for one key: the larger side.
  llvm::Expected<double> seconds(const MeasureKey &key) const;

private:
  RooflineParams params;
};

/// Times read from a cost file, for deterministic tests: one entry per line,
/// `CANDIDATE M N K MICROSECONDS` (`#` comments); an entry with N = K = 0
/// applies to every shape of its candidate and M. A key with no entry is
/// excluded with "no entry in the cost table". Threads and target are not
/// part of a table's keys.
class TableTimer : public Timer {
public:
  static llvm::Expected<std::unique_ptr<TableTimer>>
  fromFile(llvm::StringRef path);
  static llvm::Expected<std::unique_ptr<TableTimer>>
  fromText(llvm::StringRef text, llvm::StringRef what);
  Source source() const override { return Source::Table; }
  std::vector<TimingResult> time(llvm::ArrayRef<MeasureKey> keys) override;

private:
  struct Entry {
    std::string candidate;
    int64_t m, n, k;
    double seconds;
  };
  std::vector<Entry> entries;
};

/// median / p20 / p80 of `samples` (non-empty), linear interpolation.
Measurement summarize(std::vector<double> samples, Source source);

} // namespace qforge::autoquant

#endif
