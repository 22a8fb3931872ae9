//===- RevertTest.cpp - --autoquant-max-error's greedy step --------------===//
//
// Plans built by hand: which layer is reverted, to what, and when nothing
// is left to revert.
//
//===----------------------------------------------------------------------===//

#include "qforge/Autoquant/Revert.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace qforge::autoquant;

namespace {

CandidateEval eval(const char *text, double sqnrDb, double seconds,
                   double modelSeconds = 1e-6) {
  CandidateEval c;
  c.candidate = llvm::cantFail(Candidate::parse(text));
  c.sqnrDb = sqnrDb;
  c.modelSeconds = modelSeconds;
  if (seconds > 0) {
    Measurement m;
    m.median = seconds;
    c.times = {m};
    c.seconds = seconds;
  }
  return c;
}

/// A layer whose candidates are w4g32 (chosen), w8 and f32.
LayerPlan layer(const char *name, double w4Sqnr, double w4Seconds,
                double w8Seconds, double f32Seconds) {
  LayerPlan p;
  p.layer = name;
  p.candidates = {eval("w4g32", w4Sqnr, w4Seconds), eval("w8", 40.0, w8Seconds),
                  eval("f32", INFINITY, f32Seconds)};
  p.chosen = 0;
  return p;
}

} // namespace

TEST(Revert, MostNoisePerSecondFirst) {
  // a: 20 dB noise 0.01, w8 (40 dB, 1e-4) costs 5 us more: 1.98e3 per s.
  // b: 25 dB noise 0.00316, w8 costs 1 us more: 3.1e3 per s -> b first.
  std::vector<LayerPlan> plans = {layer("a", 20.0, 5e-6, 10e-6, 40e-6),
                                  layer("b", 25.0, 5e-6, 6e-6, 40e-6)};
  std::optional<Revert> step = revertWorstLayer(plans, 0.25);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->layer, "b");
  EXPECT_EQ(step->from, "w4g32");
  EXPECT_EQ(step->to, "w8");
  EXPECT_EQ(step->outputError, 0.25);
  EXPECT_EQ(plans[1].chosen, 1);
  EXPECT_EQ(plans[0].chosen, 0);
  EXPECT_NE(plans[1].reason.find("reverted from w4g32"), std::string::npos);
  // Then a; then each w8 to f32 (noise 1e-4 over 30 us vs 34 us: a first).
  EXPECT_EQ(revertWorstLayer(plans, 0.2)->layer, "a");
  std::optional<Revert> third = revertWorstLayer(plans, 0.1);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->layer, "a");
  EXPECT_EQ(third->to, "f32");
  EXPECT_EQ(revertWorstLayer(plans, 0.05)->layer, "b");
  // Everything exact: nothing left.
  EXPECT_FALSE(revertWorstLayer(plans, 0.0));
}

TEST(Revert, FreeAlternativeComesFirst) {
  // b's w8 is no slower than its w4g32 (kept out by the 5% rule only).
  std::vector<LayerPlan> plans = {layer("a", 10.0, 5e-6, 5.5e-6, 40e-6),
                                  layer("b", 30.0, 5e-6, 4.9e-6, 40e-6)};
  EXPECT_EQ(revertWorstLayer(plans, 1.0)->layer, "b");
}

TEST(Revert, GuardFailuresAreNoAlternative) {
  LayerPlan p = layer("a", 20.0, 5e-6, 10e-6, 40e-6);
  p.candidates[1].excluded = "SQNR 12.0 dB is below the budget of 15.0 dB";
  p.candidates[2].excluded = "no time: does not compile";
  p.candidates[2].times.clear();
  std::vector<LayerPlan> plans = {p};
  EXPECT_FALSE(revertWorstLayer(plans, 1.0));
  EXPECT_EQ(plans[0].chosen, 0);
}

TEST(Revert, PrunedCandidatesUseTheScaledModelTime) {
  // f32 was pruned (no measured time); its model time, scaled by w4g32's
  // measured/model ratio (2x), is what reverting to it costs.
  LayerPlan p = layer("a", 20.0, 4e-6, 0, 0);
  p.candidates[0].modelSeconds = 2e-6;
  p.candidates[1].excluded = "SQNR 12.0 dB is below the budget of 15.0 dB";
  p.candidates[1].times.clear();
  CandidateEval &f32 = p.candidates[2];
  f32.times.clear();
  f32.seconds = 0;
  f32.modelSeconds = 10e-6;
  f32.pruned = true;
  f32.excluded = "pruned: the roofline model predicts ...";
  std::vector<LayerPlan> plans = {p};
  std::optional<Revert> step = revertWorstLayer(plans, 1.0);
  ASSERT_TRUE(step);
  EXPECT_EQ(step->to, "f32");
  // Chosen now, so no longer excluded; the reason says the time is a model's.
  EXPECT_TRUE(plans[0].candidates[2].excluded.empty());
  EXPECT_NE(plans[0].reason.find("roofline model"), std::string::npos);
}

TEST(Revert, FloatLayersAreLeftAlone) {
  LayerPlan p = layer("a", 20.0, 5e-6, 10e-6, 40e-6);
  p.chosen = -1;
  std::vector<LayerPlan> plans = {p};
  EXPECT_FALSE(revertWorstLayer(plans, 1.0));
}
