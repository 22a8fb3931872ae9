//===- AutoquantPass.cpp - qf-autoquant -----------------------------------===//
//
// Extracts the layers qf-quantize would rewrite (MatchMatmul.h), with their
// recorded calibration rows, hands them to the planner (Planner.h) with the
// timer the options and target call for, and writes the decision back on
// each layer as `qf.autoquant` (and as a plan file and JSON report when
// asked). Measuring compiles small kernel modules in private contexts
// through lib/Bench's harness: a library call like the calibration JIT,
// not a pass run on this module.
//
//===----------------------------------------------------------------------===//

#include "qforge/Autoquant/Passes.h"
#include "qforge/Autoquant/Cache.h"
#include "qforge/Autoquant/HarnessTimer.h"
#include "qforge-c/qforge_parallel.h"

#include "qforge/Calibration/Fingerprint.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/IR/QFAttrs.h"
#include "qforge/Dialect/QF/Transforms/LayerNames.h"
#include "qforge/Dialect/QF/Transforms/MatchMatmul.h"
#include "qforge/Support/OutputFile.h"
#include "qforge/Target/TargetInfo.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MD5.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <dlfcn.h>

namespace qforge::autoquant {
#define GEN_PASS_DEF_QFAUTOQUANT
#include "qforge/Autoquant/Passes.h.inc"
} // namespace qforge::autoquant

using namespace mlir;

namespace qforge::autoquant {
namespace {

/// QForge's version and the MD5 of the binary image holding the kernel
/// generator (this library is linked into it): any rebuild that could
/// change a kernel changes the identity, so no stale timing is trusted.
const std::string &compilerIdentity() {
  static const std::string identity = [] {
    std::string id = "qforge-" QFORGE_VERSION;
    Dl_info info;
    if (dladdr(reinterpret_cast<void *>(&createHarnessTimer), &info) &&
        info.dli_fname) {
      auto buffer = llvm::MemoryBuffer::getFile(info.dli_fname);
      if (buffer) {
        llvm::MD5 md5;
        md5.update((*buffer)->getBuffer());
        llvm::MD5::MD5Result result;
        md5.final(result);
        return id + "+" + std::string(result.digest().str());
      }
    }
    return id + "+unknown-build";
  }();
  return identity;
}

/// The "+feature" entries of an LLVM feature string (the host's lists every
/// feature LLVM knows, mostly "-"): what the machine has, sorted.
std::string enabledFeatures(StringRef features) {
  SmallVector<StringRef> all, enabled;
  features.split(all, ',', -1, /*KeepEmpty=*/false);
  for (StringRef f : all)
    if (f.starts_with("+"))
      enabled.push_back(f);
  llvm::sort(enabled);
  return llvm::join(enabled, ",");
}

/// The matmuls qf-quantize would rewrite, as the planner's layers: the
/// [N, K] weights, a static M when the lhs is static, and from `stats` the
/// recorded input rows and calibrated range. `ops` gets each layer's op;
/// `anyRows` says whether some layer has rows (the guard's data).
std::vector<Layer> readLayers(ModuleOp module, const calib::StatsFile *stats,
                              std::vector<Operation *> &ops, bool &anyRows) {
  llvm::DenseMap<Operation *, std::string> names = qf::getLayerNames(module);
  std::vector<Layer> layers;
  anyRows = false;
  module.walk([&](linalg::LinalgOp op) {
    auto it = names.find(op);
    if (it == names.end())
      return;
    std::optional<qf::rewrite::MatchedMatmul> match =
        qf::rewrite::matchMatmul(op);
    if (!match)
      return;
    Layer layer;
    layer.name = it->second;
    layer.n = match->n;
    layer.k = match->k;
    layer.w = std::move(match->w);
    auto lhsType = cast<ShapedType>(match->lhs.getType());
    if (lhsType.hasStaticShape()) {
      int64_t rows = 1;
      for (int64_t d : lhsType.getShape().drop_back())
        rows *= d;
      layer.staticM = rows;
    }
    if (stats)
      if (const calib::TensorStats *st = stats->lookup(layer.name + ".input"))
        if (st->channels == layer.k) {
          layer.staticAbsMax = std::max(std::fabs(st->min), std::fabs(st->max));
          if (st->sampleRows() > 0) {
            layer.x = st->rows;
            layer.rows = st->sampleRows();
            anyRows = true;
          }
        }
    layers.push_back(std::move(layer));
    ops.push_back(op);
  });
  return layers;
}

struct AutoquantPass : impl::QFAutoquantBase<AutoquantPass> {
  using QFAutoquantBase::QFAutoquantBase;
  AutoquantPass(const QFAutoquantOptions &options, AutoquantInputs inputs)
      : QFAutoquantBase(options), inputs(std::move(inputs)) {}
  AutoquantInputs inputs;

