//===- MeasurementTest.cpp - Candidates, profiles, timers, guard, choice --===//
//
// Deterministic: the timers here are cost tables, the roofline model and
// seeded fakes; no kernel is run.
//
//===----------------------------------------------------------------------===//

#include "qforge/Autoquant/Cache.h"
#include "qforge/Autoquant/Candidate.h"
#include "qforge/Autoquant/Guard.h"
#include "qforge/Autoquant/Measurement.h"
#include "qforge/Autoquant/Planner.h"
#include "qforge/Autoquant/Profile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

using namespace qforge::autoquant;
using qforge::quant::Scheme;

namespace {

/// The CPU backend's rule (cpu::takesInt8Activations) for these tests:
/// 4-bit integer / NF4 with groups of a multiple of 64 or per channel, int8.
bool fakeInt8Kernel(const Scheme &s) {
  using qforge::quant::WeightFormat;
  bool four = s.weight == WeightFormat::Int4 || s.weight == WeightFormat::NF4;
  if (!four && s.weight != WeightFormat::Int8)
    return false;
  return s.groupSize == 0 || s.groupSize % (four ? 64 : 32) == 0;
}

std::vector<std::string> strs(const std::vector<Candidate> &cs) {
  std::vector<std::string> out;
  for (const Candidate &c : cs)
    out.push_back(c.str());
  return out;
}

std::vector<float> gaussian(size_t count, unsigned seed, float sigma = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, sigma);
  std::vector<float> v(count);
  for (float &x : v)
    x = dist(rng);
  return v;
}

} // namespace

TEST(Candidate, ParsesAndPrints) {
  auto c = Candidate::parse("w4g128+i8act");
  ASSERT_TRUE(bool(c)) << llvm::toString(c.takeError());
  EXPECT_TRUE(c->int8Activations);
  EXPECT_EQ(c->str(), "w4g128+i8act");
  EXPECT_TRUE(c->quantizesActivations());
  auto plain = Candidate::parse("nf4g64");
  ASSERT_TRUE(bool(plain));
  EXPECT_FALSE(plain->quantizesActivations());
  auto a8 = Candidate::parse("a8w8");
  ASSERT_TRUE(bool(a8));
  EXPECT_TRUE(a8->quantizesActivations());
  for (const char *bad : {"f32+i8act", "a8w8+i8act", "w5", "", "w4g128+i8"}) {
    auto r = Candidate::parse(bad);
    EXPECT_FALSE(bool(r)) << bad;
    if (!r)
      llvm::consumeError(r.takeError());
  }
}

TEST(Candidate, DefaultListExpandsInt8Forms) {
  auto cs = parseCandidates("auto", fakeInt8Kernel);
  ASSERT_TRUE(bool(cs)) << llvm::toString(cs.takeError());
  EXPECT_EQ(strs(*cs),
            (std::vector<std::string>{"f32", "w8", "w8+i8act", "w4g128",
                                      "w4g128+i8act", "w4g32", "nf4g64",
                                      "nf4g64+i8act", "fp8", "a8w8"}));
}

TEST(Candidate, ExplicitListsAndErrors) {
  auto cs = parseCandidates("auto:w8,w4g128+i8act,w8", fakeInt8Kernel);
  ASSERT_TRUE(bool(cs));
  EXPECT_EQ(strs(*cs), (std::vector<std::string>{"w8", "w8+i8act",
                                                 "w4g128+i8act"}));
  for (const char *bad : {"auto:", "auto:w8,,w4", "auto:w4g32+i8act",
                          "auto:bogus", "w8", "automatic"}) {
    auto r = parseCandidates(bad, fakeInt8Kernel);
    EXPECT_FALSE(bool(r)) << bad;
    if (!r)
      llvm::consumeError(r.takeError());
  }
}

TEST(Profile, ParsesAndNormalises) {
  auto p = parseProfile("1:9,512:1");
  ASSERT_TRUE(bool(p));
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0].m, 1);
  EXPECT_DOUBLE_EQ((*p)[0].weight, 0.9);
  EXPECT_DOUBLE_EQ((*p)[1].weight, 0.1);
  EXPECT_EQ(profileString(*p), "1:0.9,512:0.1");
  for (const char *bad : {"", "0:1", "1:0", "1:-1", "1:x", "x:1", "1",
                          "1:1,1:2", "1:nan", "2000000:1"}) {
    auto r = parseProfile(bad);
    EXPECT_FALSE(bool(r)) << bad;
    if (!r)
      llvm::consumeError(r.takeError());
  }
}

