//===- ScalarNumerics.cpp - Scalar IR for the numeric core's math --------===//

#include "ScalarNumerics.h"
#include "qforge/Dialect/QF/Utils/NumericBuilders.h"

#include "qforge/Quant/Codebooks.h"
#include "qforge/Quant/Float8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"

#include <array>

#include <cmath>
#include <limits>

using namespace mlir;

namespace qforge::qf::reference {
namespace quant = ::qforge::quant;
namespace {

Value i32c(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
}

/// Parameters of the small float formats, matching lib/Quant
/// (docs/NUMERICS.md).
struct FloatFormat {
  unsigned bits;
  unsigned mantissa;
  int bias;
  float maxFinite;
  int64_t nanCode;   ///< code a positive NaN encodes to
  bool nanKeepsSign; ///< a negative NaN sets the sign bit
  float (*decode)(uint8_t);
};

FloatFormat getFormat(Type storage) {
  if (isa<Float8E4M3FNType>(storage))
    return {8, 3, 7, 448.0f, 0x7F, true, quant::f8E4M3FNToF32};
  if (isa<Float8E5M2Type>(storage))
    return {8, 2, 15, 57344.0f, 0x7E, true, quant::f8E5M2ToF32};
  // f4E2M1FN has no NaN code: NaN encodes to +0.
  return {4, 1, 1, 6.0f, 0x0, false, quant::fp4E2M1ToF32};
}

} // namespace

Value f32(OpBuilder &b, Location loc, float value) {
  return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                        llvm::APFloat(value));
}

Value toF32(OpBuilder &b, Location loc, Value value) {
  if (value.getType().isF32())
    return value;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), value);
}

Value intToF32(OpBuilder &b, Location loc, Value bits, Type storage) {
  Value wide = bits;
  if (bits.getType().getIntOrFloatBitWidth() < 32) {
    if (cast<IntegerType>(storage).isUnsigned())
      wide = arith::ExtUIOp::create(b, loc, b.getI32Type(), bits);
    else
      wide = arith::ExtSIOp::create(b, loc, b.getI32Type(), bits);
  }
  return arith::SIToFPOp::create(b, loc, b.getF32Type(), wide);
}

Value quantizeInt(OpBuilder &b, Location loc, Value x, Value scale, Value zp,
                  Type storage) {
  auto intType = cast<IntegerType>(storage);
  unsigned width = intType.getWidth();
  int64_t qmin = intType.isUnsigned() ? 0 : -(int64_t(1) << (width - 1));
  int64_t qmax = intType.isUnsigned() ? (int64_t(1) << width) - 1
                                      : (int64_t(1) << (width - 1)) - 1;
  Value asInt = buildQuantizeToI32(b, loc, x, scale, zp, qmin, qmax);
  if (width == 32)
    return asInt;
  return arith::TruncIOp::create(b, loc, b.getIntegerType(width), asInt);
}

Value dequantize(OpBuilder &b, Location loc, Value q, Value zp, Value scale) {
  return buildDequantizeValue(b, loc, q, zp, scale);
}

