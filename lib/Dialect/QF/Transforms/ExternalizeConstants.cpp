//===- ExternalizeConstants.cpp - Large constants left to the JIT ---------===//

#include "qforge/Dialect/QF/Transforms/ExternalConstants.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cstring>

namespace qforge::qf {
#define GEN_PASS_DEF_QFEXTERNALIZECONSTANTS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;

namespace qforge::qf {
namespace {

/// Bytes per element of the attribute's storage and of LLVM's layout alike:
/// one byte for 2..8-bit elements (the value zero-extended, as LLVM emits
/// an i4 constant), 2, 4 or 8 for 16, 32 and 64 bits. i1 is bit-packed in
/// attributes and excluded.
std::optional<unsigned> bytesPerElement(Type type) {
  if (!isa<IntegerType, FloatType>(type))
    return std::nullopt;
  unsigned bits = type.getIntOrFloatBitWidth();
  if (bits >= 2 && bits <= 8)
    return 1;
  if (bits == 16 || bits == 32 || bits == 64)
    return bits / 8;
  return std::nullopt;
}

/// The bytes of a global of (nested arrays of) such elements.
std::optional<uint64_t> llvmImageBytes(Type type) {
  if (auto array = dyn_cast<LLVM::LLVMArrayType>(type)) {
    std::optional<uint64_t> inner = llvmImageBytes(array.getElementType());
    if (!inner)
      return std::nullopt;
    return *inner * array.getNumElements();
  }
  return bytesPerElement(type);
}

/// The bytes of a resource value's blob, when it holds the whole image.
std::optional<ArrayRef<char>> resourceBytes(DenseResourceElementsAttr attr,
                                            uint64_t bytes) {
  AsmResourceBlob *blob = attr.getRawHandle().getBlob();
  if (!blob || blob->getData().size() != bytes)
    return std::nullopt;
  return blob->getData();
}

} // namespace

std::vector<ExternalConstant> findExternalizableConstants(ModuleOp module,
                                                          uint64_t minBytes) {
  std::vector<ExternalConstant> found;
  for (auto global : module.getOps<LLVM::GlobalOp>()) {
    if (!global.getConstant())
      continue;
    auto value = dyn_cast_or_null<ElementsAttr>(global.getValueOrNull());
    if (!value || !global.getInitializerRegion().empty())
      continue;
    auto type = dyn_cast<ShapedType>(value.getType());
    if (!type || !type.hasStaticShape())
      continue;
    std::optional<unsigned> width = bytesPerElement(type.getElementType());
    if (!width)
      continue;
    uint64_t bytes = uint64_t(type.getNumElements()) * *width;
    // The global's own layout must be those elements back to back.
    if (bytes < minBytes || llvmImageBytes(global.getGlobalType()) != bytes)
      continue;
    if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(value)) {
      // Splats and raw data of the expected size only.
      if (!dense.isSplat() && dense.getRawData().size() != bytes)
        continue;
    } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
      if (!resourceBytes(resource, bytes))
        continue;
    } else {
      continue;
    }
    found.push_back({global, value, bytes});
  }
  return found;
}

void writeConstantBytes(const ExternalConstant &c, char *dst) {
  if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(c.value)) {
    ArrayRef<char> raw = dense.getRawData();
    if (!dense.isSplat()) {
      std::memcpy(dst, raw.data(), c.bytes);
      return;
    }
    // A splat stores one element.
    size_t width = raw.size();
    for (uint64_t at = 0; at < c.bytes; at += width)
      std::memcpy(dst + at, raw.data(), width);
    return;
  }
  auto resource = cast<DenseResourceElementsAttr>(c.value);
  std::memcpy(dst, resourceBytes(resource, c.bytes)->data(), c.bytes);
}

} // namespace qforge::qf

namespace {

struct ExternalizeConstantsPass
    : public qforge::qf::impl::QFExternalizeConstantsBase<
          ExternalizeConstantsPass> {
  using Base::Base;
  void runOnOperation() override {
    for (const qforge::qf::ExternalConstant &c :
         qforge::qf::findExternalizableConstants(getOperation(), minBytes)) {
      LLVM::GlobalOp global = c.global;
      global.removeValueAttr();
      global.setLinkage(LLVM::Linkage::External);
      global.setUnnamedAddr(std::nullopt);
      global.setDsoLocal(false);
      global.setVisibility_(LLVM::Visibility::Default);
    }
  }
};

} // namespace
