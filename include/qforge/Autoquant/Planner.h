//===- Planner.h - Choosing each layer's candidate --------------*- C++ -*-===//
//
// The decision of autoquant, without MLIR (the qf-autoquant pass extracts
// the layers from the IR and writes the answer back):
//   1. the guard (Guard.h) judges every candidate on every layer;
//   2. the roofline model orders the survivors best-first and prunes those
//      it predicts at least kPruneFactor times slower than the best;
//   3. each distinct (N, K, M buckets) shape is timed once for every
//      remaining candidate: cache hits first, the misses in one batch per
//      shape (the timer interleaves them), stored back in the cache;
//   4. per layer, the incumbent is the model's best; a challenger replaces
//      it only when it is at least `minGain` (5%) faster in the weighted
//      sum over the M buckets: noise between runs does not flip choices.
// A candidate that is not chosen says why: guard, pruned, no time (with
// the timer's reason), or slower.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_AUTOQUANT_PLANNER_H
#define QFORGE_AUTOQUANT_PLANNER_H

#include "qforge/Autoquant/Cache.h"
#include "qforge/Autoquant/Candidate.h"
#include "qforge/Autoquant/Guard.h"
#include "qforge/Autoquant/Measurement.h"
#include "qforge/Autoquant/Profile.h"

#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace qforge::autoquant {

/// A candidate is pruned when the model predicts it this many times slower
/// than the model's best eligible candidate for the shape.
constexpr double kPruneFactor = 4.0;

/// One matmul to plan.
struct Layer {
  std::string name;
  int64_t n = 0, k = 0;
  std::optional<int64_t> staticM; ///< rows when static, else the profile
  std::vector<float> w;           ///< [n, k]
  std::vector<float> x;           ///< [rows, k] recorded inputs, or empty
  int64_t rows = 0;
  float staticAbsMax = 0.0f;      ///< calibrated max |x| (a8w8-static)
};

struct CandidateEval {
  Candidate candidate;
  double sqnrDb = std::nan("");   ///< NaN: not judged
  double modelSeconds = 0.0;      ///< roofline, weighted over the buckets
  /// Its memory side alone: breaks ties of compute-bound candidates in
  /// favour of fewer bytes.
  double modelMemorySeconds = 0.0;
  std::vector<Measurement> times; ///< per bucket, when timed
  double seconds = 0.0;           ///< weighted over the buckets, when timed
  std::string excluded;           ///< why it cannot be chosen; empty if it can
  /// Excluded only by the roofline model's pruning (it passed the guard):
  /// still an alternative for --autoquant-max-error's reverts.
  bool pruned = false;
  bool timed() const { return !times.empty(); }
  /// Where its times came from ("measured", "model", "table"), with
  /// "(cached)" when every bucket was a cache hit.
  std::string sourceText() const;
};

struct LayerPlan {
  std::string layer;
  int64_t n = 0, k = 0;
  std::vector<MBucket> buckets;
  std::vector<CandidateEval> candidates;
  int chosen = -1;    ///< index into candidates; -1: left float
  std::string reason; ///< why the choice
  const CandidateEval *choice() const {
    return chosen < 0 ? nullptr : &candidates[chosen];
  }
};

struct PlannerOptions {
  std::vector<Candidate> candidates;
  std::vector<MBucket> profile; ///< for layers with a dynamic M
  double minSqnrDb = kDefaultMinSqnrDb;
  double minGain = 0.05;
  unsigned threads = 1;
  std::string target; ///< resolved target text, part of every key
  RooflineParams roofline;
  /// Seconds the timer may spend; once spent, the remaining shapes take
  /// the roofline model's times (`source: model`). 0: no limit.
  double budgetSeconds = 0.0;
  /// The clock the budget is measured with (seconds; default: steady).
  std::function<double()> now;
  /// "shape 3/7 n=4096 k=4096: 12 kernels" as timing goes.
  std::function<void(llvm::StringRef)> progress;
};

/// The weighted sum of per-bucket median times.
double weightedSeconds(const std::vector<Measurement> &times,
                       const std::vector<MBucket> &buckets);

/// Applies step 4 to a layer whose candidates are judged and timed: sets
/// chosen and reason.
void chooseCandidate(LayerPlan &plan, double minGain);

/// What planning cost: distinct shapes, and kernel times (one per shape,
/// candidate and M bucket) read from the cache or produced by a timer.
struct PlanStats {
  size_t shapes = 0, cacheHits = 0, timed = 0;
  /// Guard results (layer x candidate) the cache answered.
  size_t guardHits = 0;
};

/// Steps 1 to 4 for every layer. `cache` and `stats` may be null.
llvm::Expected<std::vector<LayerPlan>>
planLayers(const std::vector<Layer> &layers, const PlannerOptions &options,
           Timer &timer, Cache *cache, PlanStats *stats = nullptr);

/// The plan as a scheme file (qf-quantize's scheme-file, replayed
/// deterministically): one `LAYER SCHEME[+i8act] [KERNEL]` line per layer
/// (names escaped as globs that match only themselves), each after a
/// comment with the times, SQNR and source of its candidates. `header`
/// lines become leading comments.
std::string planToSchemeFile(const std::vector<LayerPlan> &plans,
                             const std::vector<std::string> &header);

/// `name` with glob metacharacters escaped.
std::string escapeGlob(llvm::StringRef name);

} // namespace qforge::autoquant

#endif
