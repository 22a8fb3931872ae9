//===- QFDialect.h - The qf dialect -----------------------------*- C++ -*-===//
#ifndef QFORGE_DIALECT_QF_IR_QFDIALECT_H
#define QFORGE_DIALECT_QF_IR_QFDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "qforge/Dialect/QF/IR/QFOpsDialect.h.inc"

#endif // QFORGE_DIALECT_QF_IR_QFDIALECT_H
