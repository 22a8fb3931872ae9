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

#include "Vectors.h"

#include <cstdint>

namespace qforge::quant {

enum class PanelOp { Add, Subtract };

template <PanelOp Op, int64_t Rows, typename T>
void updateRowsFromPanel(T *const *rows, const T *const *coeffs,
                         const T *panel, int64_t kb, int64_t ke,
                         int64_t cols) {
  using V = vec::Vector<T>;
  constexpr int64_t kLanes = sizeof(V) / sizeof(T);
  constexpr int64_t kVecs = 4;
  constexpr int64_t kWidth = kVecs * kLanes;
  auto apply = [](auto acc, auto product) {
    return Op == PanelOp::Add ? acc + product : acc - product;
  };
  int64_t j = 0;
  for (; j + kWidth <= cols; j += kWidth) {
    V acc[Rows][kVecs];
    for (int64_t r = 0; r < Rows; ++r)
      for (int64_t v = 0; v < kVecs; ++v)
        acc[r][v] = vec::load<V>(rows[r] + j + kLanes * v);
    for (int64_t k = kb; k < ke; ++k) {
      const T *pk = panel + k * cols + j;
      V pv[kVecs];
      for (int64_t v = 0; v < kVecs; ++v)
        pv[v] = vec::load<V>(pk + kLanes * v);
      for (int64_t r = 0; r < Rows; ++r) {
        const T c = coeffs[r][k];
        for (int64_t v = 0; v < kVecs; ++v)
          acc[r][v] = apply(acc[r][v], pv[v] * c);
      }
    }
    for (int64_t r = 0; r < Rows; ++r)
      for (int64_t v = 0; v < kVecs; ++v)
        vec::store(rows[r] + j + kLanes * v, acc[r][v]);
  }
  for (; j < cols; ++j)
    for (int64_t r = 0; r < Rows; ++r) {
      T acc = rows[r][j];
      for (int64_t k = kb; k < ke; ++k)
        acc = apply(acc, panel[k * cols + j] * coeffs[r][k]);
      rows[r][j] = acc;
    }
}

} // namespace qforge::quant

#endif // QFORGE_LIB_QUANT_PANELUPDATE_H
