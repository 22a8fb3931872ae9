// Threads inside the generated kernels (docs/KERNELS.md, "Threads").
//
// The kernels' outer loop (N tiles x blocks of 64 lhs rows) runs through the
// runtime pool of include/qforge-c/qforge_parallel.h. Each output element is
// computed by one iteration with the same code whichever thread runs it, so
// the outputs must be bit-identical for any thread count and any split, and
// identical to the unbound module (the serial fallback). Checked here for
// several schemes (float and integer paths, packed and unpacked weights,
// requantized outputs) on ragged shapes, with the pool forced to split into
// small ranges, and with a recording hook proving that the ranges really were
// split and covered [0, count) exactly once. The pool itself is tested on
// plain loops (coverage, nesting, concurrent callers, resizing).
#include "qforge/Bench/MatmulHarness.h"

#include "qforge/Pipelines/Pipelines.h"
#include "qforge/Target/TargetInfo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace {

/// f32 lanes of the host's vectors: the kernels this test JITs run on the
/// host, and their panel width follows from it.
int64_t hostF32Lanes() {
  llvm::Expected<std::unique_ptr<qforge::TargetInfo>> info =
      qforge::TargetInfo::get(qforge::Target{});
  if (!info) {
    llvm::consumeError(info.takeError());
    return 8;
  }
  return (*info)->getF32Lanes();
}

using namespace qforge::harness;

//===----------------------------------------------------------------------===//
// The pool on plain loops
//===----------------------------------------------------------------------===//

struct Counts {
  std::vector<std::atomic<int>> hits;
  explicit Counts(int64_t n) : hits(n) {}
};

void countTask(void *ctx, int64_t begin, int64_t end) {
  auto *c = static_cast<Counts *>(ctx);
  for (int64_t i = begin; i < end; ++i)
    c->hits[i].fetch_add(1);
}

void expectEachOnce(const Counts &c) {
  for (size_t i = 0; i < c.hits.size(); ++i)
    ASSERT_EQ(c.hits[i].load(), 1) << "iteration " << i;
}

TEST(ThreadPool, CoversEveryIterationOnce) {
  for (int32_t threads : {1, 2, 3, 5}) {
    qforge_pool *pool = qforge_pool_create(threads);
    ASSERT_NE(pool, nullptr);
    EXPECT_EQ(qforge_pool_threads(pool), threads);
    for (int64_t count : {0, 1, 2, 7, 64, 1000, 100003})
      for (int64_t grain : {1, 3, 64}) {
        Counts c(count);
        qforge_pool_parallel_for(pool, countTask, &c, count, grain);
        expectEachOnce(c);
      }
    qforge_pool_destroy(pool);
  }
}

TEST(ThreadPool, AllCoresByDefaultAndResizes) {
  qforge_pool *pool = qforge_pool_create(0);
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(qforge_pool_threads(pool), qforge_hardware_threads());
  qforge_pool_set_threads(pool, 3);
  EXPECT_EQ(qforge_pool_threads(pool), 3);
  Counts c(5000);
  qforge_pool_parallel_for(pool, countTask, &c, 5000, 1);
  expectEachOnce(c);
  qforge_pool_set_threads(pool, 1);
  EXPECT_EQ(qforge_pool_threads(pool), 1);
  Counts d(5000);
  qforge_pool_parallel_for(pool, countTask, &d, 5000, 1);
  expectEachOnce(d);
  qforge_pool_destroy(pool);
}

// Issue 16 #11: a thread count no machine has is capped, not fatal (it
// aborted on an uncaught std::system_error), and the pool still works.
TEST(ThreadPool, HugeThreadCountsAreCappedNotFatal) {
  qforge_pool *pool = qforge_pool_create(100000);
  ASSERT_NE(pool, nullptr);
  EXPECT_GE(qforge_pool_threads(pool), 1);
  EXPECT_LE(qforge_pool_threads(pool), 256);
  Counts c(5000);
  qforge_pool_parallel_for(pool, countTask, &c, 5000, 1);
  expectEachOnce(c);
  qforge_pool_set_threads(pool, 2);
  qforge_pool_set_threads(pool, 1 << 30);
  EXPECT_LE(qforge_pool_threads(pool), 256);
  Counts d(777);
  qforge_pool_parallel_for(pool, countTask, &d, 777, 3);
  expectEachOnce(d);
  qforge_pool_destroy(pool);
}