TEST(Measurement, SummarizeAndValidity) {
  Measurement m = summarize({10, 1, 9, 2, 8, 3, 7, 4, 6, 5}, Source::Measured);
  EXPECT_DOUBLE_EQ(m.median, 5.5);
  EXPECT_DOUBLE_EQ(m.p20, 2.8);
  EXPECT_DOUBLE_EQ(m.p80, 8.2);
  EXPECT_EQ(m.rounds, 10u);
  EXPECT_TRUE(m.isValid());
  m.p20 = 6.0; // above the median
  EXPECT_FALSE(m.isValid());
  m = summarize({1.0}, Source::Model);
  m.median = std::nan("");
  EXPECT_FALSE(m.isValid());
}

TEST(Measurement, KeyText) {
  MeasureKey key{1, 64, 128, "w8"};
  key.threads = 2;
  key.target = "x86_64:znver3+avx2";
  EXPECT_EQ(key.str(), "m=1 n=64 k=128 cand=w8 kernel=select epilogue=none "
                       "threads=2 target=x86_64:znver3+avx2");
}

TEST(TableTimer, ExactWildcardAndMissing) {
  auto t = TableTimer::fromText("# cand M N K us\n"
                                "w8 1 64 64 10\n"
                                "w8 1 0 0 99   # any shape\n"
                                "w4g128 1 64 64 5.5\n",
                                "costs");
  ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
  std::vector<MeasureKey> keys = {{1, 64, 64, "w8"},
                                  {1, 32, 32, "w8"},
                                  {1, 64, 64, "w4g128"},
                                  {8, 64, 64, "w4g128"}};
  std::vector<TimingResult> r = (*t)->time(keys);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_DOUBLE_EQ(r[0].time->median, 10e-6);
  EXPECT_DOUBLE_EQ(r[1].time->median, 99e-6);
  EXPECT_DOUBLE_EQ(r[2].time->median, 5.5e-6);
  EXPECT_EQ(r[2].time->source, Source::Table);
  EXPECT_FALSE(r[3].time);
  EXPECT_EQ(r[3].error, "no entry in the cost table");
}

TEST(TableTimer, MalformedLinesAreLocatedErrors) {
  for (const char *bad : {"w8 1 64 64\n", "w8 1 64 64 -3\n",
                          "w8 1 64 0 3\n", "bogus 1 64 64 3\n",
                          "w8 0 64 64 3\n", "w8 1 64 64 inf\n"}) {
    auto t = TableTimer::fromText(std::string("# ok\n") + bad, "costs.txt");
    ASSERT_FALSE(bool(t)) << bad;
    std::string message = llvm::toString(t.takeError());
    EXPECT_NE(message.find("costs.txt:2"), std::string::npos) << message;
  }
}

TEST(Roofline, FewerBytesAreFasterWhenMemoryBound) {
  RooflineTimer model(RooflineParams{});
  auto f32 = model.seconds({1, 4096, 4096, "f32"});
  auto w8 = model.seconds({1, 4096, 4096, "w8"});
  auto w4 = model.seconds({1, 4096, 4096, "w4g128"});
  ASSERT_TRUE(f32 && w8 && w4);
  EXPECT_GT(*f32, 3.5 * *w8);
  EXPECT_GT(*w8, 1.8 * *w4);
  // Compute-bound at large M: int8 arithmetic's peak is twice f32's.
  auto f32Big = model.seconds({4096, 4096, 4096, "w8"});
  auto a8Big = model.seconds({4096, 4096, 4096, "a8w8"});
  ASSERT_TRUE(f32Big && a8Big);
  EXPECT_NEAR(*f32Big / *a8Big, 2.0, 0.01);
  auto bad = model.seconds({1, 4, 4, "nope"});
  EXPECT_FALSE(bool(bad));
  llvm::consumeError(bad.takeError());
}

