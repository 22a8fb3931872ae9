//===- Revert.h - Greedy reverts under an output-error budget ---*- C++ -*-===//
//
// --autoquant-max-error: the per-layer guard bounds each layer's own noise,
// but errors add up through the model. When the whole plan's output error
// on the calibration samples is over the budget, the driver reverts one
// layer at a time to a more accurate candidate, and measures again. Which
// layer: the one whose current choice costs the most accuracy per second
// it saves, i.e. the largest
//
//     (noise(current) - noise(alternative)) / (time(alternative) - time(current))
//
// over every layer and every more accurate alternative, where noise is the
// guard's relative noise power 10^(-SQNR/10) and time the layer's measured
// (weighted) time. An alternative is a candidate the guard admitted with a
// higher SQNR: an eligible one, or one the roofline model pruned (its time
// is then the model's, scaled by the layer's measured/model ratio).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_AUTOQUANT_REVERT_H
#define QFORGE_AUTOQUANT_REVERT_H

#include "qforge/Autoquant/Planner.h"

#include <optional>
#include <string>
#include <vector>

namespace qforge::autoquant {

/// One step of the search, as the report lists it.
struct Revert {
  std::string layer;
  std::string from, to;      ///< candidates
  double outputError = 0.0;  ///< the plan's output error before the step
};

/// Moves the `chosen` of the layer to revert next (see above) to its
/// alternative and updates its reason; returns the step (outputError
/// filled from `outputError`), or nullopt when no layer has a more
/// accurate alternative.
std::optional<Revert> revertWorstLayer(std::vector<LayerPlan> &plans,
                                       double outputError);

} // namespace qforge::autoquant

#endif
