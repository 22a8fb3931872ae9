//===- Fingerprint.cpp - Identity of a model for stats files --------------===//

#include "qforge/Calibration/Fingerprint.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Support/Sha256.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace qforge {

namespace {

/// Feeds what is written to it into a SHA-256, without holding the text
/// (printed models with large constants can be big). Resource names do not
/// count: `dense_resource<NAME>` is hashed as `dense_resource<>` and the
/// trailing `{-# dialect_resources ... #-}` section (blobs keyed by name) is
/// dropped; the blobs' contents are hashed separately, in op order.
class HashStream : public llvm::raw_ostream {
public:
  HashStream() { SetBufferSize(1 << 16); }
  ~HashStream() override { flush(); }
  void hashBytes(llvm::ArrayRef<uint8_t> bytes) {
    flush();
    hasher.update(bytes.data(), bytes.size());
  }
  std::string hexDigest() {
    flush();
    return hasher.hexDigest();
  }

private:
  static constexpr llvm::StringLiteral kResource = "dense_resource<";
  static constexpr llvm::StringLiteral kMetadata = "{-#";

  void write_impl(const char *ptr, size_t size) override {
    pos += size;
    for (size_t i = 0; i < size && !dropRest; ++i) {
      char c = ptr[i];
      if (inResourceName) {
        if (c != '>')
          continue;
        inResourceName = false;
      }
      emit(c);
      resourceMatch = c == kResource[resourceMatch] ? resourceMatch + 1
                      : c == kResource[0]           ? 1
                                                    : 0;
      if (resourceMatch == kResource.size()) {
        inResourceName = true;
        resourceMatch = 0;
      }
      metadataMatch = c == kMetadata[metadataMatch] ? metadataMatch + 1
                      : c == kMetadata[0]           ? 1
                                                    : 0;
      if (metadataMatch == kMetadata.size())
        dropRest = true;
    }
    flushPending();
  }
  void emit(char c) { pending.push_back(c); }
  void flushPending() {
    hasher.update(pending.data(), pending.size());
    pending.clear();
  }
  uint64_t current_pos() const override { return pos; }

  Sha256 hasher;
  std::string pending;
  uint64_t pos = 0;
  size_t resourceMatch = 0, metadataMatch = 0;
  bool inResourceName = false, dropRest = false;
};

} // namespace

std::string computeModelFingerprint(ModuleOp module) {
  OwningOpRef<ModuleOp> clone = module.clone();
  SmallVector<qf::ObserveOp> observers;
  clone->walk([&](qf::ObserveOp op) { observers.push_back(op); });
  for (qf::ObserveOp op : observers) {
    op.getResult().replaceAllUsesWith(op.getInput());
    op.erase();
  }
  clone->walk([](Operation *op) {
    if (!op->getDiscardableAttrDictionary().empty())
      op->setDiscardableAttrs(ArrayRef<NamedAttribute>{});
  });
  HashStream hash;
  OpPrintingFlags flags;
  flags.enableDebugInfo(false);
  // The resources section is not hashed (below): not printing the blobs
  // as hex saves formatting every weight of the model.
  flags.elideLargeResourceString(0);
  clone->print(hash, flags);
  // Resource blobs' contents, in op order (their names are not hashed).
  clone->walk([&](Operation *op) {
    op->getAttrDictionary().walk([&](DenseResourceElementsAttr attr) {
      std::string type;
      llvm::raw_string_ostream os(type);
      os << "\n" << attr.getType() << "\n";
      hash << type;
      AsmResourceBlob *blob = attr.getRawHandle().getBlob();
      if (blob)
        hash.hashBytes(llvm::ArrayRef<uint8_t>(
            reinterpret_cast<const uint8_t *>(blob->getData().data()),
            blob->getData().size()));
      else
        hash << "<no blob>";
    });
  });
  return hash.hexDigest();
}

} // namespace qforge
