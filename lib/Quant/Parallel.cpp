//===- Parallel.cpp - How the numeric core runs loops in parallel ---------===//

#include "qforge/Quant/Parallel.h"

#include <algorithm>

namespace qforge::quant {

void runParallel(const ParallelFor &parallelFor, int64_t count,
                 const std::function<void(int64_t)> &body) {
  if (count <= 0)
    return;
  if (!parallelFor || count == 1) {
    for (int64_t i = 0; i < count; ++i)
      body(i);
    return;
  }
  parallelFor(count, body);
}

void runParallelRanges(const ParallelFor &parallelFor, int64_t size,
                       int64_t chunks,
                       const std::function<void(int64_t, int64_t)> &body) {
  if (size <= 0)
    return;
  chunks = std::clamp<int64_t>(chunks, 1, size);
  runParallel(parallelFor, chunks, [&](int64_t c) {
    body(size * c / chunks, size * (c + 1) / chunks);
  });
}

} // namespace qforge::quant
