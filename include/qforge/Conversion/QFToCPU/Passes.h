//===- Passes.h - qf to CPU kernel passes -----------------------*- C++ -*-===//
#ifndef QFORGE_CONVERSION_QFTOCPU_PASSES_H
#define QFORGE_CONVERSION_QFTOCPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ArmNeon/ArmNeonDialect.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

namespace qforge::cpu {

/// qf-cpu-select-kernels' `int8-activations`: which weight-only matmuls
/// take the int8-activation kernel.
enum class Int8ActivationPolicy {
  Never,  ///< none
  Always, ///< every one whose weights the kernel takes
  Auto,   ///< as Always, on targets with native int8 dot products
};

/// The policy of a yes/no switch (qforge-compile and qforge-bench
/// --int8-activations): Always or Never.
inline Int8ActivationPolicy int8ActivationPolicy(bool always) {
  return always ? Int8ActivationPolicy::Always : Int8ActivationPolicy::Never;
}

#define GEN_PASS_DECL
#include "qforge/Conversion/QFToCPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qforge/Conversion/QFToCPU/Passes.h.inc"

} // namespace qforge::cpu

#endif // QFORGE_CONVERSION_QFTOCPU_PASSES_H
