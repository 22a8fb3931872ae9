//===- ResultJSON.cpp - Autoquant's result as JSON ------------------------===//
//
// What qf-autoquant's report= writes and what qforge-compile puts under
// "autoquant" in report.json: per layer, the choice and every candidate's
// SQNR, model time, measured times per M bucket, source, cache hit and
// exclusion.
//
//===----------------------------------------------------------------------===//

#include "qforge/Autoquant/Passes.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace qforge::autoquant {

std::string resultToJSON(const AutoquantResult &result) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream j(os, 2);
  auto number = [&](llvm::StringRef key, double v) {
    // JSON has no Inf or NaN: an exact SQNR is written as null.
    if (std::isfinite(v))
      j.attribute(key, v);
    else
      j.attribute(key, nullptr);
  };
  j.object([&] {
    j.attribute("target", result.target);
    j.attribute("timer", result.timer);
    j.attribute("guard", result.guard);
    j.attribute("min_sqnr_db", result.minSqnrDb);
    j.attribute("m_profile", result.profile);
    j.attribute("cache", result.cachePath);
    j.attribute("cache_mode", result.cacheMode);
    j.attribute("cache_hits", int64_t(result.cacheHits));
    j.attribute("timed", int64_t(result.timed));
    j.attribute("guard_cache_hits", int64_t(result.guardHits));
    j.attribute("shapes", int64_t(result.shapes));
    if (result.maxError > 0) {
      j.attribute("max_error", result.maxError);
      number("output_error", result.outputError);
      j.attributeArray("reverts", [&] {
        for (const Revert &r : result.reverts)
          j.object([&] {
            j.attribute("layer", r.layer);
            j.attribute("from", r.from);
            j.attribute("to", r.to);
            number("output_error_before", r.outputError);
          });
      });
    }
    j.attributeArray("layers", [&] {
      for (const LayerPlan &p : result.layers)
        j.object([&] {
          j.attribute("name", p.layer);
          j.attribute("n", p.n);
          j.attribute("k", p.k);
          j.attribute("m_profile", profileString(p.buckets));
          const CandidateEval *choice = p.choice();
          j.attribute("chosen", choice ? choice->candidate.str() : "f32");
          j.attribute("kernel", choice && !choice->times.empty()
                                    ? choice->times.front().kernel
                                    : std::string());
          j.attribute("reason", p.reason);
          j.attributeArray("candidates", [&] {
            for (const CandidateEval &c : p.candidates)
              j.object([&] {
                j.attribute("candidate", c.candidate.str());
                if (!std::isnan(c.sqnrDb))
                  number("sqnr_db", c.sqnrDb);
                j.attribute("model_seconds", c.modelSeconds);
                if (c.timed()) {
                  j.attribute("seconds", c.seconds);
                  j.attribute("source", sourceName(c.times.front().source));
                  j.attribute("cache_hit",
                              llvm::all_of(c.times, [](const Measurement &m) {
                                return m.cacheHit;
                              }));
                  j.attributeArray("buckets", [&] {
                    for (auto [b, m] : llvm::zip(p.buckets, c.times))
                      j.object([&] {
                        j.attribute("m", b.m);
                        j.attribute("median", m.median);
                        j.attribute("p20", m.p20);
                        j.attribute("p80", m.p80);
                        j.attribute("rounds", int64_t(m.rounds));
                      });
                  });
                }
                if (!c.excluded.empty())
                  j.attribute("excluded", c.excluded);
              });
          });
        });
    });
  });
  return text;
}

} // namespace qforge::autoquant
