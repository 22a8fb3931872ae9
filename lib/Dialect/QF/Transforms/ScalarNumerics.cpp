//===- ScalarNumerics.cpp - Scalar IR for the numeric core's math --------===//

#include "ScalarNumerics.h"
#include "qforge/Dialect/QF/Utils/NumericBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/APFloat.h"

using namespace mlir;

namespace qforge::qf::reference {

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

namespace {

Value makeTable(OpBuilder &b, Location loc, quant::WeightFormat format) {
  SmallVector<float> values = codeValues(format);
  auto type = RankedTensorType::get({int64_t(values.size())}, b.getF32Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<float>(values)));
}

} // namespace

Value makeDecodeTable(OpBuilder &b, Location loc, Type storage) {
  return makeTable(b, loc, *floatCodeFormatOf(storage));
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
  return makeTable(b, loc, quant::WeightFormat::NF4);
}

Value decodeNF4(OpBuilder &b, Location loc, Value code, Value table) {
  Value index = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), code);
  return tensor::ExtractOp::create(b, loc, table, ValueRange{index});
}

} // namespace qforge::qf::reference
