//===- Planner.cpp - Guard, prune, time, choose --------------------------===//

#include "qforge/Autoquant/Planner.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Parallel.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <numeric>

namespace qforge::autoquant {
namespace {

std::string us(double seconds) {
  return llvm::formatv("{0:f1} us", seconds * 1e6).str();
}

std::string db(double v) {
  if (std::isinf(v))
    return "exact";
  return llvm::formatv("{0:f1} dB", v).str();
}

/// Layers that share N, K and M buckets are timed once.
std::string shapeId(const LayerPlan &p) {
  std::string id = std::to_string(p.n) + "x" + std::to_string(p.k) + ":";
  for (const MBucket &b : p.buckets)
    id += std::to_string(b.m) + ",";
  return id;
}

} // namespace

std::string CandidateEval::sourceText() const {
  if (times.empty())
    return "";
  std::string s = sourceName(times.front().source).str();
  if (llvm::all_of(times, [](const Measurement &m) { return m.cacheHit; }))
    s += " (cached)";
  return s;
}

double weightedSeconds(const std::vector<Measurement> &times,
                       const std::vector<MBucket> &buckets) {
  double total = 0.0;
  for (size_t i = 0; i < times.size() && i < buckets.size(); ++i)
    total += times[i].median * buckets[i].weight;
  return total;
}

void chooseCandidate(LayerPlan &plan, double minGain) {
  // Eligible candidates, best model time first (ties: fewer bytes, then
  // list order).
  std::vector<int> order;
  for (int i = 0, e = int(plan.candidates.size()); i < e; ++i)
    if (plan.candidates[i].excluded.empty() && plan.candidates[i].timed())
      order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const CandidateEval &x = plan.candidates[a], &y = plan.candidates[b];
    if (x.modelSeconds != y.modelSeconds)
      return x.modelSeconds < y.modelSeconds;
    return x.modelMemorySeconds < y.modelMemorySeconds;
  });
  plan.chosen = -1;
  if (order.empty()) {
    plan.reason = "no candidate passed the guard and was timed: left float";
    return;
  }
  int incumbent = order.front();
  for (int challenger : llvm::drop_begin(order)) {
    const CandidateEval &inc = plan.candidates[incumbent];
    const CandidateEval &ch = plan.candidates[challenger];
    if (ch.seconds <= inc.seconds * (1.0 - minGain))
      incumbent = challenger;
  }
  plan.chosen = incumbent;
  const CandidateEval &win = plan.candidates[incumbent];
  plan.reason = "fastest passing the guard (" + us(win.seconds) + ")";
  for (int i : order) {
    CandidateEval &c = plan.candidates[i];
    if (i == incumbent)
      continue;
    if (c.seconds < win.seconds)
      plan.reason += "; " + c.candidate.str() + " " + us(c.seconds) +
                     " is less than " +
                     llvm::formatv("{0:f0}", minGain * 100).str() +
                     "% faster than the incumbent";
  }
}

