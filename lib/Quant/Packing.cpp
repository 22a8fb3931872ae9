//===- Packing.cpp - Sub-byte packing of quantized values -----------------===//

#include "qforge/Quant/Packing.h"

#include <cassert>

namespace qforge::quant {

size_t packedSize(size_t count, unsigned bits) {
  return (count * bits + 7) / 8;
}

std::vector<uint8_t> packBits(const int32_t *values, size_t count,
                              unsigned bits) {
  assert((bits == 2 || bits == 4 || bits == 8 || bits == 16) &&
         "unsupported packing width");
  std::vector<uint8_t> bytes(packedSize(count, bits), 0);
  if (bits == 16) {
    for (size_t i = 0; i < count; ++i) {
      uint32_t v = static_cast<uint32_t>(values[i]);
      bytes[2 * i] = static_cast<uint8_t>(v);
      bytes[2 * i + 1] = static_cast<uint8_t>(v >> 8);
    }
    return bytes;
  }
  const unsigned perByte = 8 / bits;
  const uint32_t mask = (1u << bits) - 1;
  for (size_t i = 0; i < count; ++i) {
    uint32_t field = static_cast<uint32_t>(values[i]) & mask;
    bytes[i / perByte] |=
        static_cast<uint8_t>(field << (bits * (i % perByte)));
  }
  return bytes;
}

std::vector<int32_t> unpackBits(const uint8_t *bytes, size_t count,
                                unsigned bits, bool signExtend) {
  assert((bits == 2 || bits == 4 || bits == 8 || bits == 16) &&
         "unsupported packing width");
  std::vector<int32_t> values(count);
  const uint32_t mask = bits == 16 ? 0xFFFFu : (1u << bits) - 1;
  const uint32_t signBit = 1u << (bits - 1);
  for (size_t i = 0; i < count; ++i) {
    uint32_t field;
    if (bits == 16) {
      field = bytes[2 * i] | (static_cast<uint32_t>(bytes[2 * i + 1]) << 8);
    } else {
      const unsigned perByte = 8 / bits;
      field = (bytes[i / perByte] >> (bits * (i % perByte))) & mask;
    }
    int32_t v = static_cast<int32_t>(field);
    if (signExtend && (field & signBit))
      v -= static_cast<int32_t>(mask) + 1;
    values[i] = v;
  }
  return values;
}

std::vector<uint8_t> pack(DType type, const std::vector<int32_t> &values) {
  return packBits(values.data(), values.size(), bitWidth(type));
}

std::vector<int32_t> unpack(DType type, const std::vector<uint8_t> &bytes,
                            size_t count) {
  assert(bytes.size() >= packedSize(count, bitWidth(type)));
  return unpackBits(bytes.data(), count, bitWidth(type),
                    isSignedIntegerType(type));
}

} // namespace qforge::quant
