//===- ONNXOps.cpp - Converters for ONNX operators ------------------------===//
//
// The op-type table: ONNX operator name -> converter. The converters are
// one function per operator (family), declared in ONNXConverters.h and
// defined in ONNXElementwise.cpp, ONNXActivations.cpp, ONNXLogical.cpp,
// ONNXReductions.cpp, ONNXMatmul.cpp, ONNXConvPool.cpp, ONNXShapeOps.cpp,
// ONNXShapeValues.cpp and ONNXQuantOps.cpp. Each reads its
// node through NodeContext, builds linalg / tensor / arith / math ops on
// tensors at the node's location (a NameLoc of the node name), and sets the
// node's outputs; on a variant it does not handle it returns
// NodeContext::unsupported(reason). Shape ops on import-time constants are
// folded into new constants instead of emitting IR.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "ONNXConverters.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir;

namespace qforge::onnx_import {
namespace {

const llvm::StringMap<ConvertFn> &converters() {
  static const llvm::StringMap<ConvertFn> table = {
      {"Abs", convertUnary<absFn>},
      {"Add", convertBinary<arith::AddFOp, arith::AddIOp>},
      {"And", convertLogical<arith::AndIOp>},
      {"ArgMax", convertArgExtreme<true>},
      {"ArgMin", convertArgExtreme<false>},
      {"AveragePool", convertPool<false>},
      {"BatchNormalization", convertBatchNorm},
      {"Cast", convertCast},
      {"Ceil", convertUnary<ceilFn>},
      {"Clip", convertClip},
      {"Concat", convertConcat},
      {"Constant", convertConstant},
      {"ConstantOfShape", convertConstantOfShape},
      {"Conv", convertConv},
      {"ConvTranspose", convertConvTranspose},
      {"Cos", convertUnary<cosFn>},
      {"DepthToSpace", convertDepthSpace<true>},
      {"DequantizeLinear", convertDequantizeLinear},
      {"Div", convertBinary<arith::DivFOp, arith::DivSIOp>},
      {"Dropout", convertDropout},
      {"DynamicQuantizeLinear", convertDynamicQuantizeLinear},
      {"Elu", convertElu<false>},
      {"Equal",
       convertCompare<arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq>},
      {"Erf", convertUnary<erfFn>},
      {"Exp", convertUnary<expFn>},
      {"Expand", convertExpand},
      {"Flatten", convertFlatten},
      {"Floor", convertUnary<floorFn>},
      {"Gather", convertGather},
      {"Gelu", convertGelu},
      {"Gemm", convertGemm},
      {"GlobalAveragePool", convertGlobalAveragePool},
      {"GlobalMaxPool", convertGlobalMaxPool},
      {"GroupNormalization", convertGroupNorm},
      {"Greater",
       convertCompare<arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt>},
      {"GreaterOrEqual",
       convertCompare<arith::CmpFPredicate::OGE, arith::CmpIPredicate::sge>},
      {"HardSigmoid", convertHardSigmoid<false>},
      {"HardSwish", convertHardSigmoid<true>},
      {"Identity", convertIdentity},
      {"InstanceNormalization", convertInstanceNorm},
      {"LayerNormalization", convertLayerNorm},
      {"LeakyRelu", convertLeakyRelu},
      {"Less",
       convertCompare<arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt>},
      {"LessOrEqual",
       convertCompare<arith::CmpFPredicate::OLE, arith::CmpIPredicate::sle>},
      {"Log", convertUnary<logFn>},
      {"LogSoftmax", convertSoftmax<true>},
      {"MatMul", convertMatMul},
      {"MatMulInteger", convertMatMulInteger},
      {"Max", convertMinMax<true>},
      {"MaxPool", convertPool<true>},
      {"Mean", convertSum<true>},
      {"Min", convertMinMax<false>},
      {"Mul", convertBinary<arith::MulFOp, arith::MulIOp>},
      {"Neg", convertUnary<negFn>},
      {"Not", convertNot},
      {"Or", convertLogical<arith::OrIOp>},
      {"PRelu", convertPRelu},
      {"Pad", convertPad},
      {"Pow", convertPow},
      {"QLinearMatMul", convertQLinearMatMul},
      {"QuantizeLinear", convertQuantizeLinear},
      {"Range", convertRange},
      {"Reciprocal", convertUnary<reciprocalFn>},
      {"ReduceMax", convertReduce<ReduceKind::Max>},
      {"ReduceMean", convertReduce<ReduceKind::Mean>},
      {"ReduceMin", convertReduce<ReduceKind::Min>},
      {"ReduceSum", convertReduce<ReduceKind::Sum>},
      {"Relu", convertUnary<reluFn>},
      {"Reshape", convertReshape},
      {"Resize", convertResize},
      {"Selu", convertElu<true>},
      {"Shape", convertShape},
      {"Sigmoid", convertUnary<sigmoidFn>},
      {"Sign", convertUnary<signFn>},
      {"Sin", convertUnary<sinFn>},
      {"Slice", convertSlice},
      {"Softmax", convertSoftmax<false>},
      {"SpaceToDepth", convertDepthSpace<false>},
      {"Softplus", convertUnary<softplusFn>},
      {"Softsign", convertUnary<softsignFn>},
      {"Split", convertSplit},
      {"Sqrt", convertUnary<sqrtFn>},
      {"Squeeze", convertSqueeze},
      {"Sub", convertBinary<arith::SubFOp, arith::SubIOp>},
      {"Sum", convertSum<false>},
      {"Tanh", convertUnary<tanhFn>},
      {"Tile", convertTile},
      {"Transpose", convertTranspose},
      {"Unsqueeze", convertUnsqueeze},
      {"Upsample", convertUpsample},
      {"Where", convertWhere},
      {"Xor", convertLogical<arith::XOrIOp>},
  };
  return table;
}

} // namespace

ConvertFn lookupConverter(StringRef opType) {
  return converters().lookup(opType);
}

std::vector<std::string> supportedOpTypes() {
  std::vector<std::string> out;
  for (const auto &e : converters())
    out.push_back(e.getKey().str());
  llvm::sort(out);
  return out;
}

} // namespace qforge::onnx_import
