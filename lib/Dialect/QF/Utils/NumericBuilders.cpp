//===- NumericBuilders.cpp - The numeric core's formulas as IR -----------===//

#include "qforge/Dialect/QF/Utils/NumericBuilders.h"

#include "qforge/Quant/Codebooks.h"
#include "qforge/Quant/Float8.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <array>
#include <cmath>

using namespace mlir;

namespace qforge::qf {
namespace {

/// `elementType` in the shape of `like` (a scalar or a vector).
Type shapedLike(Type like, Type elementType) {
  if (auto vector = dyn_cast<VectorType>(like))
    return vector.clone(elementType);
  return elementType;
}

/// An i32 constant in the shape of `like`.
Value i32Like(OpBuilder &b, Location loc, Type like, int64_t value) {
  Value scalar = arith::ConstantIntOp::create(b, loc, b.getI32Type(), value);
  if (auto vector = dyn_cast<VectorType>(like))
    return vector::BroadcastOp::create(b, loc, vector.clone(b.getI32Type()),
                                       scalar);
  return scalar;
}

/// The parameters of the small float formats, as lib/Quant
/// (docs/NUMERICS.md).
struct FloatCodeFormat {
  unsigned bits;
  unsigned mantissa;
  int bias;
  float maxFinite;
  int64_t nanCode;   ///< the code a positive NaN encodes to
  bool nanKeepsSign; ///< a negative NaN sets the sign bit
};

FloatCodeFormat floatCodeFormat(quant::WeightFormat format) {
  switch (format) {
  case quant::WeightFormat::FP8E4M3:
    return {8, 3, 7, 448.0f, 0x7F, true};
  case quant::WeightFormat::FP8E5M2:
    return {8, 2, 15, 57344.0f, 0x7E, true};
  default:
    // f4E2M1FN has no NaN code: NaN encodes to +0.
    return {4, 1, 1, 6.0f, 0x0, false};
  }
}

} // namespace

Value f32Like(OpBuilder &b, Location loc, Type like, float value) {
  Value scalar = arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                                llvm::APFloat(value));
  if (auto vector = dyn_cast<VectorType>(like))
    return vector::BroadcastOp::create(b, loc, vector, scalar);
  return scalar;
}

Value buildActivation(OpBuilder &b, Location loc, Value x, Activation act) {
  Type type = x.getType();
  auto c = [&](float v) { return f32Like(b, loc, type, v); };
  switch (act) {
  case Activation::none:
    return x;
  case Activation::relu:
    return arith::MaximumFOp::create(b, loc, x, c(0.0f));
  case Activation::gelu: {
    Value t = arith::MulFOp::create(b, loc, x, c(0.70710678118654752f));
    Value e = math::ErfOp::create(b, loc, t);
    Value onePlus = arith::AddFOp::create(b, loc, e, c(1.0f));
    Value half = arith::MulFOp::create(b, loc, x, c(0.5f));
    return arith::MulFOp::create(b, loc, half, onePlus);
  }
  case Activation::silu: {
    Value neg = arith::NegFOp::create(b, loc, x);
    Value den = arith::AddFOp::create(b, loc, math::ExpOp::create(b, loc, neg),
                                      c(1.0f));
    return arith::DivFOp::create(b, loc, x, den);
  }
  }
  return x;
}

Value buildQuantizeToI32(OpBuilder &b, Location loc, Value x, Value scale,
                         Value zp, int64_t qmin, int64_t qmax) {
  Type type = x.getType();
  Value q = arith::DivFOp::create(b, loc, x, scale);
  q = math::RoundEvenOp::create(b, loc, q);
  q = arith::AddFOp::create(b, loc, q, zp);
  // maximumf/minimumf propagate NaN, which the select below catches.
  q = arith::MaximumFOp::create(b, loc, q, f32Like(b, loc, type, float(qmin)));
  q = arith::MinimumFOp::create(b, loc, q, f32Like(b, loc, type, float(qmax)));
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, q, q);
  q = arith::SelectOp::create(b, loc, isNan, zp, q);
  return arith::FPToSIOp::create(b, loc, shapedLike(type, b.getI32Type()), q);
}

Value buildDequantizeValue(OpBuilder &b, Location loc, Value q, Value zp,
                           Value scale) {
  Value centered = arith::SubFOp::create(b, loc, q, zp);
  return arith::MulFOp::create(b, loc, centered, scale);
}

