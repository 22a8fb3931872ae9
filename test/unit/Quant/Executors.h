//===- Executors.h - ParallelFor executors for the core's tests -*- C++ -*-===//
//
// The numeric core's parallel loops must give bit-identical results for any
// executor and vector width: tests run them serially, on real threads, in
// reverse order, on 128- and (where the host has AVX2) 256-bit vectors.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_TEST_UNIT_QUANT_EXECUTORS_H
#define QFORGE_TEST_UNIT_QUANT_EXECUTORS_H

#include "qforge/Quant/Parallel.h"
#include "qforge/Quant/VectorWidth.h"

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

/// Runs body(bits) with the kernels pinned to each vector width this host
/// has (128, and 256 with AVX2), then gives the choice back to the host.
template <typename Body> void forEachVectorWidth(Body body) {
  for (int bits : {128, 256}) {
    if (!overrideKernelVectorBits(bits))
      continue;
    body(bits);
  }
  overrideKernelVectorBits(std::nullopt);
}

} // namespace qforge::quant::test

#endif // QFORGE_TEST_UNIT_QUANT_EXECUTORS_H
