//===- X86TargetInfo.cpp - x86-64 -----------------------------------------===//
//
// AVX2 gives 256-bit vectors, vpmaddubsw/vpmaddwd int8 dots and in-register
// table lookups (vpshufb, vpermps); AVX-512 doubles the vector width; VNNI
// (AVX-VNNI or AVX512-VNNI, with AVX2) fuses the int8 dot into vpdpbusd.
// Without AVX2 the kernels use 128-bit SSE vectors and portable dots.
//
//===----------------------------------------------------------------------===//

#include "qforge/Target/TargetInfo.h"


namespace qforge {
namespace {

class X86TargetInfo final : public TargetInfo {
public:
  explicit X86TargetInfo(Target resolved) : TargetInfo(std::move(resolved)) {}

  bool avx2() const { return target.hasFeature("avx2"); }

  int64_t getVectorBits() const override {
    return target.hasFeature("avx512") ? 512 : avx2() ? 256 : 128;
  }

  Int8DotKind getInt8DotKind() const override {
    if (!avx2())
      return Int8DotKind::Generic;
    bool vnni = target.hasFeature("vnni") || target.hasFeature("avxvnni") ||
                target.hasFeature("avx512vnni");
    return vnni ? Int8DotKind::X86Vnni : Int8DotKind::X86MaddUbs;
  }

  bool hasRegisterLookups() const override { return avx2(); }
  bool hasF16Conversion() const override { return target.hasFeature("f16c"); }
  bool usesX86VectorDialect() const override { return avx2(); }

protected:
  std::string llvmFeature(llvm::StringRef ours) const override {
    // Every AVX512-VNNI CPU has VL, which the kernels' 256-bit vpdpbusd
    // needs (the generic `vnni` means AVX512-VNNI here; `avxvnni` names the
    // VEX form of CPUs without AVX-512).
    if (ours == "vnni" || ours == "avx512vnni")
      return "avx512vnni,+avx512vl";
    return TargetInfo::llvmFeature(ours);
  }
};

} // namespace

std::unique_ptr<TargetInfo> createX86TargetInfo(const Target &resolved) {
  return std::make_unique<X86TargetInfo>(resolved);
}

} // namespace qforge