struct Nested {
  qforge_pool *pool;
  Counts *inner;
};

void nestedTask(void *ctx, int64_t begin, int64_t end) {
  auto *n = static_cast<Nested *>(ctx);
  for (int64_t i = begin; i < end; ++i) {
    // A loop started from inside a task runs on the calling thread.
    struct Slice {
      Counts *c;
      int64_t base;
    } slice{n->inner, i * 10};
    qforge_pool_parallel_for(
        n->pool,
        [](void *p, int64_t b, int64_t e) {
          auto *s = static_cast<Slice *>(p);
          for (int64_t j = b; j < e; ++j)
            s->c->hits[s->base + j].fetch_add(1);
        },
        &slice, 10, 1);
  }
}

TEST(ThreadPool, NestedAndConcurrentLoops) {
  qforge_pool *pool = qforge_pool_create(3);
  Counts inner(1000);
  Nested n{pool, &inner};
  qforge_pool_parallel_for(pool, nestedTask, &n, 100, 1);
  expectEachOnce(inner);

  // Two threads running loops on one pool: one gets the pool, the other
  // runs its loop itself; both complete.
  Counts a(10000), b(10000);
  std::thread other([&] {
    for (int r = 0; r < 20; ++r)
      qforge_pool_parallel_for(pool, countTask, &a, 10000, 1);
  });
  for (int r = 0; r < 20; ++r)
    qforge_pool_parallel_for(pool, countTask, &b, 10000, 1);
  other.join();
  for (int64_t i = 0; i < 10000; ++i) {
    ASSERT_EQ(a.hits[i].load(), 20);
    ASSERT_EQ(b.hits[i].load(), 20);
  }
  qforge_pool_destroy(pool);
}

TEST(ThreadPool, NullPoolRunsSerially) {
  Counts c(100);
  qforge_pool_parallel_for(nullptr, countTask, &c, 100, 1);
  expectEachOnce(c);
}

//===----------------------------------------------------------------------===//
// Kernels: bit-identical for every thread count
//===----------------------------------------------------------------------===//

/// A hook between the kernels and the pool that records the loops and the
/// ranges handed to tasks.
struct Recorder {
  std::mutex mutex;
  int64_t loops = 0, tasks = 0;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  std::set<std::thread::id> threads;
  int64_t lastCount = 0, lastGrain = 0;
  bool coverageOk = true;
} recorder;

struct Wrapped {
  qforge_parallel_task task;
  void *ctx;
};

void recordingTask(void *ctx, int64_t begin, int64_t end) {
  auto *w = static_cast<Wrapped *>(ctx);
  {
    std::lock_guard<std::mutex> lock(recorder.mutex);
    ++recorder.tasks;
    recorder.ranges.push_back({begin, end});
    recorder.threads.insert(std::this_thread::get_id());
  }
  w->task(w->ctx, begin, end);
}

void recordingFor(void *pool, qforge_parallel_task task, void *ctx,
                  int64_t count, int64_t grain) {
  {
    std::lock_guard<std::mutex> lock(recorder.mutex);
    ++recorder.loops;
    recorder.ranges.clear();
    recorder.lastCount = count;
    recorder.lastGrain = grain;
  }
  Wrapped w{task, ctx};
  qforge_pool_parallel_for(pool, recordingTask, &w, count, grain);
  // The ranges partition [0, count).
  std::lock_guard<std::mutex> lock(recorder.mutex);
  std::sort(recorder.ranges.begin(), recorder.ranges.end());
  int64_t next = 0;
  for (auto [b, e] : recorder.ranges) {
    if (b != next || e <= b)
      recorder.coverageOk = false;
    next = e;
  }
  if (next != count)
    recorder.coverageOk = false;
}

