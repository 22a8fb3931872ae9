//===- ONNXActivations.cpp - Activations, Min/Max/Sum, BatchNorm ----------===//
//
// What convolutional networks and their exporters (Paddle2ONNX, tf2onnx,
// torch.onnx) write around their matmuls and convolutions: Clip (ReLU6;
// min/max as attributes before opset 11, as optional inputs since),
// LeakyRelu, PRelu, Elu, Selu, HardSigmoid, HardSwish, variadic Min / Max
// and Sum / Mean, and BatchNormalization in inference mode. One broadcasting
// linalg.generic each; BatchNormalization's per-channel parameters broadcast
// along axis 1.
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cfloat>

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

namespace {

/// max(lo, min(hi, x)) for floats, with ONNX's order: a bound that is NaN
/// leaves x alone (numpy's clip), so compare-and-select, not minimumf.
Value clampFloat(OpBuilder &b, Location l, Value x, Value lo, Value hi) {
  if (lo) {
    Value below = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x, lo);
    x = arith::SelectOp::create(b, l, below, lo, x);
  }
  if (hi) {
    Value above = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, hi);
    x = arith::SelectOp::create(b, l, above, hi, x);
  }
  return x;
}

/// x < 0 ? x * slope : x (LeakyRelu, PRelu).
Value scaleNegative(OpBuilder &b, Location l, Value x, Value slope) {
  Value zero = fconst(b, l, x.getType(), 0.0);
  Value negative =
      arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x, zero);
  return arith::SelectOp::create(b, l, negative,
                                 arith::MulFOp::create(b, l, x, slope), x);
}

/// The inputs of a variadic op (Min, Max, Sum, Mean): none empty, all of
/// one element type.
LogicalResult variadicInputs(NodeContext &n, SmallVectorImpl<Value> &ins) {
  for (int i = 0; i < n.numInputs(); ++i) {
    if (!n.hasInput(i))
      return n.unsupported("input " + Twine(i) + " is empty");
    ins.push_back(n.input(i));
  }
  for (Value v : ins)
    if (eltOf(v) != eltOf(ins.front()))
      return n.unsupported("operands have different element types");
  return success();
}

} // namespace

LogicalResult convertClip(NodeContext &n) {
  Value x = n.input(0);
  Type elt = eltOf(x);
  if (failed(requireFloatOrSignedInt(n, elt)))
    return failure();
  bool isFloat = isa<FloatType>(elt);
  SmallVector<Value> ins = {x};
  int lo = -1, hi = -1; // positions of the bounds in `ins`
  if (n.opset() < 11) {
    // Attributes (opset 6-10), floats only.
    if (!isFloat)
      return n.unsupported("integer Clip before opset 11");
    ins.push_back(
        n.ir().filled({}, elt, floatAttr(elt, n.attrFloat("min", -FLT_MAX))));
    ins.push_back(
        n.ir().filled({}, elt, floatAttr(elt, n.attrFloat("max", FLT_MAX))));
    lo = 1;
    hi = 2;
  } else {
    for (int i : {1, 2}) {
      if (!n.hasInput(i))
        continue;
      Value bound = n.input(i);
      if (eltOf(bound) != elt)
        return n.unsupported("bound " + Twine(i) + " is " +
                             typeName(eltOf(bound)) + ", the input " +
                             typeName(elt));
      (i == 1 ? lo : hi) = int(ins.size());
      ins.push_back(bound);
    }
  }
  return emitElementwise(
      n, ins, elt, [=](OpBuilder &b, Location l, ValueRange v) -> Value {
        Value low = lo >= 0 ? v[lo] : Value(), high = hi >= 0 ? v[hi] : Value();
        if (isFloat)
          return clampFloat(b, l, v[0], low, high);
        Value y = v[0];
        if (low)
          y = arith::MaxSIOp::create(b, l, y, low);
        if (high)
          y = arith::MinSIOp::create(b, l, y, high);
        return y;
      });
}

LogicalResult convertLeakyRelu(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  double alpha = n.attrFloat("alpha", 0.01f);
  return emitElementwise(
      n, {x}, eltOf(x), [alpha](OpBuilder &b, Location l, ValueRange v) {
        return scaleNegative(b, l, v[0], fconst(b, l, v[0].getType(), alpha));
      });
}

/// max(0, min(1, alpha x + beta)), times x for HardSwish.
template <bool swish> LogicalResult convertHardSigmoid(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  double alpha = swish ? 1.0 / 6.0 : n.attrFloat("alpha", 0.2f);
  double beta = swish ? 0.5 : n.attrFloat("beta", 0.5f);
  return emitElementwise(
      n, {x}, eltOf(x), [=](OpBuilder &b, Location l, ValueRange v) {
        Type t = v[0].getType();
        Value y = arith::AddFOp::create(
            b, l, arith::MulFOp::create(b, l, v[0], fconst(b, l, t, alpha)),
            fconst(b, l, t, beta));
        y = arith::MaximumFOp::create(
            b, l, arith::MinimumFOp::create(b, l, y, fconst(b, l, t, 1.0)),
            fconst(b, l, t, 0.0));
        return swish ? Value(arith::MulFOp::create(b, l, v[0], y)) : y;
      });
}

template LogicalResult convertHardSigmoid<false>(NodeContext &);
template LogicalResult convertHardSigmoid<true>(NodeContext &);

