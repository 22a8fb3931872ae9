//===- CodeDecode.cpp - Non-integer weight codes to f32 in registers -------===//
//
// NF4 and FP4 have 16 levels: a vector.gather from a 16-entry table (which
// --qf-lower-cpu-lookups turns into register permutes on AVX2). FP8 has 256
// codes, and a 256-entry gather costs one load per lane, so FP8 is decoded
// with integer ops instead:
//  - with a hardware f16 -> f32 conversion (x86 F16C, AArch64): an E5M2 code
//    is the high byte of an f16; an E4M3FN code's fields fit f16's after a
//    shift, off by 2^8 because of the bias. The conversion handles
//    subnormals exactly.
//  - otherwise: the fields are moved into f32's and rebiased (the
//    half-to-float technique), subnormals by an exact subtraction.
// Neither forms an f32 subnormal: x86's denormal assists made a
// multiply-based decode several times slower.
//
//===----------------------------------------------------------------------===//

#include "WeightSource.h"

#include <cmath>

using namespace mlir;

namespace qforge::cpu {
namespace {

/// Through f16: 16-bit lanes, one vector fpext.
Value decodeViaF16(KB &k, Value bytes, bool e4m3, bool specialCodes) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  int64_t lanes = cast<VectorType>(bytes.getType()).getNumElements();
  VectorType i16Type = k.vec(lanes, b.getI16Type());
  VectorType f32Type = k.vec(lanes, b.getF32Type());
  auto splat16 = [&](int64_t v) {
    return k.splat(i16Type, k.intConst(b.getI16Type(), v));
  };
  Value half;
  if (!e4m3) {
    half = arith::ShLIOp::create(
        b, loc, arith::ExtUIOp::create(b, loc, i16Type, bytes), splat16(8));
  } else {
    // Sign-extended and shifted by 7: the sign lands in bit 15 (and a copy
    // of it in bit 14, cleared), exponent in 10..13, mantissa in 7..9.
    Value shifted = arith::ShLIOp::create(
        b, loc, arith::ExtSIOp::create(b, loc, i16Type, bytes), splat16(7));
    half = arith::AndIOp::create(b, loc, shifted, splat16(0xBFFF));
  }
  if (e4m3 && specialCodes) {
    // S.1111.111 is E4M3FN's only NaN (it would read as 480): or-ing f16's
    // all-ones exponent into it makes an f16 NaN. These 4 ops (and their
    // constants' registers) made GEMV ~3x slower on AVX2, hence the packed
    // weights' `specials` flag.
    Value isNaN = arith::CmpIOp::create(
        b, loc, arith::CmpIPredicate::eq,
        arith::AndIOp::create(b, loc, half, splat16(0x7FFF)), splat16(0x3F80));
    Value nanBits = arith::AndIOp::create(
        b, loc, arith::ExtSIOp::create(b, loc, i16Type, isNaN),
        splat16(0x7C00));
    half = arith::OrIOp::create(b, loc, half, nanBits);
  }
  Value halves =
      arith::BitcastOp::create(b, loc, k.vec(lanes, b.getF16Type()), half);
  Value value = arith::ExtFOp::create(b, loc, f32Type, halves);
  if (!e4m3)
    return value;
  // f16's bias is 15, E4M3's 7.
  return arith::MulFOp::create(b, loc, value, k.splat(f32Type, k.f32(256.0f)));
}

/// In 32-bit integer lanes, for targets without an f16 conversion.
Value decodeViaInt(KB &k, Value bytes, bool e4m3, bool specialCodes) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  int64_t lanes = cast<VectorType>(bytes.getType()).getNumElements();
  VectorType intType = k.vec(lanes, b.getI32Type());
  VectorType f32Type = k.vec(lanes, b.getF32Type());
  auto splatI = [&](int64_t v) { return k.splat(intType, k.i32(v)); };
  int64_t mantissaBits = e4m3 ? 3 : 2, bias = e4m3 ? 7 : 15;

