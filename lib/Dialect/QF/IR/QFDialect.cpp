//===- QFDialect.cpp - The qf dialect ------------------------------------===//

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace qforge::qf;

#include "qforge/Dialect/QF/IR/QFOpsDialect.cpp.inc"
#include "qforge/Dialect/QF/IR/QFEnums.cpp.inc"

// Attribute storage must be complete where attributes are registered.
#define GET_ATTRDEF_CLASSES
#include "qforge/Dialect/QF/IR/QFAttrs.cpp.inc"

void QFDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qforge/Dialect/QF/IR/QFOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qforge/Dialect/QF/IR/QFAttrs.cpp.inc"
      >();
}
