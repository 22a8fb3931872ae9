//===- ArtifactPool.h - Kernel thread pools of loaded artifacts -*- C++ -*-===//
//
// qforge_load binds the parallel-loop hooks of an artifact compiled with
// --qf-cpu-to-llvm (include/qforge-c/qforge_parallel.h) to a thread pool that
// lives as long as the library is loaded: created once, with all cores, and
// reused by every kernel call. dlopen returns the same handle (hence the same
// globals) for every model loaded from one file, so those models share one
// pool, counted by reference. Artifacts without the hooks (the reference
// lowering) need no pool.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_RUNTIME_ARTIFACTPOOL_H
#define QFORGE_LIB_RUNTIME_ARTIFACTPOOL_H

#include <cstdint>

namespace qforge::runtime {

/// Binds the hooks of the library `handle` (from dlopen) to its pool; false
/// (with `error` set) only when the pool cannot be created.
bool attachPool(void *handle, const char **error);
/// Drops one reference; the last one unbinds the hooks and stops the pool.
void detachPool(void *handle);
/// Threads for the library's kernels (<= 0: all cores).
void setPoolThreads(void *handle, int32_t threads);

} // namespace qforge::runtime

#endif
