//===- ResourceSizes.cpp - dense_resource blobs against their types ------===//

#include "qforge/Dialect/QF/Utils/ResourceSizes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <string>

using namespace mlir;

namespace qforge::qf {

bool hasCompleteBlob(DenseResourceElementsAttr attr, std::string *reason) {
  auto fail = [&](std::string message) {
    if (reason)
      *reason = std::move(message);
    return false;
  };
  AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  if (!blob)
    return fail("has no data (its blob is missing from dialect_resources)");
  ShapedType type = attr.getType();
  Type element = type.getElementType();
  if (!element.isIntOrIndexOrFloat())
    return true; // not a type QForge reads bytes of
  uint64_t bits = element.isIndex() ? 64 : element.getIntOrFloatBitWidth();
  uint64_t count = uint64_t(type.getNumElements());
  uint64_t expected = count * llvm::divideCeil(bits, 8);
  uint64_t actual = blob->getData().size();
  if (actual != expected)
    return fail("holds " + std::to_string(actual) + " bytes, but its type " +
                "needs " + std::to_string(expected));
  return true;
}

LogicalResult verifyResourceSizes(Operation *root) {
  bool ok = true;
  root->walk([&](Operation *op) {
    op->getAttrDictionary().walk([&](DenseResourceElementsAttr attr) {
      std::string reason;
      if (!hasCompleteBlob(attr, &reason)) {
        op->emitError() << "dense_resource<" << attr.getRawHandle().getKey()
                        << "> : " << attr.getType() << " " << reason;
        ok = false;
      }
    });
  });
  return success(ok);
}

} // namespace qforge::qf