TEST(Guard, OrdersSchemesByPrecision) {
  int64_t n = 64, k = 256;
  std::vector<float> w = gaussian(n * k, 1);
  std::vector<float> x = gaussian(32 * k, 2);
  GuardInput in{w.data(), n, k, x.data(), 32};
  auto sqnr = [&](const char *cand, const GuardInput &input) {
    auto c = Candidate::parse(cand);
    EXPECT_TRUE(bool(c));
    auto r = guardSqnrDb(*c, input);
    EXPECT_TRUE(bool(r)) << cand;
    return r ? *r : std::nan("");
  };
  EXPECT_TRUE(std::isinf(sqnr("f32", in)));
  double w8 = sqnr("w8", in), w4g32 = sqnr("w4g32", in),
         w4g128 = sqnr("w4g128", in), w2 = sqnr("w2g64", in);
  EXPECT_GT(w8, 35.0);
  EXPECT_GT(w4g32, w4g128);
  EXPECT_GT(w4g128, 15.0);
  EXPECT_LT(w2, 12.0);
  // Rounding the activations costs accuracy on top of the weights'.
  EXPECT_LT(sqnr("w4g128+i8act", in), w4g128);
  EXPECT_GT(sqnr("w4g128+i8act", in), w4g128 - 3.0);
  EXPECT_GT(sqnr("a8w8", in), 25.0);
  // Weights only: the weights' own SQNR; activation candidates need rows.
  GuardInput weightsOnly{w.data(), n, k};
  EXPECT_NEAR(sqnr("w8", weightsOnly), w8, 3.0);
  auto a8 = guardSqnrDb(*Candidate::parse("a8w8"), weightsOnly);
  EXPECT_FALSE(bool(a8));
  llvm::consumeError(a8.takeError());
}

TEST(Guard, OutlierChannelsHurtPerTensorActivations) {
  int64_t n = 32, k = 128, rows = 16;
  std::vector<float> w = gaussian(n * k, 3);
  std::vector<float> x = gaussian(rows * k, 4);
  GuardInput plain{w.data(), n, k, x.data(), rows, 4.0f};
  double before = *guardSqnrDb(*Candidate::parse("a8w8-static"), plain);
  // One channel 100x larger: a per-tensor int8 scale wastes its levels.
  for (int64_t r = 0; r < rows; ++r)
    x[r * k + 5] *= 100.0f;
  GuardInput outliers{w.data(), n, k, x.data(), rows, 400.0f};
  double after = *guardSqnrDb(*Candidate::parse("a8w8-static"), outliers);
  EXPECT_LT(after, before - 10.0);
}

//===----------------------------------------------------------------------===//
// The planner
//===----------------------------------------------------------------------===//

namespace {

/// Times from a function of the key; counts what it was asked.
class FakeTimer : public Timer {
public:
  std::function<double(const MeasureKey &)> seconds;
  Source src = Source::Measured;
  std::vector<MeasureKey> asked;
  Source source() const override { return src; }
  std::vector<TimingResult> time(llvm::ArrayRef<MeasureKey> keys) override {
    std::vector<TimingResult> out;
    for (const MeasureKey &k : keys) {
      asked.push_back(k);
      TimingResult r;
      double s = seconds(k);
      if (s > 0) {
        Measurement m;
        m.median = m.p20 = m.p80 = s;
        m.rounds = 7;
        m.source = src;
        m.kernel = "#qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32>";
        r.time = m;
      } else {
        r.error = "does not compile";
      }
      out.push_back(r);
    }
    return out;
  }
};

Layer layer(const std::string &name, int64_t n, int64_t k, unsigned seed,
            std::optional<int64_t> m = std::nullopt) {
  Layer l;
  l.name = name;
  l.n = n;
  l.k = k;
  l.staticM = m;
  l.w = gaussian(n * k, seed);
  return l;
}

PlannerOptions options(const char *candidates, const char *profile = "1:1") {
  PlannerOptions o;
  o.candidates = *parseCandidates(candidates, fakeInt8Kernel);
  o.profile = *parseProfile(profile);
  o.target = "x86_64";
  return o;
}

/// `inner`'s times, with every call advancing a fake clock by 10 s.
struct AdvancingTimer : Timer {
  FakeTimer &inner;
  double &clock;
  AdvancingTimer(FakeTimer &inner, double &clock)
      : inner(inner), clock(clock) {}
  Source source() const override { return Source::Measured; }
  std::vector<TimingResult> time(llvm::ArrayRef<MeasureKey> keys) override {
    clock += 10.0;
    return inner.time(keys);
  }
};

std::string chosen(const LayerPlan &p) {
  return p.choice() ? p.choice()->candidate.str() : "float";
}

} // namespace

