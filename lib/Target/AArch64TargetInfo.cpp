//===- AArch64TargetInfo.cpp - AArch64 ------------------------------------===//
//
// 128-bit NEON vectors, hardware f16 conversion, and with `dotprod` the sdot
// instruction for int8 dots (emitted inline through the arm_neon dialect).
//
//===----------------------------------------------------------------------===//

#include "qforge/Target/TargetInfo.h"


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

};

} // namespace

std::unique_ptr<TargetInfo> createAArch64TargetInfo(const Target &resolved) {
  return std::make_unique<AArch64TargetInfo>(resolved);
}

} // namespace qforge
