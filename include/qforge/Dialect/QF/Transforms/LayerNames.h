//===- LayerNames.h - Stable names for the matmuls of a model ---*- C++ -*-===//
//
// Observers, stats files, per-layer options (skip=, layers=, scheme files)
// and reports all refer to a matmul by one name, so it must not change when
// the module is instrumented or quantized:
//   - the name in the op's location (`loc("fc1")`, also inside fused or
//     call-site locations), if there is one;
//   - otherwise `<function>.matmul<i>`, i counting the matmul-like ops
//     (linalg contractions and qf.matmul) of the function in order.
// Observed values are `<layer>.input` and `<layer>.output`.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_DIALECT_QF_TRANSFORMS_LAYERNAMES_H
#define QFORGE_DIALECT_QF_TRANSFORMS_LAYERNAMES_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"

#include <string>

namespace qforge::qf {

/// linalg.matmul / batch_matmul / matmul with transposes, contraction
/// linalg.generics, and qf.matmul.
bool isMatmulLike(mlir::Operation *op);

/// Names every matmul-like op under `root` (see above).
llvm::DenseMap<mlir::Operation *, std::string>
getLayerNames(mlir::Operation *root);

} // namespace qforge::qf

#endif
