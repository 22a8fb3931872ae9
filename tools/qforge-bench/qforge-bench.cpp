//===- qforge-bench.cpp - Time the fused CPU kernels ---------------------===//
//
//   qforge-bench --scheme S --m M --n N --k K [--threads T] [--reps R]
//                [--json] [--check] [--suite llama]
//
// For each case: random weights quantized with lib/Quant, bound as constants
// into a qf.matmul module, compiled with --qf-cpu-to-llvm (packing included)
// and JIT-compiled at O3 for the host. The weight is compiled in C distinct
// copies (rows rotated) whose total size is at least four times the last-level
// cache, and successive repetitions cycle through them, so the weights come
// from memory as in a real decode step. Reported: the median of R timed
// repetitions after warm-up, the machine's read bandwidth (a streaming AVX2
// sum over 512 MiB in 1 MiB tiles of four streams, best of 5, with the same
// number of threads), and OpenBLAS (sgemv for M = 1, sgemm otherwise) on the f32
// weights, in the same run.
//
// Threads: the kernels' own parallel loops (N tiles x M blocks) run on one
// runtime thread pool (include/qforge-c/qforge_parallel.h) of T threads,
// created once and bound to every compiled module; OpenBLAS and the bandwidth
// probe use the same T.
//
// --check compares every case with the reference lowering
// (qforge::buildReferenceToLLVMPipeline) and exits non-zero naming the case.
//
//===----------------------------------------------------------------------===//

#include "qforge/Bench/MatmulHarness.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"

#include "qforge/Conversion/QFToCPU/PackedLayout.h"
#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/Support/raw_ostream.h"

#include "qforge-c/qforge_parallel.h"

#include <cblas.h>

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "AutoquantOracle.h"
#include <map>
#include <memory>
#include <sstream>
#include <thread>

using namespace qforge::harness;

namespace {

// Command line (parsed by hand: libLLVM's global options already include
// names such as --threads).
struct Options {
  std::vector<std::string> schemes;
  std::vector<int64_t> ms, ns, ks;
  unsigned threads = 0, reps = 20; // threads 0: all cores
  bool json = false, check = false, int8Activations = false;
  bool autoquantOracle = false;
  std::string suite;
} opts;

const char *kUsage = R"(usage: qforge-bench --scheme S --m M --n N --k K [--threads T] [--reps R]
                    [--json] [--check] [--suite llama] [--int8-activations]
  --scheme S     scheme(s), comma separated (w4g128,nf4g64,w8,a8w8,f32,...)
  --m/--n/--k    sizes, comma separated lists (all combinations are run)
  --threads T    threads of the kernels' pool, OpenBLAS and the bandwidth
                 probe (default: all cores)
  --reps R       timed repetitions, median reported (default 20)
  --json         one JSON object per case instead of the table
  --check        compare each case with the reference lowering; exit 1 on a
                 mismatch, naming the case
  --int8-activations
                 compile with qf-cpu-select-kernels' int8-activations=always: 4- and
                 8-bit integer, NF4 and FP4 schemes (w4gN, nf4gN, fp4gN /
                 w8gN with N a multiple of 64 / 32, or per channel;
                 NF4 / FP4 with an int8 codebook) quantize the
                 activations per group and use int8 dot products, as
                 MatMulNBits accuracy_level=4; --check
                 then allows for the activation rounding
  --autoquant-oracle
                 per shape and M: autoquant's pick among the schemes (default:
                 its own candidates) against the fastest candidate passing
                 the same accuracy guard in a separate exhaustive run
                 (--reps: timing rounds, default 7)
  --suite llama  LLaMA-style projections: (N, K) = (4096, 4096),
                 (14336, 4096), (4096, 14336) x M = 1, 8, 32, 128, 512;
                 --scheme and --m, when given, replace the default schemes
                 (w4g128,nf4g64,w8,a8w8) and M list
)";

std::vector<std::string> splitList(const std::string &s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty())
      out.push_back(item);
  return out;
}

