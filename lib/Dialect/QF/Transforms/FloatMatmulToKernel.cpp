//===- FloatMatmulToKernel.cpp - Float matmuls to f32 qf.matmul ----------===//
//
// Matmuls that stay float (a float model, scheme f32, layers left out of
// quantization) would otherwise reach the CPU pipeline as linalg ops and be
// lowered to scalar loops; as qf.matmul with scheme f32 they take the same
// fused vector kernels (GEMV / large-M GEMM, threads) as quantized layers.
// The weights keep their values and element type: nothing is quantized.
//
//===----------------------------------------------------------------------===//

#include "MatmulRewrite.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFFLOATMATMULTOKERNEL
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;
using namespace qforge;
using namespace qforge::qf;
using namespace qforge::qf::rewrite;

namespace {

/// Whether the CPU kernels take this matmul: they need a static K in the
/// lhs (the weight's N and K are static, matchMatmul checked) and non-empty
/// N and K. Anything else stays linalg and is lowered to loops.
bool kernelTakes(const MatchedMatmul &match) {
  auto lhsType = cast<RankedTensorType>(match.lhs.getType());
  return !lhsType.isDynamicDim(lhsType.getRank() - 1) && match.n > 0 &&
         match.k > 0;
}

/// The [N, K] weight operand: the original value when it already has that
/// layout, otherwise a new constant of the transposed data in the weight's
/// own element type (f32, f16 or bf16).
Value weightNK(OpBuilder &b, linalg::LinalgOp op, const MatchedMatmul &match) {
  if (match.weightNK)
    return match.weightNK;
  Type elt = getElementTypeOrSelf(op.getDpsInputOperand(1)->get().getType());
  auto type = RankedTensorType::get({match.n, match.k}, elt);
  return arith::ConstantOp::create(b, op.getLoc(), floatsAttr(type, match.w));
}

struct FloatMatmulToKernelPass
    : qf::impl::QFFloatMatmulToKernelBase<FloatMatmulToKernelPass> {
  using Base::Base;

  void runOnOperation() override {
    // Contractions only: rewriting one erases its dead zero fill and weight
    // transposes (linalg ops too), never another contraction.
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (linalg::isaContractionOpInterface(op))
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    auto f32 = SchemeAttr::get(&getContext(), quant::Scheme());
    for (linalg::LinalgOp op : candidates) {
      std::optional<MatchedMatmul> match = matchMatmul(op);
      if (!match || !kernelTakes(*match))
        continue;
      rewriter.setInsertionPoint(op);
      Value weight = weightNK(rewriter, op, *match);
      replaceWithQfMatmul(rewriter, op, *match, f32, weight, /*scale=*/{},
                          /*zeroPoint=*/{}, /*divisor=*/{},
                          /*lhsScale=*/std::nullopt, /*algorithm=*/"");
    }
  }
};

} // namespace
