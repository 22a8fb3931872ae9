//===- Types.cpp - Storage types of quantized values ----------------------===//

#include "qforge/Quant/Types.h"

#include <cassert>

namespace qforge::quant {

unsigned bitWidth(DType type) {
  switch (type) {
  case DType::Int16:
  case DType::UInt16:
    return 16;
  case DType::Int8:
  case DType::UInt8:
  case DType::F8E4M3FN:
  case DType::F8E5M2:
    return 8;
  case DType::Int4:
  case DType::UInt4:
  case DType::FP4E2M1:
  case DType::NF4:
    return 4;
  case DType::Int2:
  case DType::UInt2:
    return 2;
  }
  return 0;
}

bool isIntegerType(DType type) {
  switch (type) {
  case DType::Int8:
  case DType::UInt8:
  case DType::Int16:
  case DType::UInt16:
  case DType::Int4:
  case DType::UInt4:
  case DType::Int2:
  case DType::UInt2:
    return true;
  default:
    return false;
  }
}

bool isSignedIntegerType(DType type) {
  return type == DType::Int8 || type == DType::Int16 || type == DType::Int4 ||
         type == DType::Int2;
}

IntRange intRange(DType type, bool reduceRange) {
  assert(isIntegerType(type) && "intRange of a float-code type");
  int bits = static_cast<int>(bitWidth(type));
  if (reduceRange && bits > 2)
    --bits;
  if (isSignedIntegerType(type))
    return {-(1 << (bits - 1)), (1 << (bits - 1)) - 1};
  return {0, (1 << bits) - 1};
}

float maxFinite(DType type) {
  switch (type) {
  case DType::F8E4M3FN:
    return 448.0f;
  case DType::F8E5M2:
    return 57344.0f;
  case DType::FP4E2M1:
    return 6.0f;
  case DType::NF4:
    return 1.0f;
  default:
    return static_cast<float>(intRange(type).max);
  }
}

namespace {
struct NamedDType {
  DType type;
  std::string_view name;
};
constexpr NamedDType kNames[] = {
    {DType::Int8, "int8"},         {DType::UInt8, "uint8"},
    {DType::Int16, "int16"},       {DType::UInt16, "uint16"},
    {DType::Int4, "int4"},         {DType::UInt4, "uint4"},
    {DType::Int2, "int2"},         {DType::UInt2, "uint2"},
    {DType::F8E4M3FN, "f8e4m3fn"}, {DType::F8E5M2, "f8e5m2"},
    {DType::FP4E2M1, "fp4e2m1"},   {DType::NF4, "nf4"},
};
} // namespace

std::string_view dtypeName(DType type) {
  for (const NamedDType &n : kNames)
    if (n.type == type)
      return n.name;
  return "<invalid>";
}

std::optional<DType> parseDType(std::string_view name) {
  for (const NamedDType &n : kNames)
    if (n.name == name)
      return n.type;
  return std::nullopt;
}

std::string_view scaleDTypeName(ScaleDType type) {
  switch (type) {
  case ScaleDType::F32:
    return "f32";
  case ScaleDType::F16:
    return "f16";
  case ScaleDType::BF16:
    return "bf16";
  }
  return "<invalid>";
}

} // namespace qforge::quant
