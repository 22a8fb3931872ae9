//===- Epilogue.cpp - A kernel's output epilogue --------------------------===//

#include "Epilogue.h"

#include "qforge/Dialect/QF/Utils/NumericBuilders.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using qforge::qf::Activation;

namespace qforge::cpu {

Value quantizeVec(KB &k, Value x, Value scale, Value zp, int64_t qmin,
                  int64_t qmax) {
  return qf::buildQuantizeToI32(k.b, k.loc, x, scale, zp, qmin, qmax);
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
  y = qf::buildActivation(k.b, k.loc, y, io.act);
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
