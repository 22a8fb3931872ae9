//===- Revert.cpp - Greedy reverts under an output-error budget ----------===//

#include "qforge/Autoquant/Revert.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

namespace qforge::autoquant {
namespace {

/// The guard's relative noise power: 0 for an exact candidate (f32).
double noiseOf(const CandidateEval &c) { return std::pow(10.0, -c.sqnrDb / 10.0); }

/// A candidate the guard admitted: judged, at or over the budget, and not
/// excluded for anything but the roofline model's pruning.
bool admitted(const CandidateEval &c) {
  return !std::isnan(c.sqnrDb) && (c.excluded.empty() ? c.timed() : c.pruned);
}

/// The layer time of `c`: measured, or the model's scaled by how the
/// layer's chosen candidate measured against its model time.
double timeOf(const CandidateEval &c, const CandidateEval &chosen) {
  if (c.timed())
    return c.seconds;
  double scale = chosen.timed() && chosen.modelSeconds > 0
                     ? chosen.seconds / chosen.modelSeconds
                     : 1.0;
  return c.modelSeconds * scale;
}

} // namespace

std::optional<Revert> revertWorstLayer(std::vector<LayerPlan> &plans,
                                       double outputError) {
  LayerPlan *bestLayer = nullptr;
  int bestAlternative = -1;
  double bestScore = -1.0;
  for (LayerPlan &plan : plans) {
    const CandidateEval *current = plan.choice();
    if (!current || std::isnan(current->sqnrDb))
      continue;
    double now = timeOf(*current, *current);
    for (int i = 0, e = int(plan.candidates.size()); i < e; ++i) {
      const CandidateEval &alt = plan.candidates[i];
      if (i == plan.chosen || !admitted(alt) || !(alt.sqnrDb > current->sqnrDb))
        continue;
      double gained = noiseOf(*current) - noiseOf(alt);
      // An alternative no slower than the choice (kept out only by the 5%
      // rule) costs nothing: it comes first.
      double cost = timeOf(alt, *current) - now;
      double score = cost <= 0 ? std::numeric_limits<double>::infinity()
                               : gained / cost;
      if (score > bestScore) {
        bestScore = score;
        bestLayer = &plan;
        bestAlternative = i;
      }
    }
  }
  if (!bestLayer)
    return std::nullopt;
  Revert step;
  step.layer = bestLayer->layer;
  step.from = bestLayer->choice()->candidate.str();
  CandidateEval &alt = bestLayer->candidates[bestAlternative];
  step.to = alt.candidate.str();
  step.outputError = outputError;
  std::string estimated =
      alt.timed() ? std::string()
                  : " (its time is the roofline model's: it had been pruned)";
  alt.excluded.clear();
  alt.pruned = false;
  bestLayer->chosen = bestAlternative;
  bestLayer->reason =
      llvm::formatv("reverted from {0} by --autoquant-max-error (the plan's "
                    "output error was {1}){2}",
                    step.from, llvm::format("%.3g", outputError), estimated)
          .str();
  return step;
}

} // namespace qforge::autoquant
