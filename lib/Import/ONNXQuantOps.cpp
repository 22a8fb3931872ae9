//===- ONNXQuantOps.cpp - ONNX quantization operators ---------------------===//
//
// Pre-quantized graphs: QuantizeLinear, DequantizeLinear and
// DynamicQuantizeLinear as qf dialect ops, and MatMulInteger / QLinearMatMul
// as i32 matmuls of zero-point-shifted 8-bit operands (requantized as ONNX's
// reference does).
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

//===----------------------------------------------------------------------===//
// Pre-quantized graphs
//===----------------------------------------------------------------------===//

namespace {

/// ui8 tensors as i8 for arith (same bits).
Value signless(NodeContext &n, Value v) {
  auto t = typeOf(v);
  if (!t.getElementType().isUnsignedInteger())
    return v;
  Type i =
      IntegerType::get(n.ctx(), t.getElementType().getIntOrFloatBitWidth());
  return tensor::BitcastOp::create(n.b(), n.loc(), t.clone(i), v);
}

bool isQuantType(Type t) {
  return t.isSignlessInteger(8) || t.isUnsignedInteger(8);
}

/// ONNX scale / zero point layout -> qf's: rank-0 per tensor, 1-D per axis,
/// input-rank blocked. Sets `axis` / `blockSize` and reshapes one-element
/// 1-D scales to rank 0.
LogicalResult quantLayout(NodeContext &n, Value x, Value &scale, Value &zp,
                          IntegerAttr &axisAttr, IntegerAttr &blockAttr) {
  IRBuilder &ir = n.ir();
  int64_t rank = rankOf(x);
  auto st = typeOf(scale);
  if (!st.getElementType().isF32())
    return n.unsupported("scale must be float32");
  if (zp && typeOf(zp).getShape() != st.getShape())
    return n.unsupported("zero point and scale differ in shape");
  int64_t blockSize = n.opset() >= 21 ? n.attrInt("block_size", 0) : 0;
  if (blockSize > 0) {
    std::optional<int64_t> axis = n.axis(n.attrInt("axis", 1), rank);
    if (!axis)
      return failure();
    if (st.getRank() != rank)
      return n.unsupported("blocked scale must have the input's rank");
    axisAttr = n.b().getI64IntegerAttr(*axis);
    blockAttr = n.b().getI64IntegerAttr(blockSize);
    return success();
  }
  if (st.getRank() == 0)
    return success();
  if (st.getRank() == 1 && st.getDimSize(0) == 1) {
    scale = ir.dropUnitDims(scale, {0});
    if (zp)
      zp = ir.dropUnitDims(zp, {0});
    return success();
  }
  if (st.getRank() != 1)
    return n.unsupported("scale of rank " + Twine(st.getRank()) +
                         " without block_size");
  std::optional<int64_t> axis = n.axis(n.attrInt("axis", 1), rank);
  if (!axis)
    return failure();
  axisAttr = n.b().getI64IntegerAttr(*axis);
  return success();
}

} // namespace

LogicalResult convertQuantizeLinear(NodeContext &n) {
  Value x = n.input(0), scale = n.input(1);
  if (!eltOf(x).isF32())
    return n.unsupported("input must be float32");
  Value zp = n.hasInput(2) ? n.input(2) : Value();
  Type storage;
  if (zp) {
    storage = eltOf(zp);
  } else {
    int64_t dtype = n.opset() >= 21 ? n.attrInt("output_dtype", 0) : 0;
    storage =
        mlirElementType(n.ctx(), dtype ? int32_t(dtype) : int32_t(kUInt8));
  }
  if (!storage || !isQuantType(storage))
    return n.unsupported("output type " +
                         (storage ? typeName(storage) : std::string("?")) +
                         " (int8 and uint8 only)");
  IntegerAttr axis, block;
  if (failed(quantLayout(n, x, scale, zp, axis, block)))
    return failure();
  n.setOutput(0, qforge::qf::QuantizeOp::create(
                     n.b(), n.loc(), typeOf(x).clone(storage), x, scale, zp,
                     axis, block, qforge::qf::CodebookAttr())
                     .getResult());
  return success();
}

