//===- Fingerprint.cpp - Identity of a model for stats files --------------===//

#include "qforge/Calibration/Fingerprint.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace qforge {

namespace {

/// Feeds everything written to it into a SHA-256, without holding the text
/// (printed models with large constants can be big).
class HashStream : public llvm::raw_ostream {
public:
  HashStream() { SetBufferSize(1 << 16); }
  ~HashStream() override { flush(); }
  std::string hexDigest() {
    flush();
    std::array<uint8_t, 32> digest = hasher.final();
    return llvm::toHex(digest, /*LowerCase=*/true);
  }

private:
  void write_impl(const char *ptr, size_t size) override {
    hasher.update(llvm::ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(ptr), size));
    pos += size;
  }
  uint64_t current_pos() const override { return pos; }

  llvm::SHA256 hasher;
  uint64_t pos = 0;
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
  clone->print(hash, flags);
  return hash.hexDigest();
}

} // namespace qforge
