//===- Fingerprint.h - Identity of a model for stats files ------*- C++ -*-===//
//
// A stats file is only valid for the model it was computed on. The
// fingerprint is the SHA-256 (hex) of the module's printed form after
// removing what does not change the math: qf.observe ops (their uses take
// the observed value), locations (so layer names may change), and
// discardable attributes (dialect-prefixed ones such as
// `llvm.emit_c_interface` or `qf.channel_dim`, on every op and the module),
// and the names of resource blobs (their contents count).
// The instrumented and the original module therefore fingerprint the same;
// any change to an op, a type, a constant or a resource blob does not.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_CALIBRATION_FINGERPRINT_H
#define QFORGE_CALIBRATION_FINGERPRINT_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace qforge {

/// 64 lowercase hex digits. Does not modify `module` (works on a clone).
std::string computeModelFingerprint(mlir::ModuleOp module);

} // namespace qforge

#endif