  Value codes = arith::ExtUIOp::create(b, loc, intType, bytes);
  Value sign = arith::ShLIOp::create(
      b, loc, arith::AndIOp::create(b, loc, codes, splatI(0x80)), splatI(24));
  Value magnitude = arith::AndIOp::create(b, loc, codes, splatI(0x7F));
  // Exponent and mantissa fields moved into f32's (23 mantissa bits) with the
  // exponent rebiased: exact for normal codes.
  Value rebiased = arith::AddIOp::create(
      b, loc,
      arith::ShLIOp::create(b, loc, magnitude, splatI(23 - mantissaBits)),
      splatI((127 - bias) << 23));
  Value normal = arith::BitcastOp::create(b, loc, f32Type, rebiased);
  // Subnormal codes (exponent field 0): one more exponent step gives
  // 2^(1-bias) * (1 + m), and subtracting 2^(1-bias) leaves 2^(1-bias) * m.
  Value minNormal = k.splat(f32Type, k.f32(std::ldexp(1.0f, int(1 - bias))));
  Value subnormal = arith::SubFOp::create(
      b, loc,
      arith::BitcastOp::create(
          b, loc, f32Type,
          arith::AddIOp::create(b, loc, rebiased, splatI(1 << 23))),
      minNormal);
  Value isSubnormal =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, magnitude,
                            splatI(1 << mantissaBits));
  Value unsignedValue =
      arith::SelectOp::create(b, loc, isSubnormal, subnormal, normal);
  Value value = arith::BitcastOp::create(
      b, loc, f32Type,
      arith::OrIOp::create(
          b, loc, arith::BitcastOp::create(b, loc, intType, unsignedValue),
          sign));

  if (!specialCodes)
    return value;
  // Specials. E4M3FN: only S.1111.111 is NaN (no infinities). E5M2: an
  // all-ones exponent is Inf (mantissa 0) or NaN, as in f32: keep the
  // mantissa and set f32's all-ones exponent.
  Value special, specialBits;
  if (e4m3) {
    special = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                    magnitude, splatI(0x7F));
    specialBits = arith::OrIOp::create(b, loc, sign, splatI(0x7FC00000));
  } else {
    special = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                    magnitude, splatI(0x7C));
    Value mantissa = arith::ShLIOp::create(
        b, loc, arith::AndIOp::create(b, loc, magnitude, splatI(0x3)),
        splatI(21));
    specialBits = arith::OrIOp::create(
        b, loc, sign,
        arith::OrIOp::create(b, loc, mantissa, splatI(0x7F800000)));
  }
  Value specialValue = arith::BitcastOp::create(b, loc, f32Type, specialBits);
  return arith::SelectOp::create(b, loc, special, specialValue, value);
}

} // namespace

bool isFloat8(quant::WeightFormat format) {
  return format == quant::WeightFormat::FP8E4M3 ||
         format == quant::WeightFormat::FP8E5M2;
}

Value decodeFloat8(KB &k, Value bytes, quant::WeightFormat format,
                   const KernelConfig &cfg, bool specialCodes) {
  bool e4m3 = format == quant::WeightFormat::FP8E4M3;
  return cfg.f16Convert ? decodeViaF16(k, bytes, e4m3, specialCodes)
                        : decodeViaInt(k, bytes, e4m3, specialCodes);
}

Value gatherCodes(KB &k, Value codes, Value table) {
  int64_t lanes = cast<VectorType>(codes.getType()).getNumElements();
  VectorType f32Type = k.vec(lanes, k.b.getF32Type());
  Value all = vector::ConstantMaskOp::create(
      k.b, k.loc, k.vec(lanes, k.b.getI1Type()),
      vector::ConstantMaskKind::AllTrue);
  return vector::GatherOp::create(k.b, k.loc, f32Type, table,
                                  ValueRange{k.idx(0)}, codes, all,
                                  k.zero(f32Type));
}

} // namespace qforge::cpu