TEST(Planner, RepeatedShapesAreTimedOnce) {
  FakeTimer timer;
  timer.seconds = [](const MeasureKey &k) { return k.candidate == "w8" ? 2e-6 : 1e-6; };
  std::vector<Layer> layers = {layer("a", 64, 128, 1), layer("b", 64, 128, 2),
                               layer("c", 32, 128, 3)};
  auto plans = planLayers(layers, options("auto:w8,w4g32"), timer, nullptr);
  ASSERT_TRUE(bool(plans)) << llvm::toString(plans.takeError());
  // Two distinct shapes x two candidates x one bucket.
  EXPECT_EQ(timer.asked.size(), 4u);
  for (const LayerPlan &p : *plans)
    EXPECT_EQ(chosen(p), "w4g32") << p.layer;
}

TEST(Planner, BucketWeightsDecide) {
  // w8 is faster at M = 1, w4g32 at M = 512.
  auto t = TableTimer::fromText("w8 1 0 0 10\nw8 512 0 0 1000\n"
                                "w4g32 1 0 0 12\nw4g32 512 0 0 500\n",
                                "costs");
  ASSERT_TRUE(bool(t));
  std::vector<Layer> layers = {layer("l", 64, 128, 1)};
  auto decode = planLayers(layers, options("auto:w8,w4g32", "1:0.999,512:0.001"),
                           **t, nullptr);
  auto prefill = planLayers(layers, options("auto:w8,w4g32", "1:0.5,512:0.5"),
                            **t, nullptr);
  ASSERT_TRUE(decode && prefill);
  EXPECT_EQ(chosen((*decode)[0]), "w8");
  EXPECT_EQ(chosen((*prefill)[0]), "w4g32");
  // A static M overrides the profile.
  std::vector<Layer> fixed = {layer("l", 64, 128, 1, 512)};
  auto s = planLayers(fixed, options("auto:w8,w4g32", "1:1"), **t, nullptr);
  ASSERT_TRUE(bool(s));
  EXPECT_EQ(chosen((*s)[0]), "w4g32");
  ASSERT_EQ((*s)[0].buckets.size(), 1u);
  EXPECT_EQ((*s)[0].buckets[0].m, 512);
}

TEST(Planner, ChallengerMustBeFivePercentFaster) {
  // The model ranks w4g32 (fewer bytes) first: it is the incumbent.
  for (auto [w8us, expected] : std::vector<std::pair<double, const char *>>{
           {9.6, "w4g32"}, {9.4, "w8"}}) {
    FakeTimer timer;
    timer.seconds = [w8us = w8us](const MeasureKey &k) {
      return k.candidate == "w8" ? w8us * 1e-6 : 10e-6;
    };
    auto plans = planLayers({layer("l", 64, 128, 1)}, options("auto:w8,w4g32"),
                            timer, nullptr);
    ASSERT_TRUE(bool(plans));
    EXPECT_EQ(chosen((*plans)[0]), expected) << w8us;
  }
}

TEST(Planner, GuardExcludesAndExplains) {
  FakeTimer timer;
  timer.seconds = [](const MeasureKey &k) {
    return k.candidate == "w8" ? 2e-6 : 1e-6;
  };
  PlannerOptions o = options("auto:w8,w4g128,w2g64,a8w8");
  o.minSqnrDb = 30.0;
  auto plans = planLayers({layer("l", 64, 256, 1)}, o, timer, nullptr);
  ASSERT_TRUE(bool(plans));
  const LayerPlan &p = (*plans)[0];
  EXPECT_EQ(chosen(p), "w8");
  for (const CandidateEval &c : p.candidates) {
    if (c.candidate.str() == "w4g128" || c.candidate.str() == "w2g64")
      EXPECT_NE(c.excluded.find("below the budget"), std::string::npos)
          << c.excluded;
    if (c.candidate.str() == "a8w8")
      EXPECT_NE(c.excluded.find("needs calibration data"), std::string::npos)
          << c.excluded;
  }
  // Excluded candidates are never timed.
  for (const MeasureKey &k : timer.asked)
    EXPECT_EQ(k.candidate, "w8");
}

TEST(Planner, CompileFailuresAreListedNotDropped) {
  FakeTimer timer;
  timer.seconds = [](const MeasureKey &k) {
    return k.candidate == "w4g32" ? -1.0 : 3e-6;
  };
  auto plans = planLayers({layer("l", 64, 128, 1)}, options("auto:w8,w4g32"),
                          timer, nullptr);
  ASSERT_TRUE(bool(plans));
  const LayerPlan &p = (*plans)[0];
  EXPECT_EQ(chosen(p), "w8");
  ASSERT_EQ(p.candidates.back().candidate.str(), "w4g32");
  EXPECT_EQ(p.candidates.back().excluded, "no time: does not compile");
}

