//===- Executors.h - ParallelFor executors for the core's tests -*- C++ -*-===//
//
// The numeric core's parallel loops must give bit-identical results for any
// executor: tests run them serially, on real threads, and in reverse order.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_TEST_UNIT_QUANT_EXECUTORS_H
#define QFORGE_TEST_UNIT_QUANT_EXECUTORS_H

#include "qforge/Quant/Parallel.h"

#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace qforge::quant::test {

/// `threads` threads taking iterations from a shared counter.
inline ParallelFor threadsExecutor(int threads) {
  return [threads](int64_t count, const std::function<void(int64_t)> &body) {
    std::atomic<int64_t> next{0};
    auto work = [&] {
      for (int64_t i; (i = next.fetch_add(1)) < count;)
        body(i);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
      pool.emplace_back(work);
    work();
    for (std::thread &t : pool)
      t.join();
  };
}

/// Every iteration on this thread, last first.
inline ParallelFor reversedExecutor() {
  return [](int64_t count, const std::function<void(int64_t)> &body) {
    for (int64_t i = count - 1; i >= 0; --i)
      body(i);
  };
}

/// The executors every parallel loop is checked under, with their names.
inline std::vector<std::pair<std::string, ParallelFor>> allExecutors() {
  return {{"serial", ParallelFor()},
          {"3 threads", threadsExecutor(3)},
          {"reversed", reversedExecutor()}};
}

} // namespace qforge::quant::test

#endif // QFORGE_TEST_UNIT_QUANT_EXECUTORS_H
