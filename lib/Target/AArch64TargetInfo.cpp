//===- AArch64TargetInfo.cpp - AArch64 ------------------------------------===//
//
// 128-bit NEON vectors, hardware f16 conversion, and with `dotprod` the sdot
// instruction for int8 dots (emitted inline through the arm_neon dialect).
//
//===----------------------------------------------------------------------===//

#include "qforge/Target/TargetInfo.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

namespace qforge {
namespace {

class AArch64TargetInfo final : public TargetInfo {
public:
  explicit AArch64TargetInfo(Target resolved)
      : TargetInfo(std::move(resolved)) {}

  int64_t getVectorBits() const override { return 128; }

  Int8DotKind getInt8DotKind() const override {
    return target.hasFeature("dotprod") ? Int8DotKind::ArmSdot
                                        : Int8DotKind::Generic;
  }

  bool hasF16Conversion() const override { return true; }
  bool usesArmNeonDialect() const override { return true; }

  std::string getLLVMFeatures() const override {
    std::string out;
    if (fromHost) {
      for (const auto &[name, on] : llvm::sys::getHostCPUFeatures())
        out += (out.empty() ? "" : ",") + std::string(on ? "+" : "-") +
               name.str();
      return out;
    }
    for (const std::string &f : writtenFeatures)
      out += (out.empty() ? "+" : ",+") + (f == "fp16" ? "fullfp16" : f);
    return out;
  }
};

} // namespace

std::unique_ptr<TargetInfo> createAArch64TargetInfo(const Target &resolved) {
  return std::make_unique<AArch64TargetInfo>(resolved);
}

} // namespace qforge
