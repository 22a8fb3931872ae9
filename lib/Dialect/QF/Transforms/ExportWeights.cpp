//===- ExportWeights.cpp - qf.matmul weights to safetensors --------------===//

#include "MatmulRewrite.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "WeightsFile.h"

#include "qforge/Formats/SafeTensors.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/LayerNames.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFEXPORTWEIGHTS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;
using namespace qforge;
using namespace qforge::qf;

namespace {

DenseElementsAttr constantOf(Value v) {
  auto c = v ? v.getDefiningOp<arith::ConstantOp>() : arith::ConstantOp();
  return c ? dyn_cast<DenseElementsAttr>(c.getValue()) : DenseElementsAttr();
}

std::vector<int64_t> shapeOf(DenseElementsAttr attr) {
  auto shape = attr.getType().getShape();
  return {shape.begin(), shape.end()};
}

/// Codes one per element: I8/U8 for integers (any width), F8_* for float8,
/// U8 holding the bits for FP4.
formats::SafeTensor codesTensor(DenseElementsAttr attr) {
  formats::SafeTensor t;
  t.shape = shapeOf(attr);
  Type elt = attr.getElementType();
  if (auto f = dyn_cast<FloatType>(elt)) {
    t.dtype = isa<Float8E4M3FNType>(f)   ? "F8_E4M3"
              : isa<Float8E5M2Type>(f) ? "F8_E5M2"
                                       : "U8";
    for (const APFloat &v : attr.getValues<APFloat>())
      t.data.push_back(char(v.bitcastToAPInt().getZExtValue()));
    return t;
  }
  bool isUnsigned = cast<IntegerType>(elt).isUnsigned();
  t.dtype = isUnsigned ? "U8" : "I8";
  for (const APInt &v : attr.getValues<APInt>())
    t.data.push_back(char(isUnsigned ? v.getZExtValue() : v.getSExtValue()));
  return t;
}

formats::SafeTensor floatTensor(DenseElementsAttr attr) {
  formats::SafeTensor t;
  t.shape = shapeOf(attr);
  Type elt = attr.getElementType();
  unsigned bytes = elt.getIntOrFloatBitWidth() / 8;
  t.dtype = elt.isF32() ? "F32" : elt.isF16() ? "F16" : "BF16";
  for (const APFloat &v : attr.getValues<APFloat>()) {
    uint64_t bits = v.bitcastToAPInt().getZExtValue();
    for (unsigned i = 0; i < bytes; ++i)
      t.data.push_back(char((bits >> (8 * i)) & 0xFF));
  }
  return t;
}

std::string storageName(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

struct ExportWeightsPass
    : qf::impl::QFExportWeightsBase<ExportWeightsPass> {
  using QFExportWeightsBase::QFExportWeightsBase;

  LogicalResult initializeOptions(
      StringRef options,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (std::optional<std::string> path = weights::bareFileOption(options)) {
      file = *path;
      return success();
    }
    return Pass::initializeOptions(options, errorHandler);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (file.empty()) {
      emitError(module.getLoc(), "qf-export-weights: no file given "
                                 "(--qf-export-weights=FILE.safetensors)");
      return signalPassFailure();
    }
    llvm::DenseMap<Operation *, std::string> names = getLayerNames(module);
    formats::SafeTensorsFile out;
    llvm::json::Object map;
    WalkResult walk = module.walk([&](MatmulOp op) {
      std::string layer = names.lookup(op);
      if (op.getQuantScheme().isFloat())
        return WalkResult::advance();
      DenseElementsAttr w = constantOf(op.getWeight());
      DenseElementsAttr s = constantOf(op.getWeightScale());
      if (!w || !s) {
        op.emitError("qf-export-weights: layer '")
            << layer
            << "' has non-constant weights or scales (double-quantized "
               "scales are not exportable yet)";
        return WalkResult::interrupt();
      }
      out.tensors.push_back({layer + ".weight", codesTensor(w)});
      out.tensors.push_back({layer + ".scale", floatTensor(s)});
      if (DenseElementsAttr zp = constantOf(op.getWeightZeroPoint()))
        out.tensors.push_back({layer + ".zero_point", codesTensor(zp)});
      if (auto scaling = op.getLhs().getDefiningOp<linalg::GenericOp>())
        if (scaling->hasAttr(rewrite::kActivationScalingAttr))
          if (DenseElementsAttr d =
                  constantOf(scaling.getDpsInputOperand(1)->get()))
            out.tensors.push_back({layer + ".input_divisor", floatTensor(d)});
      if (DenseElementsAttr ls = constantOf(op.getLhsScale()))
        out.tensors.push_back({layer + ".lhs_scale", floatTensor(ls)});
      auto algo = op->getAttrOfType<StringAttr>(kAlgorithmAttrName);
      map[layer] = llvm::json::Object{
          {"scheme", op.getQuantScheme().str()},
          {"algorithm", algo ? algo.str() : std::string("rtn")},
          {"storage", storageName(w.getElementType())}};
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    std::string mapText;
    llvm::raw_string_ostream os(mapText);
    os << llvm::json::Value(std::move(map));
    out.metadata["format"] = weights::kFormat;
    out.metadata["version"] = weights::kVersion;
    out.metadata["quantization_map"] = mapText;
    if (llvm::Error e = formats::writeSafeTensorsFile(file, out)) {
      emitError(module.getLoc(), "qf-export-weights: ")
          << llvm::toString(std::move(e));
      return signalPassFailure();
    }
    markAllAnalysesPreserved();
  }
};

} // namespace
