//===- Signature.cpp - The exported function's inputs and outputs --------===//

#include "Signature.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace qforge {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string typeText(Type t) { return llvm::formatv("{0}", t).str(); }

std::optional<std::string> dtypeName(Type t) {
  if (t.isF32())
    return "f32";
  if (t.isF16())
    return "f16";
  if (t.isBF16())
    return "bf16";
  if (auto i = dyn_cast<IntegerType>(t)) {
    if (i.getWidth() == 8)
      return i.isUnsigned() ? "u8" : "i8";
    if (i.getWidth() == 32 && !i.isUnsigned())
      return "i32";
    if (i.getWidth() == 64 && !i.isUnsigned())
      return "i64";
  }
  return std::nullopt;
}

llvm::Expected<RankedTensorType> tensorOf(Type type, const std::string &name,
                                          StringRef what) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return fail(what + " '" + name + "' has type " + typeText(type) +
                "; artifacts take and return ranked tensors");
  if (!dtypeName(tensor.getElementType()))
    return fail(what + " '" + name + "' has unsupported element type " +
                typeText(tensor.getElementType()));
  return tensor;
}

} // namespace

bool TensorSignature::isDynamic() const {
  return llvm::any_of(shape, [](int64_t d) { return d < 0; });
}

std::string sanitizeName(StringRef name) {
  std::string out;
  for (char c : name)
    out += (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
            c == '-' || c == ':' || c == '/')
               ? c
               : '_';
  return out.empty() ? "_" : out;
}

llvm::Error computeSignature(func::FuncOp fn, CompileReport &report) {
  FunctionType type = fn.getFunctionType();
  std::vector<std::string> seen;
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    std::string name = inputName(fn, i);
    auto tensor = tensorOf(type.getInput(i), name, "input");
    if (!tensor)
      return tensor.takeError();
    auto dimNames = fn.getArgAttrOfType<ArrayAttr>(i, qf::kDimNamesAttrName);
    TensorSignature sig{sanitizeName(name), *dtypeName(tensor->getElementType()),
                        {}, {}};
    for (int64_t d = 0; d < tensor->getRank(); ++d) {
      if (!tensor->isDynamicDim(d)) {
        sig.shape.push_back(tensor->getDimSize(d));
        sig.dimNames.emplace_back();
        continue;
      }
      StringAttr given;
      if (dimNames && d < int64_t(dimNames.size()))
        given = dyn_cast<StringAttr>(dimNames[d]);
      sig.shape.push_back(-1);
      sig.dimNames.push_back(given && !given.getValue().empty()
                                 ? sanitizeName(given.getValue())
                                 : sig.name + "." + std::to_string(d));
    }
    report.inputs.push_back(std::move(sig));
  }
  auto ret = dyn_cast<func::ReturnOp>(fn.getBody().back().getTerminator());
  for (unsigned r = 0; r < type.getNumResults(); ++r) {
    auto attr = fn.getResultAttrOfType<StringAttr>(r, qf::kNameAttrName);
    std::string name = attr ? attr.str() : "result" + std::to_string(r);
    auto tensor = tensorOf(type.getResult(r), name, "output");
    if (!tensor)
      return tensor.takeError();
    TensorSignature sig{sanitizeName(name), *dtypeName(tensor->getElementType()),
                        {}, {}};
    for (int64_t d = 0; d < tensor->getRank(); ++d) {
      sig.shape.push_back(tensor->getDimSize(d));
      sig.dimNames.emplace_back();
      if (!tensor->isDynamicDim(d))
        continue;
      // A constant (after --shape), or the size of a dynamic input dim.
      using VB = ValueBoundsConstraintSet;
      Value value = ret ? ret.getOperand(r) : Value();
      if (value) {
        FailureOr<int64_t> constant = VB::computeConstantBound(
            presburger::BoundType::EQ, VB::Variable(value, d));
        if (succeeded(constant)) {
          sig.shape.back() = *constant;
          continue;
        }
        for (unsigned i = 0; i < type.getNumInputs() && sig.shape.back() < 0 &&
                             sig.dimNames.back().empty();
             ++i) {
          const TensorSignature &in = report.inputs[i];
          for (size_t e = 0; e < in.shape.size(); ++e)
            if (in.shape[e] < 0 &&
                VB::compare(VB::Variable(value, d), VB::EQ,
                            VB::Variable(fn.getArgument(i), int64_t(e)))) {
              sig.dimNames.back() = in.dimNames[e];
              break;
            }
        }
      }
      if (sig.dimNames.back().empty())
        return fail(llvm::formatv(
            "output '{0}' ({1}): dimension {2} is dynamic and cannot be derived "
            "from the inputs' dimensions; give the inputs static shapes with "
            "--shape NAME=D0xD1x...",
            name, typeText(*tensor), d));
      sig.shape.back() = -1;
    }
    report.outputs.push_back(std::move(sig));
  }
  return llvm::Error::success();
}

} // namespace qforge
