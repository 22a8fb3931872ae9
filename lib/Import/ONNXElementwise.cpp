//===- ONNXElementwise.cpp - Elementwise ONNX operators -------------------===//
//
// Binary arithmetic (Add, Sub, Mul, Div), Pow, the float unary ops (Sqrt,
// Relu, Sigmoid, Tanh, Erf, Exp, Log, Neg, Abs, Reciprocal, Floor, Ceil,
// Softplus, Softsign, Sign, Sin, Cos),
// Gelu, and the
// forwarding ops Identity and Dropout: one broadcasting linalg.generic each.
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

template <typename FOp, typename IOp>
LogicalResult convertBinary(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  Type elt = eltOf(a);
  if (elt != eltOf(b))
    return n.unsupported("operands have different element types");
  if (failed(requireFloatOrSignedInt(n, elt)))
    return failure();
  bool isFloat = isa<FloatType>(elt);
  return emitElementwise(
      n, {a, b}, elt,
      [isFloat](OpBuilder &b, Location l, ValueRange v) -> Value {
        if (isFloat)
          return FOp::create(b, l, v[0], v[1]);
        return IOp::create(b, l, v[0], v[1]);
      });
}

LogicalResult convertPow(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value base = n.input(0);
  Type elt = eltOf(base);
  // x^2 and x^3 as products, as onnxruntime computes them.
  if (const ConstTensor *e = n.constInput(1))
    if (std::optional<double> s = e->scalar();
        s && (*s == 2.0 || *s == 3.0) && e->shape.empty()) {
      bool cube = *s == 3.0;
      return emitElementwise(
          n, {base}, elt,
          [cube](OpBuilder &b, Location l, ValueRange v) -> Value {
            Value sq = arith::MulFOp::create(b, l, v[0], v[0]);
            return cube ? arith::MulFOp::create(b, l, sq, v[0]) : sq;
          });
    }
  Value exp = n.input(1);
  Type expElt = eltOf(exp);
  if (isa<FloatType>(expElt) && expElt != elt)
    return n.unsupported("exponent type differs from the base type");
  if (!isa<FloatType>(expElt) &&
      (!expElt.isSignlessInteger() || expElt.isInteger(1)))
    return n.unsupported("exponent type " + typeName(expElt));
  return emitElementwise(
      n, {base, exp}, elt,
      [elt](OpBuilder &b, Location l, ValueRange v) -> Value {
        Value e = v[1];
        if (!isa<FloatType>(e.getType()))
          e = arith::SIToFPOp::create(b, l, elt, e);
        return math::PowFOp::create(b, l, v[0], e);
      });
}

template <UnaryFn fn> LogicalResult convertUnary(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  return emitElementwise(
      n, {x}, eltOf(x),
      [](OpBuilder &b, Location l, ValueRange v) { return fn(b, l, v[0]); });
}

Value sqrtFn(OpBuilder &b, Location l, Value x) {
  return math::SqrtOp::create(b, l, x);
}
Value reluFn(OpBuilder &b, Location l, Value x) {
  return arith::MaximumFOp::create(b, l, x, fconst(b, l, x.getType(), 0.0));
}
Value sigmoidFn(OpBuilder &b, Location l, Value x) {
  Value one = fconst(b, l, x.getType(), 1.0);
  Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, x));
  return arith::DivFOp::create(b, l, one, arith::AddFOp::create(b, l, one, e));
}
Value tanhFn(OpBuilder &b, Location l, Value x) {
  return math::TanhOp::create(b, l, x);
}
Value erfFn(OpBuilder &b, Location l, Value x) {
  return math::ErfOp::create(b, l, x);
}
Value expFn(OpBuilder &b, Location l, Value x) {
  return math::ExpOp::create(b, l, x);
}
Value logFn(OpBuilder &b, Location l, Value x) {
  return math::LogOp::create(b, l, x);
}
Value negFn(OpBuilder &b, Location l, Value x) {
  return arith::NegFOp::create(b, l, x);
}
Value absFn(OpBuilder &b, Location l, Value x) {
  return math::AbsFOp::create(b, l, x);
}
Value floorFn(OpBuilder &b, Location l, Value x) {
  return math::FloorOp::create(b, l, x);
}
Value ceilFn(OpBuilder &b, Location l, Value x) {
  return math::CeilOp::create(b, l, x);
}
Value softplusFn(OpBuilder &b, Location l, Value x) {
  // log(1 + exp(x)), as onnxruntime computes it.
  return math::LogOp::create(
      b, l,
      arith::AddFOp::create(b, l, fconst(b, l, x.getType(), 1.0),
                            math::ExpOp::create(b, l, x)));
}
Value softsignFn(OpBuilder &b, Location l, Value x) {
  Value one = fconst(b, l, x.getType(), 1.0);
  return arith::DivFOp::create(
      b, l, x, arith::AddFOp::create(b, l, one, math::AbsFOp::create(b, l, x)));
}
Value signFn(OpBuilder &b, Location l, Value x) {
  Type t = x.getType();
  Value zero = fconst(b, l, t, 0.0);
  Value pos = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, zero);
  Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x, zero);
  // NaN stays NaN (neither branch), 0 stays 0.
  return arith::SelectOp::create(
      b, l, pos, fconst(b, l, t, 1.0),
      arith::SelectOp::create(b, l, neg, fconst(b, l, t, -1.0), x));
}
Value sinFn(OpBuilder &b, Location l, Value x) {
  return math::SinOp::create(b, l, x);
}
Value cosFn(OpBuilder &b, Location l, Value x) {
  return math::CosOp::create(b, l, x);
}
Value reciprocalFn(OpBuilder &b, Location l, Value x) {
  return arith::DivFOp::create(b, l, fconst(b, l, x.getType(), 1.0), x);
}