TEST(Planner, NothingEligibleLeavesFloat) {
  FakeTimer timer;
  timer.seconds = [](const MeasureKey &) { return 1e-6; };
  PlannerOptions o = options("auto:w4g128");
  o.minSqnrDb = 100.0;
  auto plans = planLayers({layer("l", 16, 64, 1)}, o, timer, nullptr);
  ASSERT_TRUE(bool(plans));
  EXPECT_EQ(chosen((*plans)[0]), "float");
  EXPECT_NE((*plans)[0].reason.find("left float"), std::string::npos);
}

TEST(Planner, ModelPrunesHopelessCandidates) {
  FakeTimer timer;
  timer.seconds = [](const MeasureKey &) { return 1e-6; };
  // At M = 1 on a large layer the model predicts f32 ~8x slower than w4.
  auto plans = planLayers({layer("l", 1024, 1024, 1)},
                          options("auto:f32,w4g128"), timer, nullptr);
  ASSERT_TRUE(bool(plans));
  EXPECT_NE((*plans)[0].candidates[0].excluded.find("pruned"),
            std::string::npos);
  for (const MeasureKey &k : timer.asked)
    EXPECT_NE(k.candidate, "f32");
}

TEST(Planner, ChoiceIsStableUnderNoise) {
  // True times 10 us (w4g32) and 12 us (w8); +-2% noise per measurement:
  // every seed must give the same choice, and a 1% true gap must never
  // flip the incumbent.
  for (auto [w8true, expected] : std::vector<std::pair<double, const char *>>{
           {12.0, "w4g32"}, {9.9, "w4g32"}, {8.0, "w8"}}) {
    for (unsigned seed = 0; seed < 30; ++seed) {
      std::mt19937 rng(seed);
      std::uniform_real_distribution<double> noise(0.98, 1.02);
      FakeTimer timer;
      timer.seconds = [&, w8true = w8true](const MeasureKey &k) {
        return (k.candidate == "w8" ? w8true : 10.0) * 1e-6 * noise(rng);
      };
      auto plans = planLayers({layer("l", 64, 128, 1)},
                              options("auto:w8,w4g32"), timer, nullptr);
      ASSERT_TRUE(bool(plans));
      EXPECT_EQ(chosen((*plans)[0]), expected) << w8true << " seed " << seed;
    }
  }
}