bool parseInts(const std::string &s, std::vector<int64_t> &out) {
  for (const std::string &item : splitList(s)) {
    char *end = nullptr;
    long long v = std::strtoll(item.c_str(), &end, 10);
    if (!end || *end != '\0')
      return false;
    out.push_back(v);
  }
  return true;
}

bool parseArgs(int argc, char **argv, std::string &error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i], value;
    size_t eq = arg.find('=');
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto needValue = [&]() -> bool {
      if (eq != std::string::npos)
        return true;
      if (i + 1 >= argc) {
        error = arg + " needs a value";
        return false;
      }
      value = argv[++i];
      return true;
    };
    if (arg == "--json") {
      opts.json = true;
    } else if (arg == "--check") {
      opts.check = true;
    } else if (arg == "--autoquant-oracle") {
      opts.autoquantOracle = true;
    } else if (arg == "--int8-activations") {
      opts.int8Activations = true;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--scheme") {
      if (!needValue())
        return false;
      for (auto &s : splitList(value))
        opts.schemes.push_back(s);
    } else if (arg == "--m" || arg == "--n" || arg == "--k") {
      if (!needValue())
        return false;
      auto &list = arg == "--m" ? opts.ms : arg == "--n" ? opts.ns : opts.ks;
      if (!parseInts(value, list)) {
        error = "bad integer list for " + arg + ": '" + value + "'";
        return false;
      }
    } else if (arg == "--threads" || arg == "--reps") {
      if (!needValue())
        return false;
      std::vector<int64_t> v;
      if (!parseInts(value, v) || v.size() != 1 || v[0] <= 0) {
        error = arg + " needs a positive integer, got '" + value + "'";
        return false;
      }
      (arg == "--threads" ? opts.threads : opts.reps) = unsigned(v[0]);
    } else if (arg == "--suite") {
      if (!needValue())
        return false;
      opts.suite = value;
    } else {
      error = "unknown argument '" + arg + "'";
      return false;
    }
  }
  return true;
}

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string cpuModel() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown CPU";
}

//===----------------------------------------------------------------------===//
// Read bandwidth
//===----------------------------------------------------------------------===//

/// Sum of p[0..n) in tiles of 1 MiB, each read as four concurrent streams
/// 256 KiB apart (as the kernels read a tile of weight rows at once): on this
/// machine a single stream reaches only about 60% of the read bandwidth.
__attribute__((target("avx2"))) float sumAVX2(const float *p, size_t n) {
  const size_t sub = size_t(64) << 10; // floats per stream per tile
  __m256 a[8];
  for (__m256 &v : a)
    v = _mm256_setzero_ps();
  size_t base = 0;
  for (; base + 4 * sub <= n; base += 4 * sub) {
    const float *s0 = p + base, *s1 = s0 + sub, *s2 = s1 + sub, *s3 = s2 + sub;
    for (size_t i = 0; i < sub; i += 16) {
      a[0] = _mm256_add_ps(a[0], _mm256_load_ps(s0 + i));
      a[1] = _mm256_add_ps(a[1], _mm256_load_ps(s0 + i + 8));
      a[2] = _mm256_add_ps(a[2], _mm256_load_ps(s1 + i));
      a[3] = _mm256_add_ps(a[3], _mm256_load_ps(s1 + i + 8));
      a[4] = _mm256_add_ps(a[4], _mm256_load_ps(s2 + i));
      a[5] = _mm256_add_ps(a[5], _mm256_load_ps(s2 + i + 8));
      a[6] = _mm256_add_ps(a[6], _mm256_load_ps(s3 + i));
      a[7] = _mm256_add_ps(a[7], _mm256_load_ps(s3 + i + 8));
    }
  }
  __m256 t = a[0];
  for (int j = 1; j < 8; ++j)
    t = _mm256_add_ps(t, a[j]);
  float out[8];
  _mm256_storeu_ps(out, t);
  float s = 0;
  for (float v : out)
    s += v;
  for (size_t i = base; i < n; ++i)
    s += p[i];
  return s;
}

