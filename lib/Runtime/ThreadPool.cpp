//===- ThreadPool.cpp - The pool behind the generated kernels' loops -----===//
//
// include/qforge-c/qforge_parallel.h. C++17 and libc only (ships with
// artifacts, like Runtime.cpp).
//
// One loop at a time per pool. The caller publishes a job (task, ctx, count,
// chunk) and works on it too; ranges are handed out dynamically, `chunk`
// iterations at a time, from one 64-bit word `state` = (job generation << 32 |
// next chunk). The job's fields are published like a seqlock: the caller
// first closes the word (next chunk = kClosed), writes the fields, then opens
// the new generation; a claim is a compare-exchange on the word value the
// claimer read before the fields, so a thread that wakes up late can never
// run a chunk with fields of another job. Workers spin for a short
// while after a job (kernels of one model run back to back) and then sleep
// on a condition variable, so an idle pool costs no CPU.
//
// Chunks: about 8 per thread (load balance on a machine shared with other
// work), never fewer than the kernel's grain iterations. Which thread runs a
// chunk never changes the numbers: each iteration writes disjoint outputs.
//
//===----------------------------------------------------------------------===//

#include "qforge-c/qforge_parallel.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

namespace {

/// More threads than this are capped (qforge_parallel.h): a pool is for one
/// machine's cores, and a typo such as 100000 must not exhaust the system.
constexpr int32_t kMaxPoolThreads = 256;

thread_local bool insideTask = false;

constexpr uint64_t kChunkMask = 0xFFFFFFFFull;
/// `state`'s chunk field while the job's fields are being rewritten.
constexpr uint64_t kClosed = kChunkMask;
constexpr int64_t kChunksPerThread = 8;
/// How long an idle worker polls for the next job before sleeping.
constexpr std::chrono::microseconds kSpin(200);

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

} // namespace

struct qforge_pool {
  explicit qforge_pool(int32_t threads) { start(threads); }
  ~qforge_pool() { stop(); }

  void start(int32_t threads);
  void stop();
  void parallelFor(qforge_parallel_task task, void *ctx, int64_t count,
                   int64_t grain);
  int32_t threads() const { return int32_t(workers.size()) + 1; }

  std::atomic<int64_t> grainOverride{0};

private:
  void workerLoop();
  /// Claims and runs chunks of job `generation` until none is left.
  void participate(uint64_t generation);

  std::vector<std::thread> workers;
  std::mutex runMutex; ///< one loop at a time
  std::mutex mutex;    ///< with `wake`: sleeping workers
  std::condition_variable wake;
  bool stopping = false;

  // The live job. Written by the caller (under `mutex`) only when no chunk of
  // the previous job is unclaimed; atomics so that a late reader is not a
  // data race (it then fails to claim anything).
  std::atomic<qforge_parallel_task> jobTask{nullptr};
  std::atomic<void *> jobCtx{nullptr};
  std::atomic<int64_t> jobCount{0}, jobChunk{1}, jobChunks{0};
  std::atomic<uint64_t> state{0};      ///< generation << 32 | next chunk
  std::atomic<int64_t> unfinished{0};  ///< chunks of the live job not done
  uint64_t generation = 0;             ///< caller side
};

void qforge_pool::start(int32_t threads) {
  if (threads <= 0)
    threads = qforge_hardware_threads();
  threads = std::min(threads, kMaxPoolThreads);
  stopping = false;
  for (int32_t i = 1; i < threads; ++i) {
    // The system may refuse a thread (limits, memory): the pool then runs
    // with the workers it has, never aborts the caller.
    try {
      workers.emplace_back([this] { workerLoop(); });
    } catch (const std::system_error &) {
      break;
    }
  }
}

void qforge_pool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &t : workers)
    t.join();
  workers.clear();
}

