//===- QFAttrs.cpp - #qf.scheme and #qf.target ---------------------------===//

#include "qforge/Dialect/QF/IR/QFAttrs.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace qforge;
using namespace qforge::qf;

//===----------------------------------------------------------------------===//
// SchemeAttr
//===----------------------------------------------------------------------===//

SchemeAttr SchemeAttr::parse(MLIRContext *context, llvm::StringRef text,
                             llvm::function_ref<InFlightDiagnostic()> emitError) {
  std::string error;
  std::optional<quant::Scheme> scheme =
      quant::Scheme::parse(std::string_view(text.data(), text.size()), &error);
  if (!scheme) {
    emitError() << error;
    return {};
  }
  return SchemeAttr::get(context, *scheme);
}

Attribute SchemeAttr::parse(AsmParser &parser, Type) {
  std::string text;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseString(&text) || parser.parseGreater())
    return {};
  return SchemeAttr::parse(parser.getContext(), text,
                           [&] { return parser.emitError(loc); });
}

void SchemeAttr::print(AsmPrinter &printer) const {
  printer << "<\"" << getScheme().str() << "\">";
}

Type SchemeAttr::getWeightStorageType() const {
  MLIRContext *ctx = getContext();
  const quant::Scheme &s = getScheme();
  auto integer = [&](unsigned bits) -> Type {
    return IntegerType::get(ctx, bits,
                            s.symmetric ? IntegerType::Signless
                                        : IntegerType::Unsigned);
  };
  switch (s.weight) {
  case quant::WeightFormat::F32:
    return Float32Type::get(ctx);
  case quant::WeightFormat::Int8:
    return integer(8);
  case quant::WeightFormat::Int4:
    return integer(4);
  case quant::WeightFormat::Int2:
    return integer(2);
  case quant::WeightFormat::NF4:
    return IntegerType::get(ctx, 4, IntegerType::Unsigned);
  case quant::WeightFormat::FP4:
    return Float4E2M1FNType::get(ctx);
  case quant::WeightFormat::FP8E4M3:
    return Float8E4M3FNType::get(ctx);
  case quant::WeightFormat::FP8E5M2:
    return Float8E5M2Type::get(ctx);
  }
  return {};
}

Type SchemeAttr::getScaleElementType() const {
  MLIRContext *ctx = getContext();
  switch (getScheme().scaleType) {
  case quant::ScaleDType::F32:
    return Float32Type::get(ctx);
  case quant::ScaleDType::F16:
    return Float16Type::get(ctx);
  case quant::ScaleDType::BF16:
    return BFloat16Type::get(ctx);
  }
  return {};
}

//===----------------------------------------------------------------------===//
// TargetAttr
//===----------------------------------------------------------------------===//

Attribute TargetAttr::parse(AsmParser &parser, Type) {
  std::string text;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() || parser.parseString(&text) || parser.parseGreater())
    return {};
  std::string error;
  std::optional<Target> target = Target::parse(text, &error);
  if (!target) {
    parser.emitError(loc) << error;
    return {};
  }
  return TargetAttr::get(parser.getContext(), *target);
}

void TargetAttr::print(AsmPrinter &printer) const {
  // Escaped like any MLIR string (the text came from a file).
  printer << "<";
  printer.printString(getTarget().str());
  printer << ">";
}

Target qforge::qf::getTargetOf(Operation *op) {
  for (Operation *cur = op; cur; cur = cur->getParentOp())
    if (isa<ModuleOp>(cur))
      if (auto attr = cur->getAttrOfType<TargetAttr>(kTargetAttrName))
        return attr.getTarget();
  return Target{};
}

//===----------------------------------------------------------------------===//
// CPUKernelAttr
//===----------------------------------------------------------------------===//

LogicalResult
CPUKernelAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      CPUKernelKind kind, CPUWeightLayout layout, int64_t nr,
                      int64_t kb, int64_t largeM) {
  if (nr < 1 || nr > 64)
    return emitError() << "nr must be in [1, 64], got " << nr;
  if (largeM < 0)
    return emitError() << "large_m must be >= 0, got " << largeM;
  bool packed = layout != CPUWeightLayout::Unpacked;
  if (packed && (kb < 1 || kb > 4096))
    return emitError() << "a packed layout needs kb in [1, 4096], got " << kb;
  if (!packed && kb != 0)
    return emitError() << "an unpacked layout has no kb, got " << kb;
  switch (kind) {
  case CPUKernelKind::Float:
    if (layout == CPUWeightLayout::Dot)
      return emitError() << "the dot layout is read by the int8_activations "
                            "kernel only";
    break;
  case CPUKernelKind::Int8Activations:
    if (layout != CPUWeightLayout::Dot)
      return emitError() << "the int8_activations kernel reads the dot layout "
                            "only, got "
                         << stringifyCPUWeightLayout(layout);
    if (largeM != 0)
      return emitError() << "the int8_activations kernel serves every M "
                            "(large_m must be 0)";
    break;
  case CPUKernelKind::Int8:
    if (layout != CPUWeightLayout::Unpacked && layout != CPUWeightLayout::Tiled)
      return emitError() << "the int8 kernel reads unpacked or tiled weights, "
                            "got "
                         << stringifyCPUWeightLayout(layout);
    break;
  }
  return success();
}
