//===- Int8ActivationKernel.h - 4-bit weights x int8 activations -*- C++ -*-===//
//
// With `int8-activations`, the kernel of packed 4-bit integer weights (any M)
// quantizes the activations to int8 per weight group at run time and
// multiplies codes and activations with integer dot products, as ONNX
// Runtime's MatMulNBits with accuracy_level=4 and llama.cpp's Q4 x Q8 dots do:
// on AVX2, one vpmaddubsw per 32 weights instead of decoding them to f32.
// 8-bit weights take the same kernel, each code split into two nibbles.
// docs/KERNELS.md "int8 activations" has the arithmetic and its error bound.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_CONVERSION_QFTOCPU_INT8ACTIVATIONKERNEL_H
#define QFORGE_LIB_CONVERSION_QFTOCPU_INT8ACTIVATIONKERNEL_H

#include "Epilogue.h"
#include "KernelBuilder.h"

#include "qforge/Conversion/QFToCPU/PackedLayout.h"
#include "qforge/Quant/Codebooks.h"
#include "qforge/Quant/Scheme.h"

#include <optional>

namespace qforge::cpu {

/// K elements per packed block of the int8-activation layout: one row's
/// block is 32 bytes, either 64 4-bit codes (low nibbles elements 0..31,
/// high nibbles 32..63) or 32 8-bit codes.
inline int64_t int8ActivationBlock(unsigned bits) { return bits == 4 ? 64 : 32; }

/// Weight rows per tile of the int8-activation layout, stored in dot order
/// (PackedLayout.h): one 32-byte vector holds 4 bytes of each of the 8 rows,
/// whose 4-byte dot products land in one 32-bit lane per row.
inline constexpr int64_t kInt8ActivationRows = 8;

/// Whether the int8-activation kernel can take `scheme`'s weights: a
/// weight-only 4- or 8-bit integer, NF4 or FP4 scheme with groups of a
/// multiple of int8ActivationBlock (or one scale per channel or tensor).
/// Whether it does is qf-cpu-select-kernels' choice (KernelSelection.h).
bool takesInt8Activations(const quant::Scheme &scheme);

/// The int8 codebook the kernel multiplies 4-bit table codes (NF4, FP4)
/// with, nullopt for integer weights: value(c) ~ levels[c] * step (at most
/// step / 2 away, quant::Int8Codebook).
std::optional<quant::Int8Codebook> int8CodebookFor(quant::WeightFormat format);

/// Table codes for the kernel: a 16 x i8 constant global holding the
/// codebook's levels + `offset` (int8CodeTableOffset), and its step.
struct Int8CodeTable {
  mlir::Value table;
  float step = 1.0f;
  int offset = 128;
};

/// The bits of one code of `scheme` in the int8-activation layout (4 or 8).
unsigned int8ActivationBits(const quant::Scheme &scheme);

/// What the kernel's table holds for `cfg`: levels + 128 (unsigned bytes,
/// for dots that take unsigned codes: VNNI, the portable path, sdot as
/// nibbles), or the signed levels themselves (0) on AVX2 without VNNI,
/// which multiplies them as vpmaddubsw(|x|, level * sign(x)).
int int8CodeTableOffset(const KernelConfig &cfg);

/// Emits the kernel for rows [0, numRows) of `io` reading the packed weights
/// `blob` laid out as `layout` (kb == int8ActivationBlock(bits)): a prologue
/// that quantizes the activations, then the parallel tile loop. `codebook`:
/// the codes' table for NF4 / FP4, null for integer codes.
void emitInt8ActivationKernel(KB &k, const KernelConfig &cfg,
                              const KernelIO &io, const PackedLayout &layout,
                              mlir::Value blob, mlir::Value numRows,
                              const Int8CodeTable *codebook);

} // namespace qforge::cpu

#endif
