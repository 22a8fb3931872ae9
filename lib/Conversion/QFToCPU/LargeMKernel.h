//===- LargeMKernel.h - The large-M (prefill) GEMM kernels ------*- C++ -*-===//
//
// For many lhs rows the small-M kernels (LowerToCPU.cpp: dot products over
// MR = 2 rows per weight tile) decode every weight once per 2 rows. These
// kernels use the classic GEMM structure instead (docs/KERNELS.md):
//
//   C[M, 2VL * panels] = 0                               (f32, or i32 for a8w8)
//   for each K block of KC elements:
//     for each panel p of 2VL output channels in [panelBegin, panelEnd):
//       decode the panel's KC x 2VL weights ONCE into a tile in L1, scales
//       and zero points folded in (f32), or as interleaved int16 K pairs (a8w8)
//       for each block of MR = 6 lhs rows (then 4, 2, 1 for the remainder):
//         MR x 2VL register accumulators += x[m, k] (broadcast) * tile[k, :]
//   for each panel, each row: epilogue(C[m, panel]) -> output
//
// The integer microkernel multiplies a broadcast pair (x[m,2j], x[m,2j+1])
// of int16 with the tile's interleaved pairs (w[n,2j], w[n,2j+1]) and adds
// adjacent products: vpmaddwd on AVX2, exact in i32.
//
// Threads: both kernels are functions of a panel range [panelBegin,
// panelEnd) (panel = 2VL output channels, the last one possibly partial);
// disjoint ranges write disjoint output columns and allocate their own
// tile and accumulators, so ranges may run concurrently.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_CONVERSION_QFTOCPU_LARGEMKERNEL_H
#define QFORGE_LIB_CONVERSION_QFTOCPU_LARGEMKERNEL_H

#include "Epilogue.h"
#include "WeightSource.h"

namespace qforge::cpu {

/// Output channels per panel of the large-M kernels (2 vector registers).
inline int64_t largeMPanelWidth(const KernelConfig &cfg) { return 2 * cfg.vl; }

/// Panels covering N.
inline int64_t largeMNumPanels(const KernelConfig &cfg, int64_t n) {
  int64_t w = largeMPanelWidth(cfg);
  return (n + w - 1) / w;
}

/// The float (weight-only / f32) large-M kernel for numRows rows and panels
/// [panelBegin, panelEnd). Its groups must be whole decode steps of `ws`
/// (or one group spans K): qf-cpu-select-kernels sets large_m = 0 otherwise.
void emitLargeMFloat(KB &k, const KernelConfig &cfg, const KernelIO &io,
                     WeightSource &ws, mlir::Value numRows,
                     mlir::Value panelBegin, mlir::Value panelEnd);

/// The integer (a8w8) large-M kernel: `xq` is the [M, Kq] int8 lhs (zero
/// padded to a multiple of KI), with a per-row scale `xsRow` ([M] f32) or a
/// scalar `xsScalar` (f32), as the small-M integer kernel's prologue makes.
void emitLargeMInt(KB &k, const KernelConfig &cfg, const KernelIO &io,
                   IntWeightSource &ws, mlir::Value numRows, mlir::Value xq,
                   mlir::Value xsRow, mlir::Value xsScalar,
                   mlir::Value panelBegin, mlir::Value panelEnd);

} // namespace qforge::cpu

#endif