  void runOnOperation() override;
  LogicalResult fail(const Twine &message) {
    emitError(getOperation().getLoc(), "qf-autoquant: ") << message;
    signalPassFailure();
    return failure();
  }
};

void AutoquantPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto progress = [&](StringRef line) {
    if (inputs.progress)
      inputs.progress(line);
    else if (!quiet)
      llvm::errs() << "qf-autoquant: " << line << "\n";
  };

  PlannerOptions plannerOptions;
  llvm::Expected<std::vector<Candidate>> candidates =
      parseCandidates(schemeText, cpuHasInt8ActivationKernel);
  if (!candidates) {
    (void)fail(llvm::toString(candidates.takeError()));
    return;
  }
  plannerOptions.candidates = std::move(*candidates);
  llvm::Expected<std::vector<MBucket>> profile = parseProfile(mProfile);
  if (!profile) {
    (void)fail(llvm::toString(profile.takeError()));
    return;
  }
  plannerOptions.profile = *profile;
  if (!(minSqnr >= kMinSqnrLow && minSqnr <= kMinSqnrHigh)) {
    auto g = [](double v) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", v);
      return std::string(text);
    };
    (void)fail("min-sqnr must be between " + g(kMinSqnrLow) + " and " +
               g(kMinSqnrHigh) + " dB, not " + g(minSqnr));
    return;
  }
  plannerOptions.minSqnrDb = minSqnr;
  if (threads > 1024) {
    (void)fail("threads must be at most 1024 (0: every core)");
    return;
  }
  // The runtime's default (qforge_set_threads 0) is every core: time with
  // what the artifact will run with.
  unsigned timedThreads =
      threads ? unsigned(threads) : unsigned(qforge_hardware_threads());
  plannerOptions.threads = timedThreads;
  if (!(budget >= 0.0 && std::isfinite(double(budget)))) {
    (void)fail("budget must be a non-negative number of seconds");
    return;
  }
  plannerOptions.budgetSeconds = budget;
  std::optional<CacheMode> mode = parseCacheMode(cacheMode);
  if (!mode) {
    (void)fail("unknown cache-mode '" + cacheMode +
               "' (expected off, read, readwrite or refresh)");
    return;
  }

  // The target kernels are generated for; measurable only on this host.
  llvm::Expected<std::unique_ptr<TargetInfo>> targetInfo =
      TargetInfo::get(qf::getTargetOf(module));
  if (!targetInfo) {
    (void)fail(llvm::toString(targetInfo.takeError()));
    return;
  }
  plannerOptions.target = (*targetInfo)->getTarget().str();
  bool measurable = (*targetInfo)->isHost() && (*targetInfo)->isCPU();

  // Calibration statistics: recorded rows for the guard.
  std::shared_ptr<const calib::StatsFile> stats = inputs.stats;
  if (stats && !statsFile.empty()) {
    (void)fail("statistics given both in memory and as stats=" + statsFile);
    return;
  }
  if (!statsFile.empty()) {
    llvm::Expected<calib::StatsFile> loaded = calib::readStatsFile(statsFile);
    if (!loaded) {
      (void)fail(llvm::toString(loaded.takeError()));
      return;
    }
    stats = std::make_shared<const calib::StatsFile>(std::move(*loaded));
  }
  // Statistics from a file may belong to another model. Those a C++ caller
  // hands over in memory are its own calibration of this module (the
  // driver's), and qf-quantize checks them again: hashing every weight
  // twice would be a second of a warm run on a 100M-parameter model.
  if (stats && !inputs.stats) {
    std::string fingerprint = computeModelFingerprint(module);
    if (stats->fingerprint != fingerprint) {
      (void)fail("the statistics were recorded on a different model (their "
                 "fingerprint " + stats->fingerprint + ", this module's " +
                 fingerprint + ")");
      return;
    }
  }

