//===- Packing.h - Which weights are packed, and how ------------*- C++ -*-===//
//
// Shared by --qf-cpu-select-kernels (which chooses the block), --qf-pack-weights
// (which writes the packed global and tags the op) and --qf-lower-to-cpu
// (which reads it): the layout of a kernel config, the code transform, and
// the `qf.cpu.packed` attribute.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_CONVERSION_QFTOCPU_PACKING_H
#define QFORGE_LIB_CONVERSION_QFTOCPU_PACKING_H

#include "KernelBuilder.h"

#include "qforge/Conversion/QFToCPU/PackedLayout.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/IR/QFAttrs.h"
#include "qforge/Quant/Scheme.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <optional>

namespace qforge::cpu {

/// Discardable attribute on a packed qf.matmul.
inline constexpr llvm::StringLiteral kPackedAttrName = qf::kCPUPackedAttrName;

/// How packed codes become f32 in the float kernel.
enum class PackedDecode {
  SInt8, ///< 8-bit two's complement integers
  UInt,  ///< unsigned fields (offset / asymmetric integers)
  Table  ///< NF4 / FP4 / FP8 codes, looked up
};

/// Bits of one packed code of `format` (8, 4 or 2); 0 for f32 (not packed).
unsigned codeBits(quant::WeightFormat format);

/// The layout of a packed `kernel` config (the one rule for every kernel
/// kind: group size, zero terms, order) for a [n, k] weight of `scheme`.
/// Callers check PackedLayout::verify().
PackedLayout packedLayout(const quant::Scheme &scheme, int64_t n, int64_t k,
                          qf::CPUKernelAttr kernel);

/// The block (elements of K) the float kernel's packed layout uses for
/// `scheme` on a target with `cfg`: the preferred size that splits into
/// whole vectors and divides the group; 0 when none does.
int64_t floatPackingBlock(const quant::Scheme &scheme, const KernelConfig &cfg);

/// Whether the float kernel's layout of `scheme` with blocks of `kb` is in
/// lookup order (4-bit table codes decoded by register lookups).
bool floatLookupOrder(const quant::Scheme &scheme, int64_t kb,
                      const KernelConfig &cfg);

PackedDecode packedDecode(const quant::Scheme &scheme);

struct PackedInfo {
  mlir::FlatSymbolRefAttr global;
  PackedLayout layout;
  /// Whether any code is NaN or Inf (FP8 only; attribute `specials`, true
  /// when absent). Constant weights made by a quantizer have none, and the
  /// decoder can then skip the special-value fix-up.
  bool specialCodes = true;
};

mlir::DictionaryAttr packedInfoToAttr(mlir::MLIRContext *context,
                                      const PackedInfo &info);
/// Nullopt when `op` has no (well-formed) qf.cpu.packed attribute.
std::optional<PackedInfo> getPackedInfo(mlir::Operation *op);

} // namespace qforge::cpu

#endif
