//===- Packing.h - Which weights are packed, and how ------------*- C++ -*-===//
//
// Shared by --qf-pack-weights (which writes the packed global and tags the
// op) and --qf-lower-to-cpu (which reads it): the layout chosen for a scheme
// and target, the code transform, and the `qf.cpu.packed` attribute.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_CONVERSION_QFTOCPU_PACKING_H
#define QFORGE_LIB_CONVERSION_QFTOCPU_PACKING_H

#include "KernelBuilder.h"

#include "qforge/Conversion/QFToCPU/PackedLayout.h"
#include "qforge/Quant/Scheme.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <optional>

namespace qforge::cpu {

/// Discardable attribute on a packed qf.matmul.
inline constexpr llvm::StringLiteral kPackedAttrName = "qf.cpu.packed";

/// How packed codes become f32 in the float kernel.
enum class PackedDecode {
  SInt8, ///< 8-bit two's complement integers
  UInt,  ///< unsigned fields (offset / asymmetric integers)
  Table  ///< NF4 / FP4 / FP8 codes, looked up
};

/// The layout `--qf-pack-weights` uses for a [n, k] weight of `scheme` on a
/// target with `cfg`, or nullopt when the scheme is not packed (f32; group
/// size not a multiple of any block that fits the vector width).
std::optional<PackedLayout> planPacking(const quant::Scheme &scheme,
                                        int64_t n, int64_t k,
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
