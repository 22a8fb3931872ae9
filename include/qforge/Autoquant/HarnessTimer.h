//===- HarnessTimer.h - Timing the generated kernels on this host -*- C++ -*-===//
//
// The measuring Timer: each (N, K, candidate) is compiled once through the
// CPU pipeline (lib/Bench's harness: random weights quantized by the numeric
// core, one function per weight copy, the copies together at least four
// times the last-level cache so that every call reads its weights from
// memory, as a decode step does) with a dynamic M that serves every bucket.
// All kernels are compiled first; then rounds run every key once each, in
// the same order (A B C A B C ...), so that drift in the machine's
// bandwidth between rounds hits every candidate alike. A key's sample in a
// round is the mean of enough back-to-back calls to last ~1 ms.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_AUTOQUANT_HARNESSTIMER_H
#define QFORGE_AUTOQUANT_HARNESSTIMER_H

#include "qforge/Autoquant/Measurement.h"

namespace qforge::autoquant {

struct HarnessTimerOptions {
  unsigned threads = 1;
  unsigned rounds = 7; ///< at least 7 (median with p20 / p80)
  /// Seconds each key's sample in a round lasts at least.
  double sampleSeconds = 1e-3;
  /// Keep every compiled kernel for later time() calls (a second timing run
  /// without compiling again: qforge-bench --autoquant-oracle). Off, each
  /// call frees its kernels (each holds weight copies of four times the
  /// last-level cache).
  bool keepCompiled = false;
};

/// A Timer that runs the kernels on this machine; the keys' target must be
/// the host's (the caller's check).
std::unique_ptr<Timer> createHarnessTimer(const HarnessTimerOptions &options);

/// Whether `scheme` has an int8-activation kernel on the CPU backend
/// (cpu::takesInt8Activations), for parseCandidates.
bool cpuHasInt8ActivationKernel(const quant::Scheme &scheme);

} // namespace qforge::autoquant

#endif
