//===- Epilogue.h - A kernel's operands and its output epilogue -*- C++ -*-===//
//
// Shared by every qf.matmul kernel (the small-M tiles in LowerToCPU.cpp and
// the large-M GEMM in LargeMKernel.cpp): the operands as buffers, and the
// epilogue that turns a vector of accumulated outputs of one row into the
// result (bias, activation, residual, requantization or cast, masked store).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_CONVERSION_QFTOCPU_EPILOGUE_H
#define QFORGE_LIB_CONVERSION_QFTOCPU_EPILOGUE_H

#include "KernelBuilder.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

namespace qforge::cpu {

/// Everything a kernel reads and writes, as buffers with M folded.
struct KernelIO {
  mlir::Value x;        ///< [M, K] lhs (f32/f16/bf16 or i8)
  mlir::Value lhsScale; ///< rank 0 or [M]; null when none
  mlir::Value bias;     ///< [N] or null
  mlir::Value residual; ///< [M, N] or null
  mlir::Value outScale; ///< rank 0 or null
  mlir::Value outZp;    ///< rank 0 or null
  bool outZpUnsigned = false;
  mlir::Value out;       ///< [M, N]
  mlir::Type resultElt;  ///< original (maybe unsigned) result element type
  qf::Activation act = qf::Activation::none;
  int64_t n = 0, k = 0;
};

/// saturate(roundeven(x / scale) + zp) into [qmin, qmax], NaN -> zp, as i32;
/// the reference's op sequence on vectors (bit-exact).
mlir::Value quantizeVec(KB &k, mlir::Value x, mlir::Value scale,
                        mlir::Value zp, int64_t qmin, int64_t qmax);

/// y: vector<W x f32> (any W) for output row m, columns n0 .. n0+W: bias,
/// activation, residual, requantization or cast, then one masked store
/// (lanes >= N are dropped).
void emitEpilogue(KB &k, const KernelIO &io, mlir::Value m, mlir::Value n0,
                  mlir::Value y);

} // namespace qforge::cpu

#endif
