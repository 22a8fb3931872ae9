//===- QFDialect.cpp - The qf dialect ------------------------------------===//

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/IR/BuiltinOps.h"

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

LogicalResult QFDialect::verifyOperationAttribute(Operation *op,
                                                 NamedAttribute attribute) {
  StringRef name = attribute.getName().getValue();
  if (name == kTargetAttrName) {
    if (!isa<ModuleOp>(op))
      return op->emitOpError() << "'" << name << "' belongs on a module";
    if (!isa<TargetAttr>(attribute.getValue()))
      return op->emitOpError() << "'" << name << "' must be a #qf.target";
    return success();
  }
  if (name == kCPUKernelAttrName) {
    if (!isa<MatmulOp>(op))
      return op->emitOpError() << "'" << name << "' belongs on a qf.matmul";
    if (!isa<CPUKernelAttr>(attribute.getValue()))
      return op->emitOpError() << "'" << name << "' must be a #qf.cpu_kernel";
    return success();
  }
  if (name == kCPUPackedAttrName && !isa<DictionaryAttr>(attribute.getValue()))
    return op->emitOpError() << "'" << name << "' must be a dictionary";
  if (name == kAutoquantAttrName) {
    auto dict = dyn_cast<DictionaryAttr>(attribute.getValue());
    if (!dict || !dict.getAs<StringAttr>("scheme") ||
        (dict.get("kernel") && !dict.getAs<CPUKernelAttr>("kernel")))
      return op->emitOpError()
             << "'" << name
             << "' must be {scheme = \"...\"[, kernel = #qf.cpu_kernel<...>]}";
    return success();
  }
  if (name == kCPUInt8ActivationsAttrName) {
    if (!isa<MatmulOp>(op) || !isa<UnitAttr>(attribute.getValue()))
      return op->emitOpError()
             << "'" << name << "' is a unit attribute of a qf.matmul";
    return success();
  }
  if (name == kAlgorithmAttrName && !isa<StringAttr>(attribute.getValue()))
    return op->emitOpError() << "'" << name << "' must be a string";
  return success();
}