void qforge_pool::participate(uint64_t gen) {
  for (;;) {
    uint64_t s = state.load(std::memory_order_acquire);
    if ((s >> 32) != gen)
      return;
    int64_t chunkIndex = int64_t(s & kChunkMask);
    // Read before claiming: a successful claim below proves the job was
    // still live, hence these are its values.
    int64_t chunks = jobChunks.load(std::memory_order_relaxed);
    if (chunkIndex >= chunks)
      return;
    qforge_parallel_task task = jobTask.load(std::memory_order_relaxed);
    void *ctx = jobCtx.load(std::memory_order_relaxed);
    int64_t count = jobCount.load(std::memory_order_relaxed);
    int64_t chunk = jobChunk.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    if (!state.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel))
      continue;
    int64_t begin = chunkIndex * chunk;
    int64_t end = std::min(count, begin + chunk);
    insideTask = true;
    task(ctx, begin, end);
    insideTask = false;
    unfinished.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void qforge_pool::workerLoop() {
  uint64_t seen = 0;
  for (;;) {
    auto deadline = std::chrono::steady_clock::now() + kSpin;
    uint64_t gen = seen;
    for (unsigned i = 0;; ++i) {
      gen = state.load(std::memory_order_acquire) >> 32;
      if (gen != seen)
        break;
      if ((i & 63) == 63 && std::chrono::steady_clock::now() > deadline) {
        std::unique_lock<std::mutex> lock(mutex);
        wake.wait(lock, [&] {
          return stopping ||
                 (state.load(std::memory_order_acquire) >> 32) != seen;
        });
        if (stopping)
          return;
        gen = state.load(std::memory_order_acquire) >> 32;
        break;
      }
      cpuRelax();
    }
    seen = gen;
    participate(gen);
  }
}

void qforge_pool::parallelFor(qforge_parallel_task task, void *ctx,
                              int64_t count, int64_t grain) {
  if (count <= 0)
    return;
  int64_t override = grainOverride.load(std::memory_order_relaxed);
  grain = std::max<int64_t>(1, override > 0 ? override : grain);
  int64_t threadsNow = threads();
  int64_t chunk = std::max(grain, (count + threadsNow * kChunksPerThread - 1) /
                                      (threadsNow * kChunksPerThread));
  // One thread, one chunk, a nested loop, or the pool busy with another
  // thread's loop: the single-threaded code, on this thread.
  if (threadsNow == 1 || count <= chunk || insideTask) {
    task(ctx, 0, count);
    return;
  }
  std::unique_lock<std::mutex> run(runMutex, std::try_to_lock);
  if (!run.owns_lock()) {
    task(ctx, 0, count);
    return;
  }
  int64_t chunks = (count + chunk - 1) / chunk;
  if (chunks >= int64_t(kClosed)) {
    chunk = count / (int64_t(kClosed) - 1) + 1;
    chunks = (count + chunk - 1) / chunk;
  }
  uint64_t gen;
  {
    std::lock_guard<std::mutex> lock(mutex);
    state.store((generation & kChunkMask) << 32 | kClosed,
                std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    jobTask.store(task, std::memory_order_relaxed);
    jobCtx.store(ctx, std::memory_order_relaxed);
    jobCount.store(count, std::memory_order_relaxed);
    jobChunk.store(chunk, std::memory_order_relaxed);
    jobChunks.store(chunks, std::memory_order_relaxed);
    unfinished.store(chunks, std::memory_order_relaxed);
    gen = (++generation) & kChunkMask;
    if (gen == 0) // generation 0 means "no job yet" to the workers
      gen = ++generation & kChunkMask;
    state.store(gen << 32, std::memory_order_release);
  }
  wake.notify_all();
  participate(gen);
  // Chunks still running on workers: wait for them (they are short).
  for (unsigned i = 0; unfinished.load(std::memory_order_acquire) != 0; ++i) {
    if (i < 1024)
      cpuRelax();
    else
      std::this_thread::yield();
  }
}

extern "C" {

int32_t qforge_hardware_threads(void) {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0)
      return n;
  }
  unsigned n = std::thread::hardware_concurrency();
  return n ? int32_t(n) : 1;
}

qforge_pool *qforge_pool_create(int32_t threads) {
  try {
    return new qforge_pool(threads);
  } catch (...) {
    return nullptr;
  }
}

void qforge_pool_destroy(qforge_pool *pool) { delete pool; }

void qforge_pool_set_threads(qforge_pool *pool, int32_t threads) {
  if (!pool)
    return;
  int32_t want = threads <= 0 ? qforge_hardware_threads() : threads;
  if (want == pool->threads())
    return;
  pool->stop();
  pool->start(want);
}

int32_t qforge_pool_threads(const qforge_pool *pool) {
  return pool ? pool->threads() : 1;
}

void qforge_pool_set_grain(qforge_pool *pool, int64_t grain) {
  if (pool)
    pool->grainOverride.store(grain > 0 ? grain : 0);
}

void qforge_pool_parallel_for(void *pool, qforge_parallel_task task, void *ctx,
                              int64_t count, int64_t grain) {
  if (!pool) {
    if (count > 0)
      task(ctx, 0, count);
    return;
  }
  static_cast<qforge_pool *>(pool)->parallelFor(task, ctx, count, grain);
}

void qforge_pool_bind(qforge_pool *pool, void *parallelForGlobal,
                      void *poolGlobal) {
  if (!parallelForGlobal || !poolGlobal)
    return;
  auto *fn = static_cast<qforge_parallel_for_fn *>(parallelForGlobal);
  auto *slot = static_cast<void **>(poolGlobal);
  if (pool) {
    *slot = pool;
    *fn = qforge_pool_parallel_for;
  } else {
    *fn = nullptr;
    *slot = nullptr;
  }
}

} // extern "C"
