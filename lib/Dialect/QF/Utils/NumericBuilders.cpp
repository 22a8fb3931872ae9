//===- NumericBuilders.cpp - The numeric core's formulas as IR -----------===//

#include "qforge/Dialect/QF/Utils/NumericBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace qforge::qf {

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
  Type i32 = b.getI32Type();
  if (auto vector = dyn_cast<VectorType>(type))
    i32 = vector.clone(i32);
  return arith::FPToSIOp::create(b, loc, i32, q);
}

Value buildDequantizeValue(OpBuilder &b, Location loc, Value q, Value zp,
                           Value scale) {
  Value centered = arith::SubFOp::create(b, loc, q, zp);
  return arith::MulFOp::create(b, loc, centered, scale);
}

} // namespace qforge::qf