LogicalResult convertDequantizeLinear(NodeContext &n) {
  Value x = n.input(0), scale = n.input(1);
  if (!isQuantType(eltOf(x)))
    return n.unsupported("input type " + typeName(eltOf(x)) +
                         " (int8 and uint8 only)");
  Value zp = n.hasInput(2) ? n.input(2) : Value();
  if (zp && eltOf(zp) != eltOf(x))
    return n.unsupported("zero point type differs from the input's");
  IntegerAttr axis, block;
  if (failed(quantLayout(n, x, scale, zp, axis, block)))
    return failure();
  n.setOutput(0, qforge::qf::DequantizeOp::create(
                     n.b(), n.loc(), typeOf(x).clone(n.b().getF32Type()), x,
                     scale, zp, axis, block, qforge::qf::CodebookAttr())
                     .getResult());
  return success();
}

LogicalResult convertDynamicQuantizeLinear(NodeContext &n) {
  Value x = n.input(0);
  if (!eltOf(x).isF32())
    return n.unsupported("input must be float32");
  Type u8 = IntegerType::get(n.ctx(), 8, IntegerType::Unsigned);
  auto op = qforge::qf::DynamicQuantizeOp::create(
      n.b(), n.loc(), typeOf(x).clone(u8),
      RankedTensorType::get({}, n.b().getF32Type()),
      RankedTensorType::get({}, u8), x, /*per_row=*/false);
  for (int i = 0; i < 3; ++i)
    n.setOutput(i, op->getResult(i));
  return success();
}

namespace {

/// (x - zp) as i32; zp rank 0 or one element, or 1-D along `zpDim` of x
/// (MatMulInteger's per-row a / per-column b zero points).
FailureOr<Value> minusZeroPoint(NodeContext &n, Value x, Value zp,
                                int64_t zpDim) {
  IRBuilder &ir = n.ir();
  Type i32 = n.b().getI32Type();
  bool isUnsigned = eltOf(x).isUnsignedInteger();
  SmallVector<Value> ins = {signless(n, x)};
  if (zp) {
    if (eltOf(zp) != eltOf(x)) {
      (void)n.unsupported("zero point type differs from the input's");
      return failure();
    }
    zp = signless(n, zp);
    auto zt = typeOf(zp);
    if (zt.getRank() > 1) {
      (void)n.unsupported("zero point of rank " + Twine(zt.getRank()));
      return failure();
    }
    if (zt.getRank() == 1 && zt.getDimSize(0) != 1 && zpDim == rankOf(x) - 2)
      zp = ir.insertUnitDims(zp, {1}); // per row: [M] -> [M, 1]
    ins.push_back(zp);
  }
  auto ext = [isUnsigned, i32](OpBuilder &b, Location l, Value v) -> Value {
    return isUnsigned ? Value(arith::ExtUIOp::create(b, l, i32, v))
                      : Value(arith::ExtSIOp::create(b, l, i32, v));
  };
  std::string error;
  FailureOr<Value> r = ir.elementwise(
      ins, i32,
      [ext](OpBuilder &b, Location l, ValueRange v) -> Value {
        Value a = ext(b, l, v[0]);
        return v.size() > 1
                   ? Value(arith::SubIOp::create(b, l, a, ext(b, l, v[1])))
                   : a;
      },
      &error);
  if (failed(r)) {
    (void)n.unsupported("zero point: " + error);
    return failure();
  }
  return r;
}

/// The int32 product of two (zero-point-shifted) 8-bit operands.
FailureOr<Value> integerMatmul(NodeContext &n, Value a, Value aZp, Value b,
                               Value bZp) {
  if (!isQuantType(eltOf(a)) || !isQuantType(eltOf(b))) {
    (void)n.unsupported("A and B must be int8 or uint8");
    return failure();
  }
  if (rankOf(a) < 2 || rankOf(b) < 2) {
    (void)n.unsupported("A and B must have rank >= 2");
    return failure();
  }
  FailureOr<Value> a32 = minusZeroPoint(n, a, aZp, rankOf(a) - 2);
  if (failed(a32))
    return failure();
  FailureOr<Value> b32 = minusZeroPoint(n, b, bZp, rankOf(b) - 1);
  if (failed(b32))
    return failure();
  return rankOf(*b32) == 2 ? matmulWithMatrix(n, *a32, *b32, false)
                           : batchedMatmul(n, *a32, *b32);
}

} // namespace