Value encodeFloat(OpBuilder &b, Location loc, Value x, Type storage) {
  FloatFormat f = getFormat(storage);
  Type i32 = b.getI32Type();
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value sign = arith::ShRUIOp::create(b, loc, bits, i32c(b, loc, 31));
  Value signCode = arith::ShLIOp::create(b, loc, sign, i32c(b, loc, f.bits - 1));

  // Saturate first: every finite value above the largest finite code, and
  // Inf, become that code. minimumf keeps NaN, handled last.
  Value a = math::AbsFOp::create(b, loc, x);
  a = arith::MinimumFOp::create(b, loc, a, f32(b, loc, f.maxFinite));

  // Subnormal (and zero) codes: a scaled by 2^(bias - 1 + mantissa) is the
  // code itself; the scaling is exact, so one roundeven is RNE.
  float subScale = std::ldexp(1.0f, f.bias - 1 + int(f.mantissa));
  Value sub = arith::MulFOp::create(b, loc, a, f32(b, loc, subScale));
  sub = math::RoundEvenOp::create(b, loc, sub);
  sub = arith::FPToSIOp::create(b, loc, i32, sub);

  // Normal codes: round the f32 bit pattern to `mantissa` bits (RNE on the
  // integer representation), then rebias the exponent.
  unsigned shift = 23 - f.mantissa;
  Value u = arith::BitcastOp::create(b, loc, i32, a);
  Value lsb = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, u, i32c(b, loc, shift)),
      i32c(b, loc, 1));
  Value rounded = arith::AddIOp::create(
      b, loc, u, i32c(b, loc, (int64_t(1) << (shift - 1)) - 1));
  rounded = arith::AddIOp::create(b, loc, rounded, lsb);
  Value normal = arith::ShRUIOp::create(b, loc, rounded, i32c(b, loc, shift));
  normal = arith::SubIOp::create(
      b, loc, normal,
      i32c(b, loc, int64_t(127 - f.bias) << f.mantissa));

  float minNormal = std::ldexp(1.0f, 1 - f.bias);
  Value isSub = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, a,
                                      f32(b, loc, minNormal));
  Value code = arith::SelectOp::create(b, loc, isSub, sub, normal);
  code = arith::OrIOp::create(b, loc, code, signCode);
  Value isNan =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  Value nan = i32c(b, loc, f.nanCode);
  if (f.nanKeepsSign)
    nan = arith::OrIOp::create(b, loc, nan, signCode);
  code = arith::SelectOp::create(b, loc, isNan, nan, code);
  Value narrow =
      arith::TruncIOp::create(b, loc, b.getIntegerType(f.bits), code);
  return arith::BitcastOp::create(b, loc, storage, narrow);
}

Value makeDecodeTable(OpBuilder &b, Location loc, Type storage) {
  FloatFormat f = getFormat(storage);
  SmallVector<float> values;
  for (unsigned code = 0; code < (1u << f.bits); ++code)
    values.push_back(f.decode(uint8_t(code)));
  auto type = RankedTensorType::get({int64_t(values.size())}, b.getF32Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<float>(values)));
}

Value decodeFloat(OpBuilder &b, Location loc, Value value, Value table) {
  unsigned bits = value.getType().getIntOrFloatBitWidth();
  Value asInt =
      arith::BitcastOp::create(b, loc, b.getIntegerType(bits), value);
  Value index =
      arith::IndexCastUIOp::create(b, loc, b.getIndexType(), asInt);
  return tensor::ExtractOp::create(b, loc, table, ValueRange{index});
}

Value makeNF4Table(OpBuilder &b, Location loc) {
  const std::array<float, 16> &levels = quant::nf4Levels();
  auto type = RankedTensorType::get({16}, b.getF32Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<float>(levels)));
}

Value encodeNF4(OpBuilder &b, Location loc, Value x, Value scale) {
  // Code = number of thresholds strictly below x / scale: nearest level,
  // ties to the lower code (the core's thresholds are the midpoints rounded
  // down to f32, which makes that exact). NaN -> code 7 (level 0).
  Value v = arith::DivFOp::create(b, loc, x, scale);
  Value code = i32c(b, loc, 0);
  for (float threshold : quant::nf4Thresholds()) {
    Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v,
                                        f32(b, loc, threshold));
    Value inc = arith::ExtUIOp::create(b, loc, b.getI32Type(), above);
    code = arith::AddIOp::create(b, loc, code, inc);
  }
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  code = arith::SelectOp::create(b, loc, isNan, i32c(b, loc, 7), code);
  return arith::TruncIOp::create(b, loc, b.getIntegerType(4), code);
}

Value decodeNF4(OpBuilder &b, Location loc, Value code, Value table) {
  Value index = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), code);
  return tensor::ExtractOp::create(b, loc, table, ValueRange{index});
}

} // namespace qforge::qf::reference