TEST(Plan, SchemeFileReplaysTheChoice) {
  FakeTimer timer;
  timer.seconds = [](const MeasureKey &k) { return k.candidate == "w8" ? 2e-6 : 1e-6; };
  auto plans = planLayers({layer("blk[0].fc*", 64, 128, 1)},
                          options("auto:w8,w4g32"), timer, nullptr);
  ASSERT_TRUE(bool(plans));
  std::string text = planToSchemeFile(*plans, {"header line"});
  EXPECT_NE(text.find("# header line\n"), std::string::npos);
  EXPECT_NE(text.find("blk\\[0\\].fc\\* w4g32 #qf.cpu_kernel<kind = float, "
                      "layout = tiled, nr = 4, kb = 32>\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("#   w8: SQNR"), std::string::npos) << text;
}

TEST(Planner, BudgetFallsBackToTheModel) {
  // Every call to the timer takes 10 (fake) seconds; with a budget of 15
  // the first two shapes are measured and the third takes the model.
  double clock = 0.0;
  FakeTimer timer;
  timer.seconds = [&](const MeasureKey &) {
    return 1e-6;
  };
  AdvancingTimer advancing(timer, clock);
  PlannerOptions o = options("auto:w8");
  o.budgetSeconds = 15.0;
  o.now = [&] { return clock; };
  std::vector<Layer> layers = {layer("a", 16, 64, 1), layer("b", 32, 64, 2),
                               layer("c", 48, 64, 3)};
  auto plans = planLayers(layers, o, advancing, nullptr);
  ASSERT_TRUE(bool(plans));
  EXPECT_EQ((*plans)[0].choice()->sourceText(), "measured");
  EXPECT_EQ((*plans)[1].choice()->sourceText(), "measured");
  EXPECT_EQ((*plans)[2].choice()->sourceText(), "model");
  EXPECT_EQ(timer.asked.size(), 2u);
}

TEST(Planner, ProgressSaysTimeLeft) {
  // Each shape takes 10 (fake) seconds: before the third of four, 20 s
  // have passed for two shapes, so two more take about 20 s.
  double clock = 0.0;
  FakeTimer timer;
  timer.seconds = [](const MeasureKey &) { return 1e-6; };
  AdvancingTimer advancing(timer, clock);
  PlannerOptions o = options("auto:w8");
  o.now = [&] { return clock; };
  std::vector<std::string> lines;
  o.progress = [&](llvm::StringRef line) { lines.push_back(line.str()); };
  std::vector<Layer> layers = {layer("a", 16, 64, 1), layer("b", 32, 64, 2),
                               layer("c", 48, 64, 3), layer("d", 64, 64, 4)};
  ASSERT_TRUE(bool(planLayers(layers, o, advancing, nullptr)));
  auto line = [&](llvm::StringRef prefix) {
    for (const std::string &l : lines)
      if (llvm::StringRef(l).starts_with(prefix))
        return l;
    return std::string();
  };
  EXPECT_EQ(line("shape 1/4").find("left"), std::string::npos);
  EXPECT_NE(line("shape 3/4").find("about 20 s left"), std::string::npos)
      << line("shape 3/4");
  EXPECT_NE(line("shape 4/4").find("about 10 s left"), std::string::npos)
      << line("shape 4/4");
}

TEST(Planner, CacheAnswersTheSecondRun) {
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("qforge-planner", dir));
  std::string path = (dir + "/cache.jsonl").str();
  CacheIdentity id{"qforge-test+abc", "22", "znver3", "+avx2"};
  std::vector<Layer> layers = {layer("a", 16, 64, 1), layer("b", 16, 64, 2)};
  for (int run = 0; run < 2; ++run) {
    FakeTimer timer;
    timer.seconds = [](const MeasureKey &k) {
      return k.candidate == "w8" ? 2e-6 : 1e-6;
    };
    auto cache = Cache::open(path, CacheMode::ReadWrite, id);
    ASSERT_TRUE(bool(cache)) << llvm::toString(cache.takeError());
    auto plans = planLayers(layers, options("auto:w8,w4g32"), timer,
                            cache->get());
    ASSERT_TRUE(bool(plans));
    EXPECT_EQ(chosen((*plans)[0]), "w4g32");
    // One shape, two candidates: timed on the first run only.
    EXPECT_EQ(timer.asked.size(), run == 0 ? 2u : 0u);
    EXPECT_EQ((*plans)[1].choice()->sourceText(),
              run == 0 ? "measured" : "measured (cached)");
    // The guard too: two layers of different weights x two candidates,
    // answered by the cache on the second run with the same SQNRs.
    PlanStats stats;
    auto again = planLayers(layers, options("auto:w8,w4g32"), timer,
                            cache->get(), &stats);
    ASSERT_TRUE(bool(again));
    EXPECT_EQ(stats.guardHits, 4u);
    for (size_t p = 0; p < 2; ++p)
      for (size_t c = 0; c < (*plans)[p].candidates.size(); ++c) {
        double first = (*plans)[p].candidates[c].sqnrDb;
        double second = (*again)[p].candidates[c].sqnrDb;
        // w8+i8act is not judged without rows (NaN both times).
        if (std::isnan(first))
          EXPECT_TRUE(std::isnan(second));
        else
          EXPECT_EQ(second, first);
      }
  }
  {
    // Other weights (the same shape): the guard runs again.
    FakeTimer timer;
    timer.seconds = [](const MeasureKey &) { return 1e-6; };
    auto cache = Cache::open(path, CacheMode::ReadWrite, id);
    ASSERT_TRUE(bool(cache));
    PlanStats stats;
    std::vector<Layer> other = {layer("a", 16, 64, 7)};
    ASSERT_TRUE(bool(planLayers(other, options("auto:w8,w4g32"), timer,
                                cache->get(), &stats)));
    EXPECT_EQ(stats.guardHits, 0u);
  }
  // Another compiler build: nothing is trusted, everything is timed again.
  FakeTimer timer;
  timer.seconds = [](const MeasureKey &) { return 1e-6; };
  CacheIdentity rebuilt = id;
  rebuilt.compiler = "qforge-test+def";
  auto cache = Cache::open(path, CacheMode::ReadWrite, rebuilt);
  ASSERT_TRUE(bool(cache));
  auto plans = planLayers(layers, options("auto:w8,w4g32"), timer, cache->get());
  ASSERT_TRUE(bool(plans));
  EXPECT_EQ(timer.asked.size(), 2u);
  llvm::sys::fs::remove_directories(dir);
}