llvm::SmallVector<float> codeValues(quant::WeightFormat format) {
  llvm::SmallVector<float> values;
  switch (format) {
  case quant::WeightFormat::NF4: {
    const std::array<float, 16> &levels = quant::nf4Levels();
    values.assign(levels.begin(), levels.end());
    break;
  }
  case quant::WeightFormat::FP4:
    for (unsigned code = 0; code < 16; ++code)
      values.push_back(quant::fp4E2M1ToF32(uint8_t(code)));
    break;
  case quant::WeightFormat::FP8E4M3:
    for (unsigned code = 0; code < 256; ++code)
      values.push_back(quant::f8E4M3FNToF32(uint8_t(code)));
    break;
  case quant::WeightFormat::FP8E5M2:
    for (unsigned code = 0; code < 256; ++code)
      values.push_back(quant::f8E5M2ToF32(uint8_t(code)));
    break;
  default:
    break;
  }
  return values;
}

std::optional<quant::WeightFormat> floatCodeFormatOf(Type storage) {
  if (isa<Float8E4M3FNType>(storage))
    return quant::WeightFormat::FP8E4M3;
  if (isa<Float8E5M2Type>(storage))
    return quant::WeightFormat::FP8E5M2;
  if (isa<Float4E2M1FNType>(storage))
    return quant::WeightFormat::FP4;
  return std::nullopt;
}

Value buildEncodeFloat(OpBuilder &b, Location loc, Value x, Type storage) {
  FloatCodeFormat f = floatCodeFormat(*floatCodeFormatOf(storage));
  Type type = x.getType();
  Type i32 = shapedLike(type, b.getI32Type());
  auto ic = [&](int64_t v) { return i32Like(b, loc, type, v); };
  auto fc = [&](float v) { return f32Like(b, loc, type, v); };
  Value bits = arith::BitcastOp::create(b, loc, i32, x);
  Value sign = arith::ShRUIOp::create(b, loc, bits, ic(31));
  Value signCode = arith::ShLIOp::create(b, loc, sign, ic(f.bits - 1));

  // Saturate first: every finite value above the largest finite code, and
  // Inf, become that code. minimumf keeps NaN, handled last.
  Value a = math::AbsFOp::create(b, loc, x);
  a = arith::MinimumFOp::create(b, loc, a, fc(f.maxFinite));

  // Subnormal (and zero) codes: a scaled by 2^(bias - 1 + mantissa) is the
  // code itself; the scaling is exact, so one roundeven is RNE.
  float subScale = std::ldexp(1.0f, f.bias - 1 + int(f.mantissa));
  Value sub = arith::MulFOp::create(b, loc, a, fc(subScale));
  sub = math::RoundEvenOp::create(b, loc, sub);
  sub = arith::FPToSIOp::create(b, loc, i32, sub);

  // Normal codes: round the f32 bit pattern to `mantissa` bits (RNE on the
  // integer representation), then rebias the exponent.
  unsigned shift = 23 - f.mantissa;
  Value u = arith::BitcastOp::create(b, loc, i32, a);
  Value lsb = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, u, ic(shift)), ic(1));
  Value rounded =
      arith::AddIOp::create(b, loc, u, ic((int64_t(1) << (shift - 1)) - 1));
  rounded = arith::AddIOp::create(b, loc, rounded, lsb);
  Value normal = arith::ShRUIOp::create(b, loc, rounded, ic(shift));
  normal = arith::SubIOp::create(b, loc, normal,
                                 ic(int64_t(127 - f.bias) << f.mantissa));

  float minNormal = std::ldexp(1.0f, 1 - f.bias);
  Value isSub = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, a,
                                      fc(minNormal));
  Value code = arith::SelectOp::create(b, loc, isSub, sub, normal);
  code = arith::OrIOp::create(b, loc, code, signCode);
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
  Value nan = ic(f.nanCode);
  if (f.nanKeepsSign)
    nan = arith::OrIOp::create(b, loc, nan, signCode);
  code = arith::SelectOp::create(b, loc, isNan, nan, code);
  Value narrow = arith::TruncIOp::create(
      b, loc, shapedLike(type, b.getIntegerType(f.bits)), code);
  return arith::BitcastOp::create(b, loc, shapedLike(type, storage), narrow);
}

Value buildEncodeNF4(OpBuilder &b, Location loc, Value x, Value scale) {
  // Code = number of thresholds strictly below x / scale: nearest level,
  // ties to the lower code (the core's thresholds are the midpoints rounded
  // down to f32, which makes that exact).
  Type type = x.getType();
  Type i32 = shapedLike(type, b.getI32Type());
  Value v = arith::DivFOp::create(b, loc, x, scale);
  Value code = i32Like(b, loc, type, 0);
  for (float threshold : quant::nf4Thresholds()) {
    Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v,
                                        f32Like(b, loc, type, threshold));
    code = arith::AddIOp::create(b, loc, code,
                                 arith::ExtUIOp::create(b, loc, i32, above));
  }
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  code = arith::SelectOp::create(b, loc, isNan, i32Like(b, loc, type, 7), code);
  return arith::TruncIOp::create(b, loc, shapedLike(type, b.getIntegerType(4)),
                                 code);
}

} // namespace qforge::qf