llvm::Expected<std::vector<LayerPlan>>
planLayers(const std::vector<Layer> &layers, const PlannerOptions &options,
           Timer &timer, Cache *cache, PlanStats *stats) {
  PlanStats counted;
  RooflineTimer model(options.roofline);
  std::vector<LayerPlan> plans;
  auto now = options.now ? options.now : [] {
    return std::chrono::duration<double>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  double guardStart = now();
  // 1. Guard, and the model's costs.
  std::vector<GuardInput> guardInputs;              // per layer
  std::vector<std::pair<size_t, size_t>> guarded;   // (layer, candidate)
  for (const Layer &layer : layers) {
    LayerPlan plan;
    plan.layer = layer.name;
    plan.n = layer.n;
    plan.k = layer.k;
    plan.buckets = layer.staticM
                       ? std::vector<MBucket>{MBucket{*layer.staticM, 1.0}}
                       : options.profile;
    GuardInput in;
    in.w = layer.w.data();
    in.n = layer.n;
    in.k = layer.k;
    if (!layer.x.empty()) {
      in.x = layer.x.data();
      in.rows = layer.rows;
    }
    in.staticAbsMax = layer.staticAbsMax;
    guardInputs.push_back(in);
    for (const Candidate &c : options.candidates) {
      CandidateEval eval;
      eval.candidate = c;
      for (const MBucket &b : plan.buckets) {
        MeasureKey key{b.m, layer.n, layer.k, c.str()};
        llvm::Expected<RooflineTimer::Cost> cost = model.cost(key);
        if (!cost)
          return cost.takeError();
        eval.modelSeconds += cost->seconds() * b.weight;
        eval.modelMemorySeconds += cost->memorySeconds * b.weight;
      }
      if (c.quantizesActivations() && layer.x.empty()) {
        eval.excluded = "rounds activations: needs calibration data (--calib "
                        "or stats with recorded rows)";
      } else if (c.scheme.activation == quant::ActivationMode::Static &&
                 !(layer.staticAbsMax > 0.0f)) {
        eval.excluded = "static activation scale: needs the calibrated range";
      } else {
        guarded.push_back({plans.size(), plan.candidates.size()});
      }
      plan.candidates.push_back(std::move(eval));
    }
    plans.push_back(std::move(plan));
  }
  auto judge = [&](CandidateEval &eval, double sqnr) {
    eval.sqnrDb = sqnr;
    if (!(sqnr >= options.minSqnrDb))
      eval.excluded = "SQNR " + db(sqnr) + " is below the budget of " +
                      db(options.minSqnrDb);
  };
  // A warm cache answers the guard by the layers' content hashes.
  std::vector<std::string> contentHashes;
  std::vector<std::pair<size_t, size_t>> evaluate;
  if (cache) {
    contentHashes.resize(layers.size());
    llvm::parallelFor(0, layers.size(), [&](size_t p) {
      contentHashes[p] = guardContentHash(guardInputs[p]);
    });
  }
  for (auto [p, c] : guarded) {
    CandidateEval &eval = plans[p].candidates[c];
    std::optional<double> cached;
    if (cache)
      cached =
          cache->lookupGuard(guardKey(contentHashes[p], eval.candidate));
    if (cached) {
      judge(eval, *cached);
      ++counted.guardHits;
    } else {
      evaluate.push_back({p, c});
    }
  }
  // The guard's evaluations are independent: all of them at once, on every
  // core (each is a quantization and two small matmuls).
  llvm::parallelFor(0, evaluate.size(), [&](size_t i) {
    auto [p, c] = evaluate[i];
    CandidateEval &eval = plans[p].candidates[c];
    llvm::Expected<double> sqnr = guardSqnrDb(eval.candidate, guardInputs[p]);
    if (!sqnr)
      eval.excluded = llvm::toString(sqnr.takeError());
    else
      judge(eval, *sqnr);
  });
  if (cache)
    for (auto [p, c] : evaluate) {
      const CandidateEval &eval = plans[p].candidates[c];
      if (!std::isnan(eval.sqnrDb))
        if (llvm::Error e = cache->storeGuard(
                guardKey(contentHashes[p], eval.candidate), eval.sqnrDb))
          return std::move(e);
    }

  if (options.progress)
    options.progress(llvm::formatv("guard: {0} layers x {1} candidates in "
                                   "{2:f1} s ({3} from the cache)",
                                   layers.size(), options.candidates.size(),
                                   now() - guardStart, counted.guardHits)
                         .str());

  // 2. Prune by the model, per layer.
  for (LayerPlan &plan : plans) {
    double best = INFINITY;
    for (const CandidateEval &c : plan.candidates)
      if (c.excluded.empty())
        best = std::min(best, c.modelSeconds);
    for (CandidateEval &c : plan.candidates)
      if (c.excluded.empty() && c.modelSeconds > best * kPruneFactor) {
        c.pruned = true;
        c.excluded = "pruned: the roofline model predicts " +
                     us(c.modelSeconds) + ", over " +
                     llvm::formatv("{0:f0}", kPruneFactor).str() +
                     "x its best candidate's " + us(best);
      }
  }

  // 3. Time each distinct shape's surviving candidates once.
  std::map<std::string, std::vector<size_t>> shapes; // id -> plan indices
  std::vector<std::string> shapeOrder;
  for (size_t i = 0; i < plans.size(); ++i) {
    std::string id = shapeId(plans[i]);
    if (!shapes.count(id))
      shapeOrder.push_back(id);
    shapes[id].push_back(i);
  }
  double start = now();
  bool overBudget = false;
  for (auto [shapeIndex, id] : llvm::enumerate(shapeOrder)) {
    const std::vector<size_t> &members = shapes[id];
    const LayerPlan &first = plans[members.front()];
    // Candidates eligible in any layer of the shape.
    std::vector<size_t> wanted;
    for (size_t c = 0; c < options.candidates.size(); ++c)
      if (llvm::any_of(members, [&](size_t p) {
            return plans[p].candidates[c].excluded.empty();
          }))
        wanted.push_back(c);
    std::vector<MeasureKey> keys;
    std::vector<std::pair<size_t, size_t>> where; // (candidate, bucket)
    for (size_t c : wanted)
      for (size_t b = 0; b < first.buckets.size(); ++b) {
        MeasureKey key{first.buckets[b].m, first.n, first.k,
                       options.candidates[c].str()};
        key.threads = options.threads;
        key.target = options.target;
        keys.push_back(key);
        where.push_back({c, b});
      }
    std::vector<std::optional<Measurement>> found(keys.size());
    std::vector<std::string> errors(keys.size());
    std::vector<MeasureKey> misses;
    std::vector<size_t> missIndex;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (cache)
        found[i] = cache->lookup(keys[i].str());
      if (!found[i]) {
        misses.push_back(keys[i]);
        missIndex.push_back(i);
      }
    }
    counted.cacheHits += keys.size() - misses.size();
    counted.timed += misses.size();
    if (options.progress) {
      // Time left: the shapes so far at their average pace.
      double elapsed = now() - start;
      std::string left;
      if (shapeIndex > 0 && elapsed >= 1.0)
        left = llvm::formatv("; about {0:f0} s left",
                             elapsed / shapeIndex *
                                 (shapeOrder.size() - shapeIndex))
                   .str();
      options.progress(llvm::formatv("shape {0}/{1} n={2} k={3}: {4} kernels, "
                                     "{5} cached{6}",
                                     shapeIndex + 1, shapeOrder.size(), first.n,
                                     first.k, keys.size(),
                                     keys.size() - misses.size(), left)
                           .str());
    }
    if (!overBudget && options.budgetSeconds > 0 &&
        now() - start >= options.budgetSeconds) {
      overBudget = true;
      if (options.progress)
        options.progress("time budget spent: the remaining shapes take the "
                         "roofline model's times (source: model)");
    }
    if (!misses.empty()) {
      Timer &use = overBudget ? static_cast<Timer &>(model) : timer;
      std::vector<TimingResult> results = use.time(misses);
      for (size_t j = 0; j < misses.size(); ++j) {
        size_t i = missIndex[j];
        if (j < results.size() && results[j].time) {
          found[i] = results[j].time;
          if (cache)
            if (llvm::Error e = cache->store(keys[i].str(), *found[i]))
              return std::move(e);
        } else {
          errors[i] = j < results.size() ? results[j].error
                                         : std::string("the timer gave no result");
        }
      }
    }
    // Give every member layer the shape's times.
    for (size_t p : members) {
      LayerPlan &plan = plans[p];
      for (size_t i = 0; i < keys.size(); ++i) {
        CandidateEval &eval = plan.candidates[where[i].first];
        if (!eval.excluded.empty())
          continue;
        if (!found[i]) {
          eval.excluded = "no time: " + errors[i];
          eval.times.clear();
          continue;
        }
        eval.times.resize(plan.buckets.size());
        eval.times[where[i].second] = *found[i];
      }
      for (CandidateEval &eval : plan.candidates)
        if (eval.excluded.empty() && eval.timed())
          eval.seconds = weightedSeconds(eval.times, plan.buckets);
    }
  }

  // 4. Choose.
  for (LayerPlan &plan : plans)
    chooseCandidate(plan, options.minGain);
  counted.shapes = shapeOrder.size();
  if (stats)
    *stats = counted;
  return plans;
}