float sumScalar(const float *p, size_t n) {
  float s = 0;
  for (size_t i = 0; i < n; ++i)
    s += p[i];
  return s;
}

/// GB/s of a streaming sum over 512 MiB split across `threads` threads
/// (the best of 5 passes, as STREAM reports). Measured again for every case,
/// right after its timing, so that both see the same machine load.
double readBandwidth(unsigned threads) {
  const size_t bytes = size_t(512) << 20, count = bytes / 4;
  float *data = static_cast<float *>(std::aligned_alloc(64, bytes));
  bool avx2 = __builtin_cpu_supports("avx2");
  auto chunk = [&](unsigned t, auto fn) {
    size_t per = (count / threads + 31) / 32 * 32;
    size_t begin = std::min(count, t * per), end = std::min(count, begin + per);
    fn(data + begin, end - begin);
  };
  auto parallel = [&](auto fn) {
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
      pool.emplace_back([&, t] { chunk(t, fn); });
    chunk(0, fn);
    for (auto &th : pool)
      th.join();
  };
  parallel([](float *p, size_t n) {
    for (size_t i = 0; i < n; ++i)
      p[i] = 1.0f;
  });
  std::vector<double> times;
  volatile float sink = 0;
  for (int pass = 0; pass < 5; ++pass) {
    auto t0 = Clock::now();
    parallel([&](float *p, size_t n) {
      sink = sink + (avx2 ? sumAVX2(p, n) : sumScalar(p, n));
    });
    times.push_back(seconds(t0, Clock::now()));
  }
  std::free(data);
  return double(bytes) / *std::min_element(times.begin(), times.end()) / 1e9;
}

//===----------------------------------------------------------------------===//
// One case
//===----------------------------------------------------------------------===//

struct Case {
  std::string scheme;
  int64_t m, n, k;
};

struct Result {
  double secondsMedian = 0, openblasSeconds = 0;
  int64_t weightBytes = 0;
  double bandwidth = 0;
  int copies = 0;
  bool checked = false;
  std::string checkError;
};

/// Bytes one call's kernels stream: the packed globals (or the unpacked
/// weight, scales and zero points) of the functions whose names start with
/// `prefix`, read after --qf-pack-weights.
int64_t streamedBytes(mlir::ModuleOp module, const std::string &prefix) {
  int64_t total = 0;
  module.walk([&](mlir::Operation *op) {
    if (op->getName().getStringRef() != "qf.matmul")
      return;
    auto f = op->getParentOfType<mlir::func::FuncOp>();
    if (!f || !f.getSymName().starts_with(prefix))
      return;
    if (auto dict = op->getAttrOfType<mlir::DictionaryAttr>(qforge::qf::kCPUPackedAttrName)) {
      qforge::cpu::PackedLayout l;
      auto get = [&](llvm::StringRef name) {
        auto a = dict.getAs<mlir::IntegerAttr>(name);
        return a ? a.getInt() : 0;
      };
      l.n = get("n");
      l.k = get("k");
      l.bits = unsigned(get("bits"));
      l.nr = get("nr");
      l.kb = get("kb");
      l.groupSize = get("group");
      auto zt = dict.getAs<mlir::BoolAttr>("zero_term");
      l.hasZeroTerm = zt && zt.getValue();
      total += l.totalBytes();
      return;
    }
    for (unsigned i = 1; i < op->getNumOperands(); ++i) {
      auto t = llvm::dyn_cast<mlir::RankedTensorType>(op->getOperand(i).getType());
      if (!t || !op->getOperand(i).getDefiningOp())
        continue;
      unsigned bits = t.getElementTypeBitWidth();
      total += t.getNumElements() * std::max(1u, bits / 8);
    }
  });
  return total;
}

