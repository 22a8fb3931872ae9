//===- AutoquantVerify.cpp - Never slower than the best uniform scheme ---===//

#include "AutoquantVerify.h"

#include "qforge/Autoquant/Candidate.h"
#include "qforge/Autoquant/Measurement.h"
#include "qforge/Autoquant/Passes.h"
#include "qforge-c/qforge.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>

using namespace mlir;

namespace qforge {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

size_t dtypeBytes(qforge_dtype t) {
  switch (t) {
  case QFORGE_F16:
  case QFORGE_BF16:
    return 2;
  case QFORGE_I8:
  case QFORGE_U8:
    return 1;
  case QFORGE_I64:
    return 8;
  default:
    return 4;
  }
}

/// A loaded artifact with its inputs and outputs for one M.
struct Runnable {
  std::unique_ptr<qforge_model, void (*)(qforge_model *)> model{nullptr,
                                                                 qforge_free};
  std::vector<std::vector<int64_t>> inShapes, outShapes;
  std::vector<std::vector<uint8_t>> inData, outData;
  std::vector<qforge_tensor> in, out;
};

/// Inputs of `model` with every dynamic dimension `m`: f32 inputs normal
/// (seeded, the same for every artifact), others zero (valid indices).
llvm::Error prepare(Runnable &r, int64_t m) {
  qforge_model *model = r.model.get();
  int32_t numIn = qforge_num_inputs(model), numOut = qforge_num_outputs(model);
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  r.inShapes.assign(numIn, {});
  r.inData.assign(numIn, {});
  r.in.assign(numIn, {});
  for (int32_t i = 0; i < numIn; ++i) {
    qforge_dtype dtype;
    int32_t rank;
    const int64_t *shape;
    if (qforge_input_info(model, i, &dtype, &rank, &shape) != 0)
      return fail(qforge_last_error());
    int64_t count = 1;
    for (int32_t d = 0; d < rank; ++d) {
      r.inShapes[i].push_back(shape[d] < 0 ? m : shape[d]);
      count *= r.inShapes[i].back();
    }
    r.inData[i].assign(size_t(count) * dtypeBytes(dtype), 0);
    if (dtype == QFORGE_F32)
      for (int64_t e = 0; e < count; ++e) {
        float v = normal(rng);
        std::memcpy(r.inData[i].data() + e * 4, &v, 4);
      }
    r.in[i] = {r.inData[i].data(), dtype, rank, r.inShapes[i].data()};
  }
  r.outShapes.assign(numOut, {});
  r.outData.assign(numOut, {});
  r.out.assign(numOut, {});
  for (int32_t i = 0; i < numOut; ++i) {
    qforge_dtype dtype;
    int32_t rank;
    const int64_t *shape;
    if (qforge_output_info(model, i, &dtype, &rank, &shape) != 0)
      return fail(qforge_last_error());
    r.outShapes[i].assign(rank, 0);
    if (qforge_output_shape(model, r.in.data(), numIn, i,
                            r.outShapes[i].data()) != 0)
      return fail(qforge_last_error());
    int64_t count = 1;
    for (int64_t d : r.outShapes[i])
      count *= d;
    r.outData[i].assign(size_t(count) * dtypeBytes(dtype), 0);
    r.out[i] = {r.outData[i].data(), dtype, rank, r.outShapes[i].data()};
  }
  return llvm::Error::success();
}

bool hasDynamicInput(qforge_model *model) {
  for (int32_t i = 0, e = qforge_num_inputs(model); i < e; ++i) {
    qforge_dtype dtype;
    int32_t rank;
    const int64_t *shape;
    if (qforge_input_info(model, i, &dtype, &rank, &shape) == 0)
      for (int32_t d = 0; d < rank; ++d)
        if (shape[d] < 0)
          return true;
  }
  return false;
}

} // namespace

