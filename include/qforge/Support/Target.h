//===- Target.h - A code generation target as plain data --------*- C++ -*-===//
//
// What `#qf.target<"...">` wraps and what codegen and autoquant read: a CPU
// architecture with its features, an NVPTX compute capability, or the host.
//
// Grammar:
//   target  ::= 'host' | 'sm_' INT 'a'? | arch (':' cpu)? ('+' feature)*
//   arch    ::= 'x86_64' | 'x86-64' | 'aarch64' | 'arm64'
//   feature ::= x86_64: avx2 fma f16c avx512 avx512bw avx512vnni avxvnni vnni
//               aarch64: neon dotprod i8mm sve fp16
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_SUPPORT_TARGET_H
#define QFORGE_SUPPORT_TARGET_H

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qforge {

struct Target {
  enum class Arch { Host, X86_64, AArch64, NVPTX };

  Arch arch = Arch::Host;
  std::string cpu;                   ///< e.g. "znver3"; empty = generic.
  std::vector<std::string> features; ///< sorted, unique.
  std::string sm;                    ///< NVPTX only: "sm_90a".

  static std::optional<Target> parse(std::string_view text,
                                     std::string *error = nullptr);
  /// The machine this process runs on, with the features QForge cares about.
  static Target host();

  /// Host resolved to the machine's own CPU; other targets unchanged.
  Target resolved() const { return arch == Arch::Host ? host() : *this; }

  bool isCPU() const { return arch == Arch::X86_64 || arch == Arch::AArch64; }
  bool hasFeature(std::string_view feature) const;
  /// LLVM target triple ("x86_64-unknown-linux-gnu", "nvptx64-nvidia-cuda").
  std::string triple() const;
  /// Canonical text; parse(str()) == *this.
  std::string str() const;

  friend bool operator==(const Target &a, const Target &b) {
    return a.arch == b.arch && a.cpu == b.cpu && a.features == b.features &&
           a.sm == b.sm;
  }
  friend bool operator!=(const Target &a, const Target &b) { return !(a == b); }
};

size_t hashValue(const Target &target);

} // namespace qforge

#endif // QFORGE_SUPPORT_TARGET_H
