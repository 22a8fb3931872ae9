//===- StorageTypes.h - Element types quantized values live in --*- C++ -*-===//
//
// Signless `iN` is a signed integer and `uiN` an unsigned one, for N in
// {8, 4, 2}; float storage is f8E4M3FN, f8E5M2 or f4E2M1FN.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_DIALECT_QF_IR_STORAGETYPES_H
#define QFORGE_DIALECT_QF_IR_STORAGETYPES_H

#include "mlir/IR/BuiltinTypes.h"

#include <cstdint>
#include <utility>

namespace qforge::qf {

inline bool isIntegerStorage(mlir::Type type) {
  auto intType = llvm::dyn_cast<mlir::IntegerType>(type);
  if (!intType || intType.isSigned())
    return false;
  unsigned width = intType.getWidth();
  return width == 8 || width == 4 || width == 2;
}

inline bool isFloatStorage(mlir::Type type) {
  return llvm::isa<mlir::Float8E4M3FNType, mlir::Float8E5M2Type,
                   mlir::Float4E2M1FNType>(type);
}

inline bool isStorageType(mlir::Type type) {
  return isIntegerStorage(type) || isFloatStorage(type);
}

/// [qmin, qmax] of an integer storage type.
inline std::pair<int64_t, int64_t> getIntegerStorageRange(mlir::Type type) {
  auto intType = llvm::cast<mlir::IntegerType>(type);
  unsigned width = intType.getWidth();
  if (intType.isUnsigned())
    return {0, (int64_t(1) << width) - 1};
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

} // namespace qforge::qf

#endif // QFORGE_DIALECT_QF_IR_STORAGETYPES_H