llvm::Expected<std::vector<ArtifactTime>>
timeArtifacts(const std::vector<std::pair<std::string, std::string>> &artifacts,
              const std::vector<autoquant::MBucket> &profile, unsigned threads,
              unsigned rounds) {
  using Clock = std::chrono::steady_clock;
  std::vector<Runnable> runs(artifacts.size());
  for (size_t a = 0; a < artifacts.size(); ++a) {
    runs[a].model.reset(qforge_load(artifacts[a].second.c_str()));
    if (!runs[a].model)
      return fail("cannot load '" + artifacts[a].second +
                  "': " + qforge_last_error());
    qforge_set_threads(runs[a].model.get(), int32_t(threads));
  }
  std::vector<autoquant::MBucket> buckets = profile;
  if (!hasDynamicInput(runs.front().model.get()))
    buckets = {autoquant::MBucket{1, 1.0}}; // static shapes: M is unused
  std::vector<ArtifactTime> out(artifacts.size());
  for (size_t a = 0; a < artifacts.size(); ++a)
    out[a] = {artifacts[a].first, artifacts[a].second, 0.0, 0.0, 0.0};
  for (const autoquant::MBucket &b : buckets) {
    for (Runnable &r : runs)
      if (llvm::Error e = prepare(r, b.m))
        return std::move(e);
    auto runOnce = [&](Runnable &r) -> llvm::Error {
      if (qforge_run(r.model.get(), r.in.data(), int32_t(r.in.size()),
                     r.out.data(), int32_t(r.out.size())) != 0)
        return fail(qforge_last_error());
      return llvm::Error::success();
    };
    // Calls per sample: about 5 ms of back-to-back calls.
    std::vector<unsigned> inner(runs.size(), 1);
    for (size_t a = 0; a < runs.size(); ++a) {
      for (int w = 0; w < 2; ++w)
        if (llvm::Error e = runOnce(runs[a]))
          return std::move(e);
      auto t0 = Clock::now();
      if (llvm::Error e = runOnce(runs[a]))
        return std::move(e);
      double once = std::chrono::duration<double>(Clock::now() - t0).count();
      inner[a] = unsigned(std::clamp(5e-3 / std::max(once, 1e-9), 1.0, 1e4));
    }
    std::vector<std::vector<double>> samples(runs.size());
    // Each round starts at the next artifact: what runs after which (the
    // previous artifact's pool threads winding down, cache contents) is
    // spread over all of them instead of always favouring the same one.
    for (unsigned round = 0; round < std::max(7u, rounds); ++round)
      for (size_t i = 0; i < runs.size(); ++i) {
        size_t a = (i + round) % runs.size();
        auto t0 = Clock::now();
        for (unsigned c = 0; c < inner[a]; ++c)
          if (llvm::Error e = runOnce(runs[a]))
            return std::move(e);
        samples[a].push_back(
            std::chrono::duration<double>(Clock::now() - t0).count() /
            inner[a]);
      }
    for (size_t a = 0; a < runs.size(); ++a) {
      autoquant::Measurement m =
          autoquant::summarize(samples[a], autoquant::Source::Measured);
      out[a].median += b.weight * m.median;
      out[a].p20 += b.weight * m.p20;
      out[a].p80 += b.weight * m.p80;
    }
  }
  return out;
}

