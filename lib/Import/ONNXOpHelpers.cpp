//===- ONNXOpHelpers.cpp - Helpers shared by ONNX op converters -----------===//
//
// The out-of-line helpers of ONNXOpHelpers.h that every op family uses:
// element type names for messages, elementwise emission into a node's
// output, and axis normalization.
//
//===----------------------------------------------------------------------===//

#include "ONNXOpHelpers.h"

using namespace mlir;

namespace qforge::onnx_import::detail {

std::string typeName(Type t) {
  std::optional<int32_t> o = onnxTypeOf(t);
  return o ? onnxTypeName(*o) : std::string("?");
}

LogicalResult emitElementwise(NodeContext &n, ValueRange ins, Type outElt,
                              BodyFn body) {
  std::string error;
  FailureOr<Value> r = n.ir().elementwise(ins, outElt, body, &error);
  if (failed(r))
    return n.unsupported(error);
  n.setOutput(0, *r);
  return success();
}

LogicalResult requireFloatOrSignedInt(NodeContext &n, Type elt) {
  if (isa<FloatType>(elt) || (elt.isSignlessInteger() && !elt.isInteger(1)))
    return success();
  return n.unsupported("element type " + typeName(elt) +
                       " (floats and signed integers only)");
}

FailureOr<Value> perChannelInput(NodeContext &n, int i, Value x) {
  Value p = n.input(i);
  if (rankOf(p) != 1 || eltOf(p) != eltOf(x))
    return n.unsupported("input " + Twine(i) +
                         " must be 1-D with X's element type");
  SmallVector<int64_t> unitDims;
  for (int64_t d = 1; d < rankOf(x) - 1; ++d)
    unitDims.push_back(d);
  return n.ir().insertUnitDims(p, unitDims);
}

/// Sorted, unique, normalized axes.
std::optional<SmallVector<int64_t>>
normalizeAxes(NodeContext &n, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t a : axes) {
    std::optional<int64_t> na = n.axis(a, rank);
    if (!na)
      return std::nullopt;
    if (llvm::is_contained(out, *na)) {
      (void)n.unsupported("axis " + Twine(a) + " is repeated");
      return std::nullopt;
    }
    out.push_back(*na);
  }
  llvm::sort(out);
  return out;
}

func::FuncOp runtimeReportFunction(ModuleOp module, StringRef name,
                                   unsigned numArgs) {
  if (auto fn = module.lookupSymbol<func::FuncOp>(name))
    return fn;
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  SmallVector<Type> args(numArgs, b.getI64Type());
  auto fn = func::FuncOp::create(b, module.getLoc(), name,
                                 b.getFunctionType(args, {}));
  fn.setPrivate();
  return fn;
}

} // namespace qforge::onnx_import::detail