LogicalResult convertMatMulInteger(NodeContext &n) {
  FailureOr<Value> y =
      integerMatmul(n, n.input(0), n.hasInput(2) ? n.input(2) : Value(),
                    n.input(1), n.hasInput(3) ? n.input(3) : Value());
  if (failed(y))
    return failure();
  n.setOutput(0, *y);
  return success();
}

LogicalResult convertQLinearMatMul(NodeContext &n) {
  for (int i : {1, 4, 6})
    if (!eltOf(n.input(i)).isF32() || typeOf(n.input(i)).getNumElements() != 1)
      return n.unsupported("scales must be one float32 value each");
  Value yZp = n.input(7);
  Type storage = eltOf(yZp);
  if (!isQuantType(storage) || typeOf(yZp).getNumElements() != 1)
    return n.unsupported("y_zero_point must be one int8 or uint8 value");
  FailureOr<Value> acc =
      integerMatmul(n, n.input(0), n.input(2), n.input(3), n.input(5));
  if (failed(acc))
    return failure();
  // y = saturate(rint(acc * (a_scale * b_scale / y_scale)) + y_zero_point),
  // as ONNX's reference computes it (in double).
  bool isUnsigned = storage.isUnsignedInteger();
  double lo = isUnsigned ? 0 : -128, hi = isUnsigned ? 255 : 127;
  IRBuilder &ir = n.ir();
  Type i8 = n.b().getI8Type();
  std::string error;
  FailureOr<Value> y = ir.elementwise(
      {*acc, n.input(1), n.input(4), n.input(6), signless(n, yZp)}, i8,
      [=](OpBuilder &b, Location l, ValueRange v) -> Value {
        Type f64 = b.getF64Type();
        auto wide = [&](Value f) {
          return arith::ExtFOp::create(b, l, f64, f);
        };
        Value m = arith::DivFOp::create(
            b, l, arith::MulFOp::create(b, l, wide(v[1]), wide(v[2])),
            wide(v[3]));
        Value zp = isUnsigned ? Value(arith::UIToFPOp::create(b, l, f64, v[4]))
                              : Value(arith::SIToFPOp::create(b, l, f64, v[4]));
        Value d = arith::AddFOp::create(
            b, l,
            arith::MulFOp::create(b, l,
                                  arith::SIToFPOp::create(b, l, f64, v[0]), m),
            zp);
        d = math::RoundEvenOp::create(b, l, d);
        d = arith::MaximumFOp::create(b, l, d, fconst(b, l, f64, lo));
        d = arith::MinimumFOp::create(b, l, d, fconst(b, l, f64, hi));
        Value q = arith::FPToSIOp::create(b, l, b.getI32Type(), d);
        return arith::TruncIOp::create(b, l, i8, q);
      },
      &error);
  if (failed(y))
    return n.unsupported(error);
  Value out = *y;
  if (isUnsigned)
    out = tensor::BitcastOp::create(n.b(), n.loc(), typeOf(out).clone(storage),
                                    out);
  n.setOutput(0, out);
  return success();
}

} // namespace qforge::onnx_import
