//===- PanelUpdate.h - Rows updated by a packed panel -----------*- C++ -*-===//
//
// The inner kernel of GPTQ's lazy batch update and of the triangular
// inverse: rows[r][j] +/-= coeffs[r][k] * panel[k * cols + j] for k in
// [kb, ke) in order, j in [0, cols), with a register tile of Rows rows x 4
// vectors. Each element receives exactly the operations of the scalar loop
// (multiply, then add or subtract, one rounding each), in the same order.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_QUANT_PANELUPDATE_H
#define QFORGE_LIB_QUANT_PANELUPDATE_H

#include "qforge/Quant/VectorWidth.h"

#include "Vectors.h"

#include <cstdint>

namespace qforge::quant {

enum class PanelOp { Add, Subtract };

template <PanelOp Op, int64_t Rows, int Bytes, typename T>
inline __attribute__((always_inline)) void
updateRowsFromPanelWith(T *const *rows, const T *const *coeffs,
                        const T *panel, int64_t kb, int64_t ke, int64_t cols) {
  using V = vec::Vector<T, Bytes>;
  using U = vec::Unaligned<T, Bytes>;
  constexpr int64_t kLanes = Bytes / sizeof(T);
  constexpr int64_t kVecs = 4;
  constexpr int64_t kWidth = kVecs * kLanes;
  int64_t j = 0;
  for (; j + kWidth <= cols; j += kWidth) {
    V acc[Rows][kVecs];
    for (int64_t r = 0; r < Rows; ++r)
      for (int64_t v = 0; v < kVecs; ++v)
        acc[r][v] = *reinterpret_cast<const U *>(rows[r] + j + kLanes * v);
    for (int64_t k = kb; k < ke; ++k) {
      const T *pk = panel + k * cols + j;
      V pv[kVecs];
      for (int64_t v = 0; v < kVecs; ++v)
        pv[v] = *reinterpret_cast<const U *>(pk + kLanes * v);
      for (int64_t r = 0; r < Rows; ++r) {
        const T c = coeffs[r][k];
        for (int64_t v = 0; v < kVecs; ++v) {
          if constexpr (Op == PanelOp::Add)
            acc[r][v] += pv[v] * c;
          else
            acc[r][v] -= pv[v] * c;
        }
      }
    }
    for (int64_t r = 0; r < Rows; ++r)
      for (int64_t v = 0; v < kVecs; ++v)
        *reinterpret_cast<U *>(rows[r] + j + kLanes * v) = acc[r][v];
  }
  for (; j < cols; ++j)
    for (int64_t r = 0; r < Rows; ++r) {
      T acc = rows[r][j];
      for (int64_t k = kb; k < ke; ++k) {
        if constexpr (Op == PanelOp::Add)
          acc += panel[k * cols + j] * coeffs[r][k];
        else
          acc -= panel[k * cols + j] * coeffs[r][k];
      }
      rows[r][j] = acc;
    }
}

template <PanelOp Op, int64_t Rows, typename T>
QFORGE_QUANT_TARGET_WIDE void
updateRowsFromPanelWide(T *const *rows, const T *const *coeffs,
                        const T *panel, int64_t kb, int64_t ke, int64_t cols) {
  updateRowsFromPanelWith<Op, Rows, 32>(rows, coeffs, panel, kb, ke, cols);
}

template <PanelOp Op, int64_t Rows, typename T>
void updateRowsFromPanel(T *const *rows, const T *const *coeffs,
                         const T *panel, int64_t kb, int64_t ke,
                         int64_t cols) {
  if (QFORGE_QUANT_WIDE_VECTORS && kernelVectorBits() == 256)
    updateRowsFromPanelWide<Op, Rows>(rows, coeffs, panel, kb, ke, cols);
  else
    updateRowsFromPanelWith<Op, Rows, 16>(rows, coeffs, panel, kb, ke, cols);
}

} // namespace qforge::quant

#endif // QFORGE_LIB_QUANT_PANELUPDATE_H
