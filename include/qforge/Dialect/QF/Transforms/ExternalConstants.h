//===- ExternalConstants.h - Large constants a JIT supplies -----*- C++ -*-===//
//
// A model's weights, lowered to the LLVM dialect, are constant globals with
// their values as attributes. JIT-compiling them makes LLVM build, optimize
// and emit every element as a constant (a 400 MB model: tens of seconds in
// LLVM alone). A JIT that runs such a module in-process can instead copy the
// values into memory (writeConstantBytes), turn the globals into external
// declarations (--qf-externalize-constants, the same selection) and resolve
// their names to that memory.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_DIALECT_QF_TRANSFORMS_EXTERNALCONSTANTS_H
#define QFORGE_DIALECT_QF_TRANSFORMS_EXTERNALCONSTANTS_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <vector>

namespace qforge::qf {

/// A constant global --qf-externalize-constants{min-bytes} declares
/// external: its name, its value and the bytes that value occupies.
struct ExternalConstant {
  mlir::LLVM::GlobalOp global;
  mlir::ElementsAttr value;
  uint64_t bytes = 0;
};

/// The constant globals of `module` (LLVM dialect) with an elements value of
/// at least `minBytes` whose memory image is its elements in row-major order
/// (integer and float elements of 2..8 bits, one per byte, or of 16, 32 or
/// 64 bits; dense or resource values; the global's LLVM type laid out the
/// same). Nothing is changed.
std::vector<ExternalConstant> findExternalizableConstants(mlir::ModuleOp module,
                                                          uint64_t minBytes);

/// Writes the memory image of `c` (c.bytes bytes, as LLVM would lay the
/// global out on a little-endian host) to `dst`.
void writeConstantBytes(const ExternalConstant &c, char *dst);

} // namespace qforge::qf

#endif // QFORGE_DIALECT_QF_TRANSFORMS_EXTERNALCONSTANTS_H
