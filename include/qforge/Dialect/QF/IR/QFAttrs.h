//===- QFAttrs.h - qf attributes --------------------------------*- C++ -*-===//
#ifndef QFORGE_DIALECT_QF_IR_QFATTRS_H
#define QFORGE_DIALECT_QF_IR_QFATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "qforge/Quant/Scheme.h"
#include "qforge/Support/Target.h"
#include "llvm/ADT/Hashing.h"

namespace qforge::quant {
inline llvm::hash_code hash_value(const Scheme &scheme) {
  return llvm::hash_code(hashValue(scheme));
}
} // namespace qforge::quant

namespace qforge {
inline llvm::hash_code hash_value(const Target &target) {
  return llvm::hash_code(hashValue(target));
}
} // namespace qforge

#include "qforge/Dialect/QF/IR/QFEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qforge/Dialect/QF/IR/QFAttrs.h.inc"

namespace qforge::qf {
/// The target code is generated for: the `qf.target` of the nearest module
/// enclosing `op` (or `op` itself) that has one, else the host.
Target getTargetOf(mlir::Operation *op);
} // namespace qforge::qf

#endif // QFORGE_DIALECT_QF_IR_QFATTRS_H