bool runCase(const Case &c, qforge_pool *pool, Result &res,
             std::string &error) {
  unsigned threads = opts.threads;
  MatmulSpec spec;
  spec.scheme = c.scheme;
  spec.m = c.m;
  spec.n = c.n;
  spec.k = c.k;
  spec.dynamicM = false;
  spec.constWeights = true;
  spec.int8Activations = opts.int8Activations;
  std::mt19937 rng(1234);
  MatmulData data;
  error = makeData(spec, rng, data);
  if (!error.empty())
    return false;

  // Copies of the weights, together at least four times the last-level
  // cache (at most 16).
  int64_t approxBytes = c.n * c.k * (data.scheme.isFloat() ? 4 : 1) *
                        (data.scheme.isFloat() ? 1 : int64_t(data.scheme.weightBits())) /
                        (data.scheme.isFloat() ? 1 : 8);
  int64_t target = 4 * lastLevelCacheBytes();
  int copies = int(std::clamp<int64_t>((target + approxBytes - 1) /
                                           std::max<int64_t>(approxBytes, 1),
                                       1, 16));
  res.copies = copies;

  std::string text;
  std::vector<std::string> names;
  std::vector<MatmulData> datas;
  datas.reserve(copies);
  for (int cp = 0; cp < copies; ++cp) {
    datas.push_back(selectRows(spec, data, 0, c.n, cp));
    names.push_back("kernel_c" + std::to_string(cp));
    text += functionText(names.back(), spec, datas.back());
  }
  std::vector<const MatmulSpec *> specPtrs(copies, &spec);
  std::vector<const MatmulData *> dataPtrs;
  for (const MatmulData &d : datas)
    dataPtrs.push_back(&d);

  mlir::MLIRContext context;
  initialize(context);
  context.disableMultithreading();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      buildModule(context, text, names, specPtrs, dataPtrs, error);
  if (!module)
    return false;
  {
    // Choose the kernels and pack first to count the bytes one call
    // streams; the full pipeline below keeps those configs and packs only
    // what is not packed yet (nothing).
    mlir::PassManager pm(&context);
    qforge::cpu::QFCPUSelectKernelsOptions select;
    select.int8Activations =
        qforge::cpu::int8ActivationPolicy(opts.int8Activations);
    pm.addPass(qforge::cpu::createQFCPUSelectKernels(select));
    pm.addPass(qforge::cpu::createQFPackWeights());
    if (mlir::failed(pm.run(*module))) {
      error = "qf-pack-weights failed";
      return false;
    }
    res.weightBytes = streamedBytes(*module, "kernel_c0");
  }
  std::unique_ptr<mlir::ExecutionEngine> engine = compile(
      *module,
      [&](mlir::OpPassManager &pm) {
        qforge::CPUPipelineOptions cpu;
        cpu.int8Activations =
            qforge::cpu::int8ActivationPolicy(opts.int8Activations);
        qforge::buildCPUToLLVMPipeline(pm, cpu);
      },
      error, 3);
  if (!engine)
    return false;
  bindPool(*engine, pool);

  std::vector<PreparedCall> calls(copies);
  for (int cp = 0; cp < copies; ++cp)
    if (!prepare(*engine, names[cp], spec, datas[cp], calls[cp], error))
      return false;
  unsigned reps = opts.reps;
  for (int w = 0; w < std::max(2, copies); ++w)
    calls[w % copies].invoke();
  std::vector<double> times;
  for (unsigned r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    calls[r % copies].invoke();
    times.push_back(seconds(t0, Clock::now()));
  }
  res.secondsMedian = median(times);
  res.bandwidth = readBandwidth(threads);

  // OpenBLAS on the f32 weights, same rotation, same threads.
  {
    int64_t wBytes = c.n * c.k * 4;
    int bcopies = int(std::clamp<int64_t>((target + wBytes - 1) / wBytes, 1, 16));
    std::vector<std::vector<float>> ws(bcopies, data.wDequant);
    std::vector<float> y(c.m * c.n);
    openblas_set_num_threads(int(threads));
    auto call = [&](int cp) {
      const float *w = ws[cp].data();
      if (c.m == 1)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, int(c.n), int(c.k), 1.0f, w,
                    int(c.k), data.xF32.data(), 1, 0.0f, y.data(), 1);
      else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(c.m),
                    int(c.n), int(c.k), 1.0f, data.xF32.data(), int(c.k), w,
                    int(c.k), 0.0f, y.data(), int(c.n));
    };
    for (int w = 0; w < std::max(2, bcopies); ++w)
      call(w % bcopies);
    std::vector<double> bt;
    for (unsigned r = 0; r < reps; ++r) {
      auto t0 = Clock::now();
      call(int(r % bcopies));
      bt.push_back(seconds(t0, Clock::now()));
    }
    res.openblasSeconds = median(bt);
  }

  if (opts.check) {
    res.checked = true;
    // Copy 0 (the unrotated weights), on all threads, against the reference.
    calls[0].invoke();
    mlir::MLIRContext refContext;
    initialize(refContext);
    refContext.disableMultithreading();
    std::string refText = functionText("reference", spec, data);
    std::vector<const MatmulSpec *> rs = {&spec};
    std::vector<const MatmulData *> rd = {&data};
    auto refModule = buildModule(refContext, refText, {"reference"}, rs, rd, error);
    if (!refModule)
      return false;
    auto refEngine = compile(
        *refModule,
        [](mlir::OpPassManager &pm) { qforge::buildReferenceToLLVMPipeline(pm); },
        error, 2);
    if (!refEngine)
      return false;
    PreparedCall refCall;
    if (!prepare(*refEngine, "reference", spec, data, refCall, error))
      return false;
    refCall.invoke();
    std::string report;
    int bad = compareOutputs(spec, data, refCall.outBytes, calls[0].outBytes,
                             report, 3);
    if (bad)
      res.checkError = std::to_string(bad) + " mismatches: " + report;
  }
  return true;
}