/// Variadic, broadcasting Min / Max; NaN propagates (numpy's minimum).
template <bool isMax> LogicalResult convertMinMax(NodeContext &n) {
  SmallVector<Value> ins;
  if (failed(variadicInputs(n, ins)))
    return failure();
  Type elt = eltOf(ins.front());
  if (failed(requireFloatOrSignedInt(n, elt)))
    return failure();
  bool isFloat = isa<FloatType>(elt);
  return emitElementwise(
      n, ins, elt, [isFloat](OpBuilder &b, Location l, ValueRange v) {
        Value y = v[0];
        for (Value w : v.drop_front()) {
          if (isFloat)
            y = isMax ? Value(arith::MaximumFOp::create(b, l, y, w))
                      : Value(arith::MinimumFOp::create(b, l, y, w));
          else
            y = isMax ? Value(arith::MaxSIOp::create(b, l, y, w))
                      : Value(arith::MinSIOp::create(b, l, y, w));
        }
        return y;
      });
}

template LogicalResult convertMinMax<false>(NodeContext &);
template LogicalResult convertMinMax<true>(NodeContext &);

LogicalResult convertPRelu(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0), slope = n.input(1);
  if (eltOf(slope) != eltOf(x))
    return n.unsupported("slope has another element type than X");
  return emitElementwise(n, {x, slope}, eltOf(x),
                         [](OpBuilder &b, Location l, ValueRange v) {
                           return scaleNegative(b, l, v[0], v[1]);
                         });
}

/// Elu (gamma 1) and Selu: x > 0 ? gamma x : gamma alpha (exp(x) - 1).
template <bool selu> LogicalResult convertElu(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  Value x = n.input(0);
  double alpha = n.attrFloat("alpha", selu ? 1.67326319217681884765625f : 1.0f);
  double gamma = selu ? n.attrFloat("gamma", 1.05070102214813232421875f) : 1.0;
  return emitElementwise(
      n, {x}, eltOf(x), [=](OpBuilder &b, Location l, ValueRange v) {
        Type t = v[0].getType();
        Value positive = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT,
                                               v[0], fconst(b, l, t, 0.0));
        Value expm1 = arith::SubFOp::create(
            b, l, math::ExpOp::create(b, l, v[0]), fconst(b, l, t, 1.0));
        Value y = arith::SelectOp::create(
            b, l, positive, v[0],
            arith::MulFOp::create(b, l, expm1, fconst(b, l, t, alpha)));
        return selu ? Value(arith::MulFOp::create(b, l, y,
                                                  fconst(b, l, t, gamma)))
                    : y;
      });
}

template LogicalResult convertElu<false>(NodeContext &);
template LogicalResult convertElu<true>(NodeContext &);

/// Variadic, broadcasting Sum and Mean (floats): left to right, as
/// onnxruntime adds them.
template <bool mean> LogicalResult convertSum(NodeContext &n) {
  SmallVector<Value> ins;
  if (failed(variadicInputs(n, ins)) || failed(n.requireFloat(0)))
    return failure();
  Type elt = eltOf(ins.front());
  size_t count = ins.size();
  return emitElementwise(
      n, ins, elt, [count](OpBuilder &b, Location l, ValueRange v) {
        Value y = v[0];
        for (Value w : v.drop_front())
          y = arith::AddFOp::create(b, l, y, w);
        if (mean)
          y = arith::DivFOp::create(b, l, y,
                                    fconst(b, l, y.getType(), double(count)));
        return y;
      });
}

template LogicalResult convertSum<false>(NodeContext &);
template LogicalResult convertSum<true>(NodeContext &);

LogicalResult convertBatchNorm(NodeContext &n) {
  if (failed(n.requireFloat(0)))
    return failure();
  if (n.attrInt("training_mode", 0) != 0)
    return n.unsupported("training_mode=1 (inference only)");
  if (n.opset() < 9 && n.attrInt("spatial", 1) != 1)
    return n.unsupported("spatial=0 (per-element statistics)");
  for (int i = 1; i < n.numOutputs(); ++i)
    if (n.hasOutput(i))
      return n.unsupported("the running mean / variance outputs of training");
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  if (rank < 2)
    return n.unsupported("X of rank " + Twine(rank) + " (needs [N, C, ...])");
  SmallVector<Value> ins = {x};
  for (int i = 1; i <= 4; ++i) {
    FailureOr<Value> p = perChannelInput(n, i, x);
    if (failed(p))
      return failure();
    ins.push_back(*p);
  }
  double epsilon = n.attrFloat("epsilon", 1e-5f);
  // (x - mean) * (scale / sqrt(var + epsilon)) + B.
  return emitElementwise(
      n, ins, eltOf(x), [epsilon](OpBuilder &b, Location l, ValueRange v) {
        Type t = v[0].getType();
        Value std = math::SqrtOp::create(
            b, l, arith::AddFOp::create(b, l, v[4], fconst(b, l, t, epsilon)));
        Value centered = arith::SubFOp::create(b, l, v[0], v[3]);
        Value scaled = arith::MulFOp::create(
            b, l, centered, arith::DivFOp::create(b, l, v[1], std));
        return arith::AddFOp::create(b, l, scaled, v[2]);
      });
}

} // namespace qforge::onnx_import