  // The layers.
  auto extractStart = std::chrono::steady_clock::now();
  std::vector<Operation *> layerOps;
  bool anyRows = false;
  std::vector<Layer> layers =
      readLayers(module, stats.get(), layerOps, anyRows);
  progress(llvm::formatv("{0} layers read in {1:f1} s", layers.size(),
                         std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - extractStart)
                             .count())
               .str());

  // The timer.
  std::shared_ptr<Timer> timer = inputs.timer;
  if (!timer) {
    if (this->timer == "table") {
      if (costsFile.empty()) {
        (void)fail("timer=table needs costs=FILE");
        return;
      }
      auto table = TableTimer::fromFile(costsFile);
      if (!table) {
        (void)fail(llvm::toString(table.takeError()));
        return;
      }
      timer = std::move(*table);
    } else if (this->timer == "measure" && measurable) {
      HarnessTimerOptions h;
      h.threads = timedThreads;
      h.rounds = rounds;
      timer = createHarnessTimer(h);
    } else if (this->timer == "measure" || this->timer == "model") {
      if (this->timer == "measure")
        progress("target " + plannerOptions.target +
                 " is not this host: the roofline model stands in for "
                 "measurements (source: model)");
      timer = std::make_shared<RooflineTimer>(plannerOptions.roofline);
    } else {
      (void)fail("unknown timer '" + this->timer +
                 "' (expected measure, model or table)");
      return;
    }
  }

  // The cache holds measurements of this machine only.
  std::unique_ptr<Cache> cache;
  std::string cacheFile = cachePath.empty() ? defaultCachePath() : cachePath;
  if (timer->source() == Source::Measured && *mode != CacheMode::Off) {
    if (cacheFile.empty()) {
      progress("no cache path (set XDG_CACHE_HOME or HOME, or cache=PATH): "
               "timings are not kept");
    } else {
      CacheIdentity identity{compilerIdentity(), LLVM_VERSION_STRING,
                             (*targetInfo)->getLLVMCPU(),
                             enabledFeatures((*targetInfo)->getLLVMFeatures())};
      auto opened = Cache::open(cacheFile, *mode, identity,
                                [&](StringRef w) { progress(w); });
      if (!opened) {
        (void)fail(llvm::toString(opened.takeError()));
        return;
      }
      cache = std::move(*opened);
    }
  }

  plannerOptions.progress = progress;
  PlanStats planStats;
  llvm::Expected<std::vector<LayerPlan>> plans =
      planLayers(layers, plannerOptions, *timer, cache.get(), &planStats);
  if (!plans) {
    (void)fail(llvm::toString(plans.takeError()));
    return;
  }

  // The decision, on each layer.
  MLIRContext *ctx = &getContext();
  for (auto [op, plan] : llvm::zip(layerOps, *plans)) {
    const CandidateEval *choice = plan.choice();
    SmallVector<NamedAttribute> fields;
    fields.emplace_back(StringAttr::get(ctx, "scheme"),
                        StringAttr::get(ctx, choice ? choice->candidate.str()
                                                    : std::string("f32")));
    if (choice && !choice->times.empty() &&
        !choice->times.front().kernel.empty()) {
      Attribute kernel = parseAttribute(choice->times.front().kernel, ctx);
      if (!isa_and_nonnull<qf::CPUKernelAttr>(kernel)) {
        (void)fail("the timed kernel config '" + choice->times.front().kernel +
                   "' does not parse");
        return;
      }
      fields.emplace_back(StringAttr::get(ctx, "kernel"), kernel);
    }
    op->setAttr(qf::kAutoquantAttrName, DictionaryAttr::get(ctx, fields));
  }

  AutoquantResult result;
  result.layers = std::move(*plans);
  result.target = plannerOptions.target;
  result.timer = sourceName(timer->source()).str();
  result.guard = anyRows ? "calibration rows" : "weights only";
  result.profile = profileString(plannerOptions.profile);
  result.minSqnrDb = minSqnr;
  result.cachePath = cache ? cache->path() : "";
  result.cacheMode = cache ? cacheModeName(cache->mode()).str() : "off";
  result.shapes = planStats.shapes;
  result.cacheHits = planStats.cacheHits;
  result.timed = planStats.timed;
  result.guardHits = planStats.guardHits;
  if (cache)
    if (llvm::Error e = cache->compact())
      progress("cache compaction failed: " + llvm::toString(std::move(e)));

  auto writeFile = [&](StringRef path, StringRef text) -> LogicalResult {
    if (llvm::Error e = writeOutputFile(path, [&](llvm::raw_ostream &os) {
          os << text;
          return llvm::Error::success();
        }))
      return fail("cannot write '" + path +
                  "': " + llvm::toString(std::move(e)));
    return success();
  };
  if (!planFile.empty() && failed(writeFile(planFile, planFileText(result))))
    return;
  if (!reportFile.empty() &&
      failed(writeFile(reportFile, resultToJSON(result))))
    return;
  if (inputs.result)
    *inputs.result = std::move(result);
}

} // namespace

std::unique_ptr<Pass> createQFAutoquant(const QFAutoquantOptions &options,
                                        AutoquantInputs inputs) {
  return std::make_unique<AutoquantPass>(options, std::move(inputs));
}

} // namespace qforge::autoquant
