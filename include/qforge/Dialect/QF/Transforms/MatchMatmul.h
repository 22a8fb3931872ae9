//===- MatchMatmul.h - Float matmuls with a constant weight -----*- C++ -*-===//
//
// The one matcher of what QForge quantizes: a matmul-like linalg op whose
// weight is a constant (possibly behind transposes and reshapes), with its
// weight as [N, K]. --qf-quantize, --qf-import-weights,
// --qf-float-matmul-to-kernel and --qf-autoquant (lib/Autoquant) use it.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_DIALECT_QF_TRANSFORMS_MATCHMATMUL_H
#define QFORGE_DIALECT_QF_TRANSFORMS_MATCHMATMUL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace qforge::qf::rewrite {

struct MatchedMatmul {
  mlir::Value lhs;        ///< [..., M, K], float
  std::vector<float> w;   ///< [N, K] row-major
  int64_t n = 0, k = 0;
  mlir::Value acc;        ///< the init operand; null when it is all zeros
  /// The weight operand itself when it already is [N, K] (no transpose
  /// crossed on the way to the constant): usable as an f32 qf.matmul's
  /// weight without building a second copy of the data. Null otherwise.
  mlir::Value weightNK;
};

/// A float matmul whose weight is a constant (possibly behind transposes and
/// reshapes), with its weight as [N, K]. Without `readWeights`, `w` stays
/// empty: what is matched without copying the data (deciding about every
/// layer before quantizing any).
std::optional<MatchedMatmul> matchMatmul(mlir::linalg::LinalgOp op,
                                         bool readWeights = true);

} // namespace qforge::qf::rewrite

#endif
