//===- ONNXLogical.cpp - Comparisons, boolean logic and Where -------------===//
//
// Equal, Less, LessOrEqual, Greater, GreaterOrEqual (float, signed integer
// and bool operands; bool results), Not, And, Or, Xor (bool) and Where:
// one broadcasting linalg.generic each, as the arithmetic ops. Exported
// models use them for masks (attention, padding) and shape arithmetic.
//
//===----------------------------------------------------------------------===//

#include "ONNXConverters.h"
#include "ONNXOpHelpers.h"

using namespace mlir;

namespace qforge::onnx_import {

using namespace detail;

namespace {

/// Float, signed integer or bool: the element types these ops take.
bool comparable(Type t) { return isa<FloatType>(t) || t.isSignlessInteger(); }

/// The unsigned form of a signed predicate (bools are 0 and 1, and
/// `true` is -1 as a signed i1).
arith::CmpIPredicate unsignedOf(arith::CmpIPredicate p) {
  switch (p) {
  case arith::CmpIPredicate::slt:
    return arith::CmpIPredicate::ult;
  case arith::CmpIPredicate::sle:
    return arith::CmpIPredicate::ule;
  case arith::CmpIPredicate::sgt:
    return arith::CmpIPredicate::ugt;
  case arith::CmpIPredicate::sge:
    return arith::CmpIPredicate::uge;
  default:
    return p;
  }
}

LogicalResult requireBool(NodeContext &n, int i) {
  Type t = n.elementType(i);
  if (!t || !t.isInteger(1))
    return n.unsupported("input " + Twine(i) + " is " + typeName(t) +
                         ", the operator takes BOOL");
  return success();
}

} // namespace

template <arith::CmpFPredicate fp, arith::CmpIPredicate ip>
LogicalResult convertCompare(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  Type elt = eltOf(a);
  if (elt != eltOf(b))
    return n.unsupported("operands have different element types");
  if (!comparable(elt))
    return n.unsupported("element type " + typeName(elt) +
                         " (floats, signed integers and bools only)");
  // Ordered float predicates: a comparison with NaN is false, as in ONNX
  // (numpy); bools compare as unsigned (false < true).
  bool isBool = elt.isInteger(1);
  return emitElementwise(
      n, {a, b}, IntegerType::get(n.ctx(), 1),
      [elt, isBool](OpBuilder &bb, Location l, ValueRange v) -> Value {
        if (isa<FloatType>(elt))
          return arith::CmpFOp::create(bb, l, fp, v[0], v[1]);
        return arith::CmpIOp::create(bb, l, isBool ? unsignedOf(ip) : ip, v[0],
                                     v[1]);
      });
}

template LogicalResult
convertCompare<arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq>(
    NodeContext &);
template LogicalResult
convertCompare<arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt>(
    NodeContext &);
template LogicalResult
convertCompare<arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle>(
    NodeContext &);
template LogicalResult
convertCompare<arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt>(
    NodeContext &);
template LogicalResult
convertCompare<arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge>(
    NodeContext &);

LogicalResult convertNot(NodeContext &n) {
  if (failed(requireBool(n, 0)))
    return failure();
  return emitElementwise(n, {n.input(0)}, IntegerType::get(n.ctx(), 1),
                         [](OpBuilder &b, Location l, ValueRange v) -> Value {
                           Value one = arith::ConstantOp::create(
                               b, l, b.getBoolAttr(true));
                           return arith::XOrIOp::create(b, l, v[0], one);
                         });
}

template <typename IOp> LogicalResult convertLogical(NodeContext &n) {
  if (failed(requireBool(n, 0)) || failed(requireBool(n, 1)))
    return failure();
  return emitElementwise(n, {n.input(0), n.input(1)},
                         IntegerType::get(n.ctx(), 1),
                         [](OpBuilder &b, Location l, ValueRange v) -> Value {
                           return IOp::create(b, l, v[0], v[1]);
                         });
}

template LogicalResult convertLogical<arith::AndIOp>(NodeContext &);
template LogicalResult convertLogical<arith::OrIOp>(NodeContext &);
template LogicalResult convertLogical<arith::XOrIOp>(NodeContext &);

LogicalResult convertWhere(NodeContext &n) {
  if (failed(requireBool(n, 0)))
    return failure();
  Value x = n.input(1), y = n.input(2);
  Type elt = eltOf(x);
  if (elt != eltOf(y))
    return n.unsupported("X and Y have different element types");
  if (!comparable(elt))
    return n.unsupported("element type " + typeName(elt) +
                         " (floats, signed integers and bools only)");
  return emitElementwise(n, {n.input(0), x, y}, elt,
                         [](OpBuilder &b, Location l, ValueRange v) -> Value {
                           return arith::SelectOp::create(b, l, v[0], v[1],
                                                          v[2]);
                         });
}

} // namespace qforge::onnx_import
