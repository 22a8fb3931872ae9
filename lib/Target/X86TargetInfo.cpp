//===- X86TargetInfo.cpp - x86-64 -----------------------------------------===//
//
// AVX2 gives 256-bit vectors, vpmaddubsw/vpmaddwd int8 dots and in-register
// table lookups (vpshufb, vpermps); AVX-512 doubles the vector width; VNNI
// (AVX-VNNI or AVX512-VNNI, with AVX2) fuses the int8 dot into vpdpbusd.
// Without AVX2 the kernels use 128-bit SSE vectors and portable dots.
//
//===----------------------------------------------------------------------===//

#include "qforge/Target/TargetInfo.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

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

  std::string getLLVMFeatures() const override {
    std::string out;
    if (fromHost) {
      for (const auto &[name, on] : llvm::sys::getHostCPUFeatures())
        out += (out.empty() ? "" : ",") + std::string(on ? "+" : "-") +
               name.str();
      return out;
    }
    for (const std::string &f : writtenFeatures) {
      std::string name = f;
      // Every AVX512-VNNI CPU has VL, which the kernels' 256-bit vpdpbusd
      // needs (the generic `vnni` means AVX512-VNNI here; `avxvnni` names
      // the VEX form of CPUs without AVX-512).
      if (f == "avx512")
        name = "avx512f";
      else if (f == "vnni" || f == "avx512vnni")
        name = "avx512vnni,+avx512vl";
      out += (out.empty() ? "+" : ",+") + name;
    }
    return out;
  }
};

} // namespace

std::unique_ptr<TargetInfo> createX86TargetInfo(const Target &resolved) {
  return std::make_unique<X86TargetInfo>(resolved);
}

} // namespace qforge