LogicalResult convertGelu(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  std::string approx = n.attrString("approximate", "none");
  if (approx != "none" && approx != "tanh")
    return n.unsupported("approximate='" + approx + "'");
  bool useTanh = approx == "tanh";
  Value x = n.input(0);
  return emitElementwise(
      n, {x}, eltOf(x),
      [useTanh](OpBuilder &b, Location l, ValueRange v) -> Value {
        Value x = v[0];
        Type t = x.getType();
        Value half = fconst(b, l, t, 0.5), one = fconst(b, l, t, 1.0);
        Value inner;
        if (useTanh) {
          // tanh(sqrt(2/pi) * (x + 0.044715 x^3))
          Value x3 =
              arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, x, x), x);
          Value s = arith::AddFOp::create(
              b, l, x,
              arith::MulFOp::create(b, l, fconst(b, l, t, 0.044715), x3));
          inner = math::TanhOp::create(
              b, l,
              arith::MulFOp::create(b, l,
                                    fconst(b, l, t, std::sqrt(2.0 / M_PI)), s));
        } else {
          inner = math::ErfOp::create(
              b, l, arith::MulFOp::create(b, l, x, fconst(b, l, t, M_SQRT1_2)));
        }
        Value hx = arith::MulFOp::create(b, l, half, x);
        return arith::MulFOp::create(b, l, hx,
                                     arith::AddFOp::create(b, l, one, inner));
      });
}

LogicalResult convertIdentity(NodeContext &n) {
  n.forward(0, 0);
  return success();
}

LogicalResult convertDropout(NodeContext &n) {
  if (n.hasInput(2)) {
    const ConstTensor *t = n.constInput(2);
    std::optional<double> s = t ? t->scalar() : std::nullopt;
    if (!s || *s != 0)
      return n.unsupported("training_mode must be a constant false");
  }
  n.forward(0, 0);
  if (n.hasOutput(1)) {
    // Inference: nothing is dropped.
    Value x = n.input(0);
    n.setOutput(1, n.ir().filled(n.ir().sizes(x), n.b().getI1Type(),
                                 n.b().getIntegerAttr(n.b().getI1Type(), 1)));
  }
  return success();
}

// The instantiations the op-type table (ONNXOps.cpp) uses.
template LogicalResult
convertBinary<arith::AddFOp, arith::AddIOp>(NodeContext &);
template LogicalResult
convertBinary<arith::SubFOp, arith::SubIOp>(NodeContext &);
template LogicalResult
convertBinary<arith::MulFOp, arith::MulIOp>(NodeContext &);
template LogicalResult
convertBinary<arith::DivFOp, arith::DivSIOp>(NodeContext &);
template LogicalResult convertUnary<sqrtFn>(NodeContext &);
template LogicalResult convertUnary<reluFn>(NodeContext &);
template LogicalResult convertUnary<sigmoidFn>(NodeContext &);
template LogicalResult convertUnary<tanhFn>(NodeContext &);
template LogicalResult convertUnary<erfFn>(NodeContext &);
template LogicalResult convertUnary<expFn>(NodeContext &);
template LogicalResult convertUnary<logFn>(NodeContext &);
template LogicalResult convertUnary<negFn>(NodeContext &);
template LogicalResult convertUnary<absFn>(NodeContext &);
template LogicalResult convertUnary<reciprocalFn>(NodeContext &);
template LogicalResult convertUnary<floorFn>(NodeContext &);
template LogicalResult convertUnary<softplusFn>(NodeContext &);
template LogicalResult convertUnary<softsignFn>(NodeContext &);
template LogicalResult convertUnary<signFn>(NodeContext &);
template LogicalResult convertUnary<sinFn>(NodeContext &);
template LogicalResult convertUnary<cosFn>(NodeContext &);
template LogicalResult convertUnary<ceilFn>(NodeContext &);

} // namespace qforge::onnx_import
