//===- SpecializeInputShapes.cpp - Static shapes for inputs --------------===//
//
// qf-specialize-input-shapes: qforge-compile --shape as a pass. A model with
// dynamic inputs (batch x sequence) is compiled for one static shape: the
// argument gets the static type and a tensor.cast back to the dynamic one
// keeps the body valid until canonicalization propagates the sizes.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/Transforms/InputShapes.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Formats/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFSPECIALIZEINPUTSHAPES
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;

namespace qforge::qf {

std::string InputShape::str() const {
  std::string out = name + "=";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? "x" : "") + std::to_string(shape[i]);
  return out;
}

llvm::Expected<InputShape> parseInputShape(llvm::StringRef text) {
  auto fail = [&](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   message.str());
  };
  auto [name, dims] = text.rsplit('=');
  if (name.empty() || dims.empty() || !text.contains('='))
    return fail("--shape '" + text +
                "': expected NAME=D0xD1x... (e.g. x=4x128)");
  InputShape shape;
  shape.name = name.str();
  llvm::SmallVector<llvm::StringRef> parts;
  dims.split(parts, 'x');
  for (llvm::StringRef p : parts) {
    int64_t d;
    if (p.getAsInteger(10, d) || d < 0)
      return fail("--shape '" + text + "': '" + p +
                  "' is not a dimension size (a non-negative integer)");
    shape.shape.push_back(d);
  }
  return shape;
}

} // namespace qforge::qf

std::string qforge::qf::inputName(func::FuncOp fn, unsigned i) {
  auto attr = fn.getArgAttrOfType<StringAttr>(i, kNameAttrName);
  return attr ? attr.str() : "arg" + std::to_string(i);
}

namespace {

using qforge::formats::shapeString;
using qforge::qf::inputName;

struct SpecializeInputShapesPass
    : qforge::qf::impl::QFSpecializeInputShapesBase<SpecializeInputShapesPass> {
  using Base::Base;

  void runOnOperation() override {
    if (shapes.empty())
      return;
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>(entry);
    if (!fn || fn.isExternal()) {
      module.emitError() << "qf-specialize-input-shapes: no function named '"
                         << entry << "' with a body in the module";
      return signalPassFailure();
    }
    if (failed(specialize(fn)))
      signalPassFailure();
  }

  LogicalResult specialize(func::FuncOp fn) {
    SmallVector<std::string> names;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      names.push_back(inputName(fn, i));
    SmallVector<Type> inputs(fn.getArgumentTypes());
    OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
    for (const std::string &text : shapes) {
      llvm::Expected<qforge::qf::InputShape> s =
          qforge::qf::parseInputShape(text);
      if (!s)
        return fn.emitError(llvm::toString(s.takeError()));
      auto it = llvm::find(names, s->name);
      if (it == names.end())
        return fn.emitError() << "--shape " << s->name
                              << "=...: the model has no input named '"
                              << s->name << "' (inputs: "
                              << llvm::join(names, ", ") << ")";
      unsigned i = unsigned(it - names.begin());
      auto type = dyn_cast<RankedTensorType>(inputs[i]);
      if (!type)
        return fn.emitError() << "--shape: input '" << s->name
                              << "' is not a ranked tensor";
      bool ok = type.getRank() == int64_t(s->shape.size());
      for (int64_t d = 0; ok && d < type.getRank(); ++d)
        ok = type.isDynamicDim(d) || type.getDimSize(d) == s->shape[d];
      if (!ok)
        return fn.emitError()
               << "--shape " << s->name << "=...: input '" << s->name
               << "' has shape " << shapeString(type.getShape()) << ", got "
               << shapeString(s->shape)
               << " (the rank and the static dimensions must match)";
      auto staticType = type.clone(s->shape);
      if (staticType == type)
        continue;
      BlockArgument arg = fn.getArgument(i);
      arg.setType(staticType);
      auto cast = tensor::CastOp::create(b, fn.getLoc(), type, arg);
      arg.replaceAllUsesExcept(cast, cast);
      inputs[i] = staticType;
    }
    fn.setType(FunctionType::get(fn.getContext(), inputs, fn.getResultTypes()));
    return success();
  }
};

} // namespace
