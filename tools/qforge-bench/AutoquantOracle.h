//===- AutoquantOracle.h - How close autoquant's picks come -----*- C++ -*-===//
//
// qforge-bench --autoquant-oracle: for each shape and M, autoquant's pick
// (the planner on one interleaved timing run of every candidate, with the
// guard on random data and the 5% rule) against the oracle: the fastest
// candidate passing the same guard in a second, separate timing run of
// every candidate (the kernels compiled once). Both are read from the
// second run.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_TOOLS_QFORGE_BENCH_AUTOQUANTORACLE_H
#define QFORGE_TOOLS_QFORGE_BENCH_AUTOQUANTORACLE_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

/// Prints one line per (shape, M); returns the process exit code.
int runAutoquantOracle(const std::vector<std::pair<int64_t, int64_t>> &shapes,
                       const std::vector<int64_t> &ms,
                       const std::vector<std::string> &schemes,
                       unsigned threads, unsigned rounds);

#endif
