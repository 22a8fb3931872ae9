//===- Types.h - Storage types of quantized values --------------*- C++ -*-===//
//
// The element types a quantized tensor can be stored in, with the facts the
// rest of the numeric core needs about each: bit width, integer range, largest
// finite magnitude. Plain C++17, no MLIR.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_TYPES_H
#define QFORGE_QUANT_TYPES_H

#include <cstdint>
#include <optional>
#include <string_view>

namespace qforge::quant {

/// Storage type of quantized values. Integer types hold values
/// (`q = round(x / scale) + zp`); the others hold the bit code of a small
/// float or codebook entry (`q = encode(x / scale)`, no zero point).
enum class DType : uint8_t {
  Int8,
  UInt8,
  Int16,
  UInt16,
  Int4,
  UInt4,
  Int2,
  UInt2,
  F8E4M3FN, ///< OCP float8: 4 exponent bits, bias 7, no Inf, max 448.
  F8E5M2,   ///< OCP float8: 5 exponent bits, bias 15, IEEE Inf/NaN, max 57344.
  FP4E2M1,  ///< OCP MX float4: 2 exponent bits, bias 1, no Inf/NaN, max 6.
  NF4,      ///< QLoRA 4-bit NormalFloat codebook over [-1, 1].
};

/// Bits of one stored element (what packing uses).
unsigned bitWidth(DType type);

bool isIntegerType(DType type);
bool isSignedIntegerType(DType type);

/// F8E4M3FN, F8E5M2, FP4E2M1, NF4: quantized as encode(x / scale).
inline bool isFloatCodeType(DType type) { return !isIntegerType(type); }

/// An inclusive range of integer quantized values.
struct IntRange {
  int32_t min;
  int32_t max;
};

/// [qmin, qmax] of an integer type. `reduceRange` drops one bit as PyTorch's
/// reduce_range does (int8 -> [-64, 63], uint8 -> [0, 127]) to leave headroom
/// for 16-bit accumulation on older x86 (vpmaddubsw); it is ignored for 2-bit
/// types, where one bit less would leave no positive level.
IntRange intRange(DType type, bool reduceRange = false);

/// Largest finite magnitude of a float-code type (448, 57344, 6, and 1 for
/// NF4, whose levels are normalized). Scales map a tensor's absmax onto it.
float maxFinite(DType type);

/// Lower-case name: "int8", "uint4", "f8e4m3fn", "f8e5m2", "fp4e2m1", "nf4".
std::string_view dtypeName(DType type);
std::optional<DType> parseDType(std::string_view name);

/// Type scales are stored in. Scales are rounded to it before use, so that
/// what a kernel reads is exactly what quantization used.
enum class ScaleDType : uint8_t { F32, F16, BF16 };

std::string_view scaleDTypeName(ScaleDType type);

} // namespace qforge::quant

#endif // QFORGE_QUANT_TYPES_H
