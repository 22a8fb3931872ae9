//===- Epilogue.cpp - A kernel's output epilogue --------------------------===//

#include "Epilogue.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using qforge::qf::Activation;

namespace qforge::cpu {

static Value applyActivation(KB &k, Value x, Activation act) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  auto type = cast<VectorType>(x.getType());
  auto c = [&](float v) { return k.splat(type, k.f32(v)); };
  switch (act) {
  case Activation::none:
    return x;
  case Activation::relu:
    return arith::MaximumFOp::create(b, loc, x, c(0.0f));
  case Activation::gelu: {
    // Exactly the reference's op sequence (erf form).
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

Value quantizeVec(KB &k, Value x, Value scale, Value zp, int64_t qmin,
                  int64_t qmax) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  auto type = cast<VectorType>(x.getType());
  Value q = arith::DivFOp::create(b, loc, x, scale);
  q = math::RoundEvenOp::create(b, loc, q);
  q = arith::AddFOp::create(b, loc, q, zp);
  q = arith::MaximumFOp::create(b, loc, q, k.splat(type, k.f32(float(qmin))));
  q = arith::MinimumFOp::create(b, loc, q, k.splat(type, k.f32(float(qmax))));
  Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, q, q);
  q = arith::SelectOp::create(b, loc, isNan, zp, q);
  return arith::FPToSIOp::create(b, loc, type.clone(b.getI32Type()), q);
}

void emitEpilogue(KB &k, const KernelIO &io, Value m, Value n0, Value y) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  auto type = cast<VectorType>(y.getType());
  int64_t nr = type.getNumElements();
  auto readRow = [&](Value buf, ValueRange indices) {
    Type elt = cast<MemRefType>(buf.getType()).getElementType();
    Value v = k.read(k.vec(nr, elt), buf, indices, k.zero(elt), nr,
                     /*inBounds=*/false);
    return k.toF32(v);
  };
  if (io.bias)
    y = arith::AddFOp::create(b, loc, y, readRow(io.bias, {n0}));
  y = applyActivation(k, y, io.act);
  if (io.residual)
    y = arith::AddFOp::create(b, loc, y, readRow(io.residual, {m, n0}));
  Value result = y;
  Type elt = io.resultElt;
  if (io.outScale) {
    auto intType = cast<IntegerType>(elt);
    bool isUnsigned = intType.isUnsigned();
    int64_t qmin = isUnsigned ? 0 : -128, qmax = isUnsigned ? 255 : 127;
    Value s = k.toF32(memref::LoadOp::create(b, loc, io.outScale, ValueRange{}));
    Value zp = k.f32(0.0f);
    if (io.outZp)
      zp = k.intToF32(memref::LoadOp::create(b, loc, io.outZp, ValueRange{}),
                      io.outZpUnsigned);
    Value q = quantizeVec(k, y, k.splat(type, s), k.splat(type, zp), qmin, qmax);
    result = arith::TruncIOp::create(b, loc, type.clone(elt), q);
  } else if (!elt.isF32()) {
    result = arith::TruncFOp::create(b, loc, type.clone(elt), y);
  }
  SmallVector<bool> inBounds = {false};
  vector::TransferWriteOp::create(b, loc, result, io.out, ValueRange{m, n0},
                                  inBounds);
}

} // namespace qforge::cpu
