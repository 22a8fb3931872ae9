//===- Packing.h - Sub-byte packing of quantized values ---------*- C++ -*-===//
//
// ONNX order (TensorProto int4/int2/float4), which is also what the kernels
// read: elements fill a byte from the least significant bits up.
//
//   4 bits: byte i = e[2i] | e[2i+1] << 4
//   2 bits: byte i = e[4i] | e[4i+1] << 2 | e[4i+2] << 4 | e[4i+3] << 6
//   8 bits: one byte per element; 16 bits: two bytes, little-endian
//
// A partial last byte is padded with zero bits. Values are truncated to their
// low `bits` bits (two's complement for negative values).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_PACKING_H
#define QFORGE_QUANT_PACKING_H

#include "qforge/Quant/Types.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace qforge::quant {

/// Bytes needed for `count` elements of `bits` (2, 4, 8 or 16).
size_t packedSize(size_t count, unsigned bits);

std::vector<uint8_t> packBits(const int32_t *values, size_t count,
                              unsigned bits);

/// `signExtend` reads fields as two's complement (int4 0xF -> -1); otherwise
/// they are zero-extended (uint4, and float codes).
std::vector<int32_t> unpackBits(const uint8_t *bytes, size_t count,
                                unsigned bits, bool signExtend);

/// The same with width and signedness taken from `type`.
std::vector<uint8_t> pack(DType type, const std::vector<int32_t> &values);
std::vector<int32_t> unpack(DType type, const std::vector<uint8_t> &bytes,
                            size_t count);

} // namespace qforge::quant

#endif // QFORGE_QUANT_PACKING_H
