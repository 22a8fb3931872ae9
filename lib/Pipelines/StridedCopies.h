//===- StridedCopies.h - memref.copy between strided views ------*- C++ -*-===//
//
// Internal to the pipelines: artifacts must not call libmlir_c_runner_utils'
// `memrefCopy`, so non-contiguous copies become linalg.copy (then loops).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_PIPELINES_STRIDEDCOPIES_H
#define QFORGE_LIB_PIPELINES_STRIDEDCOPIES_H

#include "mlir/Pass/Pass.h"

#include <memory>

namespace qforge {

/// On func.func: memref.copy whose source or target is not contiguous
/// becomes linalg.copy. Run after bufferization, before linalg-to-loops.
std::unique_ptr<mlir::Pass> createStridedCopiesToLinalgPass();

/// Registers it by name (qf-strided-copies-to-linalg), so that printed
/// pipelines replay in qforge-opt.
void registerStridedCopiesToLinalgPass();

} // namespace qforge

#endif