/// Points the module's hooks at `fn` / `pool` directly (bindPool always
/// installs qforge_pool_parallel_for).
void bindHook(mlir::ExecutionEngine &engine, qforge_parallel_for_fn fn,
              void *pool) {
  auto forGlobal = engine.lookup(QFORGE_PARALLEL_FOR_SYMBOL);
  auto poolGlobal = engine.lookup(QFORGE_PARALLEL_POOL_SYMBOL);
  ASSERT_TRUE(bool(forGlobal) && bool(poolGlobal));
  *static_cast<qforge_parallel_for_fn *>(*forGlobal) = fn;
  *static_cast<void **>(*poolGlobal) = pool;
}

struct ThreadsCase {
  const char *name;
  const char *scheme;
  bool constWeights;
  const char *outType = "f32";
};

class KernelThreads : public ::testing::TestWithParam<ThreadsCase> {};

TEST_P(KernelThreads, BitIdenticalForAnyThreadCount) {
  const ThreadsCase &c = GetParam();
  // Ragged N and K; M up to 130 crosses two 64-row block boundaries.
  const std::pair<int64_t, int64_t> shapes[] = {{129, 257}, {7, 130}, {64, 64}};
  const int64_t ms[] = {1, 3, 17, 130};
  std::mt19937 rng(777);
  std::vector<MatmulSpec> grid;
  for (auto [n, k] : shapes) {
    MatmulSpec spec;
    spec.scheme = c.scheme;
    spec.n = n;
    spec.k = k;
    spec.m = 130;
    spec.bias = true;
    spec.outType = c.outType;
    spec.constWeights = c.constWeights;
    grid.push_back(spec);
  }
  MatmulSet set;
  ASSERT_EQ(makeSet(grid, rng, set), "");
  const std::vector<MatmulSpec> &specs = set.specs;
  const std::vector<MatmulData> &datas = set.datas;
  const std::vector<std::string> &names = set.names;
  const std::string &text = set.text;
  std::vector<const MatmulSpec *> specPtrs = set.specPtrs();
  std::vector<const MatmulData *> dataPtrs = set.dataPtrs();
  mlir::MLIRContext context;
  initialize(context);
  context.disableMultithreading();
  std::string error;
  auto module = buildModule(context, text, names, specPtrs, dataPtrs, error);
  ASSERT_TRUE(module) << error;
  auto engine = compile(
      *module,
      [](mlir::OpPassManager &pm) { qforge::buildCPUToLLVMPipeline(pm, "host"); },
      error, 2);
  ASSERT_TRUE(engine) << error;

  for (size_t i = 0; i < specs.size(); ++i)
    for (int64_t m : ms) {
      MatmulSpec spec = specs[i];
      spec.m = m;
      MatmulData data = sliceRows(spec, datas[i], m);
      std::string label = std::string(c.scheme) + " M=" + std::to_string(m) +
                          " N=" + std::to_string(spec.n) +
                          " K=" + std::to_string(spec.k);
      auto runOnce = [&](std::vector<uint8_t> &out) {
        PreparedCall call;
        ASSERT_TRUE(prepare(*engine, names[i], spec, data, call, error)) << error;
        call.invoke();
        out = call.outBytes;
      };
      // Unbound: the serial fallback.
      ASSERT_TRUE(bindPool(*engine, nullptr));
      std::vector<uint8_t> serial;
      runOnce(serial);
      // Small M: one iteration per (4-row tile, 64-row block). From
      // KernelConfig::largeM = 32 rows the GEMM kernel runs: one iteration
      // per range of panels (2 vectors of the host's f32 lanes wide: 16
      // columns on AVX2, 32 on AVX-512), at most 16 ranges.
      int64_t tiles = (spec.n + 3) / 4, blocks = (m + 63) / 64;
      int64_t width = 2 * hostF32Lanes();
      int64_t panels = (spec.n + width - 1) / width,
              perRange = (panels + 15) / 16;
      int64_t iterations =
          m >= 32 ? (panels + perRange - 1) / perRange : tiles * blocks;
      for (int32_t threads : {1, 2, 3, 4}) {
        qforge_pool *pool = qforge_pool_create(threads);
        ASSERT_NE(pool, nullptr);
        // Split as finely as possible: one iteration per task at least.
        qforge_pool_set_grain(pool, 1);
        bindHook(*engine, recordingFor, pool);
        recorder.loops = recorder.tasks = 0;
        recorder.coverageOk = true;
        std::vector<uint8_t> got;
        runOnce(got);
        qforge_pool_destroy(pool);
        ASSERT_TRUE(bindPool(*engine, nullptr));
        EXPECT_EQ(recorder.loops, 1) << label;
        EXPECT_EQ(recorder.lastCount, iterations) << label;
        EXPECT_TRUE(recorder.coverageOk) << label << " threads=" << threads;
        if (threads > 1 && recorder.lastCount > 1) {
          EXPECT_GT(recorder.tasks, 1) << label << ": the loop was not split";
        }
        ASSERT_TRUE(got == serial)
            << label << ": " << threads
            << " threads differ from the single-threaded kernel";
      }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, KernelThreads,
    ::testing::Values(ThreadsCase{"f32", "f32", true},
                      ThreadsCase{"w8_args", "w8", false},
                      ThreadsCase{"w4g128", "w4g128", true},
                      ThreadsCase{"w4g32asym_args", "w4g32asym", false},
                      ThreadsCase{"nf4g64", "nf4g64", true},
                      ThreadsCase{"w2g64asym", "w2g64asym", true},
                      ThreadsCase{"fp8", "fp8", true},
                      ThreadsCase{"a8w8", "a8w8", true},
                      ThreadsCase{"a8w8_args_i8out", "a8w8", false, "i8"},
                      ThreadsCase{"w4g64_ui8out", "w4g64", true, "ui8"}),
    [](const ::testing::TestParamInfo<ThreadsCase> &info) {
      return std::string(info.param.name);
    });

// A large kernel on the real pool: workers, not only the caller, run ranges
// (no grain override: the kernel's own grain decides).
TEST(KernelThreadsPool, WorkersTakePart) {
  MatmulSpec spec;
  spec.scheme = "w8";
  spec.n = 2048;
  spec.k = 2048;
  spec.m = 1;
  spec.dynamicM = false;
  std::mt19937 rng(5);
  MatmulData data;
  ASSERT_EQ(makeData(spec, rng, data), "");
  mlir::MLIRContext context;
  initialize(context);
  context.disableMultithreading();
  std::string error;
  auto module = buildModule(context, functionText("big", spec, data), {"big"},
                            {&spec}, {&data}, error);
  ASSERT_TRUE(module) << error;
  auto engine = compile(
      *module,
      [](mlir::OpPassManager &pm) { qforge::buildCPUToLLVMPipeline(pm, "host"); },
      error, 2);
  ASSERT_TRUE(engine) << error;
  PreparedCall call;
  ASSERT_TRUE(prepare(*engine, "big", spec, data, call, error)) << error;
  call.invoke();
  std::vector<uint8_t> serial = call.outBytes;

  qforge_pool *pool = qforge_pool_create(2);
  bindHook(*engine, recordingFor, pool);
  bool workerRan = false;
  // On a loaded machine the caller may take every range before a worker
  // wakes up: try many calls.
  for (int r = 0; r < 500 && !workerRan; ++r) {
    {
      std::lock_guard<std::mutex> lock(recorder.mutex);
      recorder.threads.clear();
    }
    call.invoke();
    ASSERT_TRUE(call.outBytes == serial);
    std::lock_guard<std::mutex> lock(recorder.mutex);
    workerRan = recorder.threads.size() > 1;
  }
  qforge_pool_destroy(pool);
  ASSERT_TRUE(bindPool(*engine, nullptr));
  EXPECT_TRUE(workerRan) << "no range ran on a worker thread in 20 calls";
}

} // namespace