std::string caseName(const Case &c) {
  std::ostringstream os;
  os << c.scheme << " m=" << c.m << " n=" << c.n << " k=" << c.k
     << " threads=" << opts.threads;
  return os.str();
}

} // namespace

int main(int argc, char **argv) {
  std::string argError;
  if (!parseArgs(argc, argv, argError)) {
    std::fprintf(stderr, "qforge-bench: %s\n%s", argError.c_str(), kUsage);
    return 2;
  }
  std::vector<std::string> schemes = opts.schemes;
  std::vector<int64_t> ms = opts.ms;
  std::vector<std::pair<int64_t, int64_t>> shapes; // (n, k)
  if (!opts.suite.empty()) {
    if (opts.suite != "llama") {
      llvm::errs() << "qforge-bench: unknown suite '" << opts.suite
                   << "' (known: llama)\n";
      return 2;
    }
    shapes = {{4096, 4096}, {14336, 4096}, {4096, 14336}};
    if (schemes.empty() && !opts.autoquantOracle)
      schemes = {"w4g128", "nf4g64", "w8", "a8w8"};
    if (ms.empty())
      ms = {1, 8, 32, 128, 512};
  } else {
    if ((schemes.empty() && !opts.autoquantOracle) || ms.empty() ||
        opts.ns.empty() || opts.ks.empty()) {
      llvm::errs() << "qforge-bench: give --scheme, --m, --n and --k, or "
                      "--suite llama\n"
                   << kUsage;
      return 2;
    }
    for (int64_t n : opts.ns)
      for (int64_t k : opts.ks)
        shapes.push_back({n, k});
  }
  for (int64_t v : ms)
    if (v <= 0) {
      llvm::errs() << "qforge-bench: --m must be positive\n";
      return 2;
    }
  for (auto [n, k] : shapes)
    if (n <= 0 || k <= 0) {
      llvm::errs() << "qforge-bench: --n and --k must be positive\n";
      return 2;
    }
  for (const std::string &s : schemes) {
    std::string why;
    if (!qforge::quant::Scheme::parse(s, &why)) {
      llvm::errs() << "qforge-bench: " << why << "\n";
      return 2;
    }
  }

  if (opts.threads == 0)
    opts.threads = unsigned(qforge_hardware_threads());
  unsigned threads = opts.threads;
  // One pool for the whole run, bound to every case's compiled module.
  std::unique_ptr<qforge_pool, void (*)(qforge_pool *)> pool(
      qforge_pool_create(int32_t(threads)), qforge_pool_destroy);
  if (!pool) {
    llvm::errs() << "qforge-bench: cannot create a pool of " << threads
                 << " threads\n";
    return 1;
  }
  if (opts.autoquantOracle) {
    std::printf("machine: %s, %u hardware threads, LLC %lld MiB; %u "
                "thread(s)\n",
                cpuModel().c_str(), std::thread::hardware_concurrency(),
                (long long)(lastLevelCacheBytes() >> 20), threads);
    bool repsGiven = false;
    for (int i = 1; i < argc; ++i)
      repsGiven |= llvm::StringRef(argv[i]).starts_with("--reps");
    return runAutoquantOracle(shapes, ms, schemes, threads,
                              repsGiven ? opts.reps : 7);
  }
  if (!opts.json) {
    std::printf("machine: %s, %u hardware threads, LLC %lld MiB; read "
                "bandwidth %.1f GB/s with %u thread(s) (bw_GB/s: again per "
                "case)\n",
                cpuModel().c_str(), std::thread::hardware_concurrency(),
                (long long)(lastLevelCacheBytes() >> 20), readBandwidth(threads),
                threads);
    std::printf("%-14s %5s %6s %6s %3s %11s %9s %9s %8s %8s %7s %11s %8s%s\n",
                "scheme", "m", "n", "k", "thr", "median_us", "GFLOP/s",
                "weight_MB", "GB/s", "bw_GB/s", "roof%", "openblas_us", "speedup",
                opts.check ? "  check" : "");
  }
  int failures = 0;
  for (const std::string &s : schemes)
    for (int64_t m : ms)
      for (auto [n, k] : shapes) {
        Case c{s, m, n, k};
        Result r;
        std::string error;
        if (!runCase(c, pool.get(), r, error)) {
          llvm::errs() << "qforge-bench: " << caseName(c) << ": " << error
                       << "\n";
          ++failures;
          continue;
        }
        double gflops = 2.0 * m * n * k / r.secondsMedian / 1e9;
        double gbps = double(r.weightBytes) / r.secondsMedian / 1e9;
        double roof = gbps / r.bandwidth;
        double speedup = r.openblasSeconds / r.secondsMedian;
        if (opts.json) {
          std::printf("{\"scheme\": \"%s\", \"m\": %lld, \"n\": %lld, \"k\": "
                      "%lld, \"threads\": %u, \"seconds_median\": %.9g, "
                      "\"gflops\": %.6g, \"weight_bytes\": %lld, \"gbps\": "
                      "%.6g, \"roofline_fraction\": %.6g, "
                      "\"openblas_seconds\": %.9g, \"speedup_vs_openblas\": "
                      "%.6g}\n",
                      s.c_str(), (long long)m, (long long)n, (long long)k,
                      threads, r.secondsMedian, gflops,
                      (long long)r.weightBytes, gbps, roof, r.openblasSeconds,
                      speedup);
        } else {
          std::printf("%-14s %5lld %6lld %6lld %3u %11.1f %9.2f %9.2f %8.2f "
                      "%8.2f %6.1f%% %11.1f %8.2f%s\n",
                      s.c_str(), (long long)m, (long long)n, (long long)k,
                      threads, r.secondsMedian * 1e6, gflops,
                      r.weightBytes / 1e6, gbps, r.bandwidth, 100 * roof,
                      r.openblasSeconds * 1e6, speedup,
                      !r.checked ? ""
                      : r.checkError.empty() ? "  ok"
                                             : "  MISMATCH");
        }
        std::fflush(stdout);
        if (!r.checkError.empty()) {
          llvm::errs() << "qforge-bench: check failed for " << caseName(c)
                       << ": " << r.checkError;
          ++failures;
        }
      }
  return failures ? 1 : 0;
}
