//===- Parallel.h - How the numeric core runs loops in parallel -*- C++ -*-===//
//
// The numeric core never starts threads of its own: whoever calls it passes
// an executor (passes use the MLIR context's thread pool, tests a few plain
// threads) or none, and then everything runs on the calling thread. Every
// parallel loop in the core gives each iteration its own outputs and keeps
// the order of floating-point operations of each output fixed, so results
// are bit-identical for any executor, thread count and scheduling.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_PARALLEL_H
#define QFORGE_QUANT_PARALLEL_H

#include <cstdint>
#include <functional>

namespace qforge::quant {

/// Calls body(i) once for every i in [0, count), in any order and possibly
/// concurrently, and returns when every call has returned.
using ParallelFor = std::function<void(
    int64_t count, const std::function<void(int64_t)> &body)>;

/// Runs body(i) for i in [0, count) on `parallelFor`, or in order on this
/// thread when it is empty or there is a single iteration.
void runParallel(const ParallelFor &parallelFor, int64_t count,
                 const std::function<void(int64_t)> &body);

/// The same over [0, size) cut into `chunks` contiguous ranges of nearly
/// equal length: body(begin, end) per range.
void runParallelRanges(const ParallelFor &parallelFor, int64_t size,
                       int64_t chunks,
                       const std::function<void(int64_t, int64_t)> &body);

} // namespace qforge::quant

#endif // QFORGE_QUANT_PARALLEL_H
