//===- HarnessTimer.cpp - Compile every candidate, then time them interleaved -===//

#include "qforge/Autoquant/HarnessTimer.h"
#include "qforge/Autoquant/Candidate.h"

#include "qforge/Bench/MatmulHarness.h"
#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>

namespace qforge::autoquant {

bool cpuHasInt8ActivationKernel(const quant::Scheme &scheme) {
  // The harness's statement of which schemes the int8-activation kernel
  // takes (cpu::takesInt8Activations), with K irrelevant for groups.
  harness::MatmulSpec spec;
  spec.int8Activations = true;
  spec.k = 1 << 20;
  return harness::int8ActivationGroup(spec, scheme) != 0;
}

namespace {

using namespace qforge::harness;
using Clock = std::chrono::steady_clock;

/// One compiled (N, K, candidate): its engine and, per M bucket, a prepared
/// call per weight copy.
struct CompiledGroup {
  std::string error;
  std::string kernel;
  MatmulSpec spec;
  std::unique_ptr<mlir::MLIRContext> context;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  std::deque<MatmulData> datas; ///< the prepared calls point into these
  std::map<int64_t, std::vector<PreparedCall>> calls; ///< M -> per copy
  size_t next = 0; ///< the copy the next call runs
};

class HarnessTimer : public Timer {
public:
  explicit HarnessTimer(const HarnessTimerOptions &options)
      : options(options),
        pool(qforge_pool_create(int32_t(std::max(1u, options.threads))),
             qforge_pool_destroy) {}
  Source source() const override { return Source::Measured; }
  std::vector<TimingResult> time(llvm::ArrayRef<MeasureKey> keys) override;

private:
  void compileGroup(CompiledGroup &g, const Candidate &candidate, int64_t n,
                    int64_t k, const std::vector<int64_t> &ms);
  HarnessTimerOptions options;
  /// With keepCompiled: the groups of earlier calls, by "NxK candidate".
  std::map<std::string, CompiledGroup> kept;
  std::unique_ptr<qforge_pool, void (*)(qforge_pool *)> pool;
};

void HarnessTimer::compileGroup(CompiledGroup &g, const Candidate &candidate,
                                int64_t n, int64_t k,
                                const std::vector<int64_t> &ms) {
  MatmulSpec &spec = g.spec;
  spec.scheme = candidate.scheme.str();
  spec.n = n;
  spec.k = k;
  spec.m = *std::max_element(ms.begin(), ms.end());
  spec.dynamicM = true;
  spec.constWeights = true;
  spec.int8Activations = candidate.int8Activations;
  std::mt19937 rng(1234);
  MatmulData data;
  g.error = makeData(spec, rng, data);
  if (!g.error.empty())
    return;
  // Copies of the weights, together at least four times the last-level
  // cache (at most 16), as qforge-bench. Where 16 copies would still fit
  // in the cache, rotating cannot push the weights out of it (and a model
  // that small keeps its weights cached too): one copy, a sixteenth of the
  // compile time.
  double bits = candidate.scheme.isFloat() ? 32.0
                                           : double(candidate.scheme.weightBits());
  int64_t approxBytes = std::max<int64_t>(int64_t(double(n * k) * bits / 8), 1);
  int64_t llc = lastLevelCacheBytes();
  int copies = 16 * approxBytes <= llc
                   ? 1
                   : int(std::clamp<int64_t>((4 * llc + approxBytes - 1) /
                                                 approxBytes,
                                             1, 16));
  std::string text;
  std::vector<std::string> names;
  std::vector<const MatmulData *> copyData;
  for (int cp = 0; cp < copies; ++cp) {
    g.datas.push_back(selectRows(spec, data, 0, n, cp));
    copyData.push_back(&g.datas.back());
    names.push_back("autoquant_c" + std::to_string(cp));
    text += functionText(names.back(), spec, g.datas.back());
  }
  std::vector<const MatmulSpec *> specs(copies, &spec);
  g.context = std::make_unique<mlir::MLIRContext>();
  initialize(*g.context);
  g.context->disableMultithreading();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      buildModule(*g.context, text, names, specs, copyData, g.error);
  if (!module)
    return;
  cpu::Int8ActivationPolicy policy =
      cpu::int8ActivationPolicy(candidate.int8Activations);
  {
    // Select first to read the config the kernel runs with; the pipeline
    // keeps it.
    mlir::PassManager pm(g.context.get());
    cpu::QFCPUSelectKernelsOptions select;
    select.int8Activations = policy;
    pm.addPass(cpu::createQFCPUSelectKernels(select));
    if (mlir::failed(pm.run(*module))) {
      g.error = "qf-cpu-select-kernels failed";
      return;
    }
    module->walk([&](mlir::Operation *op) {
      if (auto attr = op->getAttr(qf::kCPUKernelAttrName); attr && g.kernel.empty()) {
        llvm::raw_string_ostream os(g.kernel);
        attr.print(os);
      }
    });
  }
  if (candidate.int8Activations &&
      g.kernel.find("int8_activations") == std::string::npos) {
    g.error = "the int8-activation kernel cannot take this layer (" +
              g.kernel + " was selected)";
    return;
  }
  g.engine = compile(
      *module,
      [&](mlir::OpPassManager &pm) {
        CPUPipelineOptions cpuOptions;
        cpuOptions.int8Activations = policy;
        buildCPUToLLVMPipeline(pm, cpuOptions);
      },
      g.error, 3);
  if (!g.engine) {
    if (g.error.empty())
      g.error = "the kernel did not compile";
    return;
  }
  bindPool(*g.engine, pool.get());
  // The engine holds its own LLVM code: the MLIR module and context (with
  // every weight copy as a constant) are no longer needed, nor are the
  // weight buffers of the copies (compiled in as constants).
  module = nullptr;
  g.context.reset();
  for (MatmulData &d : g.datas) {
    std::vector<uint8_t>().swap(d.w.bytes);
    std::vector<float>().swap(d.wDequant);
    std::vector<float>().swap(d.zeroTerms);
    std::vector<float>().swap(d.wInt8Codebook);
  }
  for (int64_t m : ms) {
    std::vector<PreparedCall> &calls = g.calls[m];
    calls.resize(copies);
    for (int cp = 0; cp < copies; ++cp) {
      g.datas.push_back(sliceRows(spec, g.datas[cp], m));
      if (!prepare(*g.engine, names[cp], spec, g.datas.back(), calls[cp],
                   g.error))
        return;
    }
  }
}

std::vector<TimingResult> HarnessTimer::time(llvm::ArrayRef<MeasureKey> keys) {
  std::vector<TimingResult> results(keys.size());
  // Compile every (N, K, candidate) once, for all its M buckets.
  std::map<std::string, CompiledGroup> fresh;
  std::map<std::string, CompiledGroup> &groups =
      options.keepCompiled ? kept : fresh;
  std::map<std::string, std::vector<int64_t>> bucketsOf;
  std::vector<std::string> groupOf(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    groupOf[i] = std::to_string(keys[i].n) + "x" + std::to_string(keys[i].k) +
                 " " + keys[i].candidate;
    bucketsOf[groupOf[i]].push_back(keys[i].m);
  }
  for (auto &[id, ms] : bucketsOf) {
    auto known = groups.find(id);
    if (known != groups.end() &&
        llvm::all_of(ms, [&](int64_t m) { return known->second.calls.count(m); }))
      continue; // compiled by an earlier call, for these M
    groups.erase(id);
    size_t first = std::find(groupOf.begin(), groupOf.end(), id) - groupOf.begin();
    const MeasureKey &key = keys[first];
    llvm::Expected<Candidate> candidate = Candidate::parse(key.candidate);
    CompiledGroup &g = groups[id];
    if (!candidate) {
      g.error = llvm::toString(candidate.takeError());
      continue;
    }
    compileGroup(g, *candidate, key.n, key.k, ms);
  }
  auto runOnce = [](CompiledGroup &g, int64_t m) {
    std::vector<PreparedCall> &calls = g.calls[m];
    calls[g.next++ % calls.size()].invoke();
  };
  // Calls per sample: enough back-to-back calls to last sampleSeconds.
  std::vector<unsigned> inner(keys.size(), 1);
  for (size_t i = 0; i < keys.size(); ++i) {
    CompiledGroup &g = groups[groupOf[i]];
    if (!g.error.empty())
      continue;
    for (int w = 0; w < 2; ++w) // warm-up: page in code and tables
      runOnce(g, keys[i].m);
    auto t0 = Clock::now();
    runOnce(g, keys[i].m);
    double once = std::chrono::duration<double>(Clock::now() - t0).count();
    inner[i] = unsigned(std::clamp(options.sampleSeconds / std::max(once, 1e-9),
                                   1.0, 10000.0));
  }
  std::vector<std::vector<double>> samples(keys.size());
  unsigned rounds = std::max(7u, options.rounds);
  for (unsigned r = 0; r < rounds; ++r)
    for (size_t i = 0; i < keys.size(); ++i) {
      CompiledGroup &g = groups[groupOf[i]];
      if (!g.error.empty())
        continue;
      auto t0 = Clock::now();
      for (unsigned c = 0; c < inner[i]; ++c)
        runOnce(g, keys[i].m);
      samples[i].push_back(
          std::chrono::duration<double>(Clock::now() - t0).count() / inner[i]);
    }
  for (size_t i = 0; i < keys.size(); ++i) {
    CompiledGroup &g = groups[groupOf[i]];
    if (!g.error.empty()) {
      results[i].error = g.error;
      continue;
    }
    Measurement m = summarize(samples[i], Source::Measured);
    m.kernel = g.kernel;
    results[i].time = m;
  }
  return results;
}

} // namespace

std::unique_ptr<Timer> createHarnessTimer(const HarnessTimerOptions &options) {
  return std::make_unique<HarnessTimer>(options);
}

} // namespace qforge::autoquant
