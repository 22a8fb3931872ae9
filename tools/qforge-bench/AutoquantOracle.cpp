//===- AutoquantOracle.cpp - Autoquant's pick against exhaustive timing --===//

#include "AutoquantOracle.h"

#include "qforge/Autoquant/HarnessTimer.h"
#include "qforge/Autoquant/Planner.h"

#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <random>

using namespace qforge::autoquant;

namespace {

/// Serves the times of one earlier run.
class RecordedTimer : public Timer {
public:
  std::map<std::string, TimingResult> times;
  Source source() const override { return Source::Measured; }
  std::vector<TimingResult> time(llvm::ArrayRef<MeasureKey> keys) override {
    std::vector<TimingResult> out;
    for (const MeasureKey &k : keys) {
      auto it = times.find(k.str());
      TimingResult r;
      if (it == times.end())
        r.error = "not in the recorded run";
      else
        r = it->second;
      out.push_back(r);
    }
    return out;
  }
};

std::vector<float> gaussian(size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(count);
  for (float &x : v)
    x = dist(rng);
  return v;
}

} // namespace

int runAutoquantOracle(const std::vector<std::pair<int64_t, int64_t>> &shapes,
                       const std::vector<int64_t> &ms,
                       const std::vector<std::string> &schemes,
                       unsigned threads, unsigned rounds) {
  std::string list = "auto";
  for (size_t i = 0; i < schemes.size(); ++i)
    list += (i ? "," : ":") + schemes[i];
  llvm::Expected<std::vector<Candidate>> candidates =
      parseCandidates(list, cpuHasInt8ActivationKernel);
  if (!candidates) {
    llvm::errs() << "qforge-bench: " << llvm::toString(candidates.takeError())
                 << "\n";
    return 2;
  }
  std::printf("%6s %6s %5s  %-14s %-14s %10s %10s %7s %9s\n", "n", "k", "m",
              "pick", "oracle", "pick_us", "oracle_us", "ratio",
              "aq_s/shape");
  int misses = 0;
  for (auto [n, k] : shapes) {
    // One layer per M (static), the same weights and recorded rows.
    std::vector<Layer> layers;
    std::vector<float> w = gaussian(size_t(n * k), 1);
    std::vector<float> x = gaussian(size_t(64 * k), 2);
    for (int64_t m : ms) {
      Layer l;
      l.name = "m" + std::to_string(m);
      l.n = n;
      l.k = k;
      l.staticM = m;
      l.w = w;
      l.x = x;
      l.rows = 64;
      layers.push_back(std::move(l));
    }
    PlannerOptions options;
    options.candidates = *candidates;
    options.threads = threads;
    options.target = "host";
    std::vector<MeasureKey> keys;
    for (int64_t m : ms)
      for (const Candidate &c : options.candidates) {
        MeasureKey key{m, n, k, c.str()};
        key.threads = threads;
        key.target = options.target;
        keys.push_back(key);
      }
    HarnessTimerOptions h;
    h.threads = threads;
    h.rounds = rounds;
    h.keepCompiled = true; // run 2 re-times the kernels run 1 compiled
    std::unique_ptr<Timer> timer = createHarnessTimer(h);
    // Run 1: autoquant's measurement (every candidate, one interleaved
    // run, compiled once for all M), then its decision.
    auto t0 = std::chrono::steady_clock::now();
    RecordedTimer first, second;
    {
      std::vector<TimingResult> r = timer->time(keys);
      for (size_t i = 0; i < keys.size(); ++i)
        first.times[keys[i].str()] = r[i];
    }
    llvm::Expected<std::vector<LayerPlan>> plans =
        planLayers(layers, options, first, nullptr);
    double costPerShape =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
            .count() /
        double(ms.size());
    if (!plans) {
      llvm::errs() << "qforge-bench: " << llvm::toString(plans.takeError())
                   << "\n";
      return 1;
    }
    // Run 2: the oracle, a separate timing run of every candidate (the same
    // compiled kernels).
    {
      std::vector<TimingResult> r = timer->time(keys);
      for (size_t i = 0; i < keys.size(); ++i)
        second.times[keys[i].str()] = r[i];
    }
    for (const LayerPlan &plan : *plans) {
      int64_t m = plan.buckets.front().m;
      auto timeIn2 = [&](const Candidate &c) -> double {
        MeasureKey key{m, n, k, c.str()};
        key.threads = threads;
        key.target = options.target;
        const TimingResult &r = second.times[key.str()];
        return r.time ? r.time->median : INFINITY;
      };
      // The oracle: the fastest in run 2 among those passing the guard.
      const CandidateEval *best = nullptr;
      for (const CandidateEval &c : plan.candidates) {
        bool guarded = !std::isnan(c.sqnrDb) && c.sqnrDb >= options.minSqnrDb;
        if (guarded && std::isfinite(timeIn2(c.candidate)) &&
            (!best || timeIn2(c.candidate) < timeIn2(best->candidate)))
          best = &c;
      }
      const CandidateEval *pick = plan.choice();
      if (!pick || !best) {
        std::printf("%6lld %6lld %5lld  no pick (%s)\n", (long long)n,
                    (long long)k, (long long)m, plan.reason.c_str());
        ++misses;
        continue;
      }
      double ratio = timeIn2(pick->candidate) / timeIn2(best->candidate);
      misses += ratio > 1.05;
      std::printf("%6lld %6lld %5lld  %-14s %-14s %10.1f %10.1f %7.3f %9.1f\n",
                  (long long)n, (long long)k, (long long)m,
                  pick->candidate.str().c_str(),
                  best->candidate.str().c_str(),
                  timeIn2(pick->candidate) * 1e6,
                  timeIn2(best->candidate) * 1e6, ratio, costPerShape);
      std::fflush(stdout);
    }
  }
  std::printf("cases over 5%% from the oracle: %d\n", misses);
  return 0;
}