llvm::Error verifyAutoquantPlan(ModuleOp floatModel,
                                const CompileOptions &options,
                                llvm::StringRef planLibrary,
                                llvm::StringRef workDir,
                                CompileReport &report) {
  const autoquant::AutoquantResult &plan = *report.autoquant;
  AutoquantVerifyReport verify;
  // The candidates every layer's guard admits.
  std::vector<autoquant::Candidate> uniform;
  if (!plan.layers.empty())
    for (const autoquant::CandidateEval &c : plan.layers.front().candidates) {
      std::string why;
      for (const autoquant::LayerPlan &layer : plan.layers)
        for (const autoquant::CandidateEval &e : layer.candidates)
          if (e.candidate == c.candidate && why.empty() &&
              !(e.sqnrDb >= plan.minSqnrDb))
            why = c.candidate.str() + ": " + layer.layer +
                  (std::isnan(e.sqnrDb) ? " could not be judged (" +
                                              e.excluded + ")"
                                        : " fails the guard");
      if (!why.empty()) {
        verify.skipped.push_back(why);
        continue;
      }
      if (c.candidate.scheme.activation == quant::ActivationMode::Static &&
          options.calib.empty() && options.stats.empty()) {
        verify.skipped.push_back(c.candidate.str() +
                                 ": needs calibration statistics");
        continue;
      }
      uniform.push_back(c.candidate);
    }

  std::vector<std::pair<std::string, std::string>> artifacts = {
      {"plan", planLibrary.str()}};
  std::vector<CompileReport> uniformReports = {CompileReport()};
  for (auto [i, c] : llvm::enumerate(uniform)) {
    CompileOptions u = options;
    u.scheme = c.scheme.str();
    u.int8Activations = c.int8Activations;
    // Uniform: the candidate passed the guard on every layer, so no layer
    // keeps a wider scheme.
    u.sensitiveLayers = "quantize";
    u.schemeFile.clear();
    u.autoquant = AutoquantOptions();
    // Statistics only where the scheme needs them (a8w8-static), samples
    // where the outputs must meet --autoquant-max-error too.
    double maxError = options.autoquant.maxError;
    if (c.scheme.activation != quant::ActivationMode::Static && maxError <= 0)
      u.calib.clear();
    if (c.scheme.activation != quant::ActivationMode::Static)
      u.stats.clear();
    u.shapes.clear(); // already specialised in floatModel
    u.emit = EmitKind::Artifact;
    u.onStage = nullptr;
    u.onProgress = nullptr;
    llvm::SmallString<128> dir(workDir);
    llvm::sys::path::append(dir, "uniform-" + std::to_string(i));
    u.outDir = dir.str().str();
    OwningOpRef<ModuleOp> clone = floatModel.clone();
    llvm::Expected<CompileReport> r = compileModule(*clone, u);
    if (!r) {
      verify.skipped.push_back(c.str() + ": does not compile (" +
                               llvm::toString(r.takeError()) + ")");
      continue;
    }
    if (maxError > 0) {
      double worst = 0.0;
      for (const ErrorReport &e : r->outputErrors)
        worst = std::isfinite(e.relError) ? std::max(worst, e.relError)
                                          : INFINITY;
      if (!(worst <= maxError)) {
        verify.skipped.push_back(
            llvm::formatv("{0}: output error {1} is over "
                          "--autoquant-max-error",
                          c.str(), llvm::format("%.3g", worst))
                .str());
        continue;
      }
    }
    llvm::SmallString<128> so(dir);
    llvm::sys::path::append(so, r->name + ".so");
    artifacts.push_back({c.str(), so.str().str()});
    uniformReports.push_back(std::move(*r));
  }
  llvm::Expected<std::vector<ArtifactTime>> times = timeArtifacts(
      artifacts,
      *autoquant::parseProfile(options.autoquant.mProfile),
      options.autoquant.threads, options.autoquant.rounds);
  if (!times)
    return times.takeError();
  // The fastest uniform artifact (index 0 is the plan).
  size_t best = 0;
  for (size_t i = 0; i < times->size(); ++i) {
    const ArtifactTime &t = (*times)[i];
    verify.entries.push_back({t.label, t.median, t.p20, t.p80});
    if (i > 0 && (best == 0 || t.median < (*times)[best].median))
      best = i;
  }
  verify.used = "plan";
  // A uniform artifact byte-identical to the plan's (every layer chose the
  // same candidate and kernel) is the plan: nothing to replace.
  auto sameFile = [](StringRef a, StringRef b) {
    auto x = llvm::MemoryBuffer::getFile(a), y = llvm::MemoryBuffer::getFile(b);
    return x && y && (*x)->getBuffer() == (*y)->getBuffer();
  };
  for (size_t i = 1; i < times->size(); ++i)
    if (sameFile((*times)[i].path, planLibrary)) {
      verify.identical = (*times)[i].label;
      if (i == best)
        best = 0;
    }
  if (best != 0 && (*times)[best].median < (*times)[0].median) {
    // Slower than a uniform scheme that passes the same guard: that one is
    // the artifact.
    if (std::error_code ec =
            llvm::sys::fs::rename((*times)[best].path, planLibrary))
      return fail("cannot replace the plan's library with the uniform '" +
                  (*times)[best].label + "' one: " + ec.message());
    verify.used = (*times)[best].label;
    report.layers = uniformReports[best].layers;
    report.int8Activations = uniformReports[best].int8Activations;
  }
  report.autoquantVerify = std::move(verify);
  return llvm::Error::success();
}

} // namespace qforge