std::string escapeGlob(llvm::StringRef name) {
  std::string out;
  for (char c : name) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' ||
        c == '{' || c == '}')
      out += '\\';
    out += c;
  }
  return out;
}

std::string planToSchemeFile(const std::vector<LayerPlan> &plans,
                             const std::vector<std::string> &header) {
  std::string out;
  for (const std::string &h : header)
    out += "# " + h + "\n";
  for (const LayerPlan &plan : plans) {
    out += "\n# " + plan.layer + " [" + std::to_string(plan.n) + " x " +
           std::to_string(plan.k) + "], M " + profileString(plan.buckets) +
           ": " + plan.reason + "\n";
    for (const CandidateEval &c : plan.candidates) {
      out += "#   " + c.candidate.str() + ": ";
      if (!std::isnan(c.sqnrDb))
        out += "SQNR " + db(c.sqnrDb) + ", ";
      if (c.timed())
        out += us(c.seconds) + " " + c.sourceText() + ", ";
      out += "model " + us(c.modelSeconds);
      if (!c.excluded.empty())
        out += "; excluded: " + c.excluded;
      out += "\n";
    }
    const CandidateEval *choice = plan.choice();
    std::string line = escapeGlob(plan.layer) + " " +
                       (choice ? choice->candidate.str() : std::string("f32"));
    if (choice && !choice->times.empty() && !choice->times.front().kernel.empty())
      line += " " + choice->times.front().kernel;
    out += line + "\n";
  }
  return out;
}

} // namespace qforge::autoquant
