//===- ResourceSizes.h - dense_resource blobs against their types -*- C++ -*-===//
//
// MLIR's parser accepts a `dense_resource<NAME> : tensor<64x8xf32>` whose
// blob holds fewer bytes than the type says (or none at all); every reader
// of the blob (quantization, packing, LLVM translation) would then read past
// its end. Tools check a module with verifyResourceSizes once after loading
// it, and passes that read blobs check the ones they read.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_DIALECT_QF_UTILS_RESOURCESIZES_H
#define QFORGE_DIALECT_QF_UTILS_RESOURCESIZES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"

namespace qforge::qf {

/// Whether `attr`'s blob exists and holds exactly the bytes of its type;
/// `reason` says what is wrong otherwise.
bool hasCompleteBlob(mlir::DenseResourceElementsAttr attr,
                     std::string *reason = nullptr);

/// Checks every dense_resource attribute of every op under `root`, with a
/// located error for each whose blob is missing or has the wrong size.
mlir::LogicalResult verifyResourceSizes(mlir::Operation *root);

} // namespace qforge::qf

#endif
