//===- Parallel.h - Marker of the CPU kernels' parallel loops ---*- C++ -*-===//
#ifndef QFORGE_LIB_CONVERSION_QFTOCPU_PARALLEL_H
#define QFORGE_LIB_CONVERSION_QFTOCPU_PARALLEL_H

#include "llvm/ADT/StringRef.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"

namespace qforge::cpu {

/// Marks the kernels' parallel loops (an `scf.parallel` after
/// --qf-lower-to-cpu, the outlined body function after
/// --qf-cpu-outline-parallel): the least number of iterations worth one task.
inline constexpr llvm::StringLiteral kParallelGrainAttr =
    qf::kParallelGrainAttrName;

} // namespace qforge::cpu

#endif
