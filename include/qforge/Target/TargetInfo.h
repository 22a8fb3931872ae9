//===- TargetInfo.h - What code generation asks of a target -----*- C++ -*-===//
//
// One interface answers every question the kernels, the lowerings and the
// artifact writer ask about a target (as Triton's TargetInfoBase): vector
// width, how int8 dot products are computed, register table lookups, f16
// conversion, the LLVM triple, CPU and feature string, and which vector
// dialects the LLVM conversion may use. X86TargetInfo.cpp,
// AArch64TargetInfo.cpp and NVPTXTargetInfo.cpp implement it; nothing else
// tests feature names.
//
// Resolution (TargetInfo::get), decided here once:
//   - `host` becomes the machine this process runs on (its CPU name and the
//     features LLVM detects);
//   - a named CPU implies its features, as clang's -mcpu does:
//     `x86_64:znver4` is `x86_64:znver4+avx2+avx512+avx512bw+avx512vnni+...`
//     (LLVM's processor tables say which); features written after it are
//     added, never removed. An unknown CPU name is an error.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_TARGET_TARGETINFO_H
#define QFORGE_TARGET_TARGETINFO_H

#include "qforge/Support/Target.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace qforge {

/// How a CPU target computes dot products of 8-bit integers.
enum class Int8DotKind {
  Generic,    ///< widening multiplies and adds (any target)
  X86MaddUbs, ///< AVX2: vpmaddubsw (u8 x s8 pairs -> i16) then vpmaddwd
  X86Vnni,    ///< AVX-VNNI / AVX512-VNNI: vpdpbusd (4 u8 x s8 -> i32)
  ArmSdot,    ///< AArch64 dotprod: sdot (4 s8 x s8 -> i32)
};

class TargetInfo {
public:
  virtual ~TargetInfo();

  /// `target` resolved (host and named-CPU rules above), with its
  /// implementation; an error for an unknown CPU name.
  static llvm::Expected<std::unique_ptr<TargetInfo>> get(const Target &target);

  /// The resolved target: never Arch::Host.
  const Target &getTarget() const { return target; }
  bool isCPU() const { return target.isCPU(); }
  /// Resolved from `host`: code runs on this machine.
  bool isHost() const { return fromHost; }

  // Kernel code generation (CPU targets).

  /// Bits of one vector register the kernels use.
  virtual int64_t getVectorBits() const = 0;
  int64_t getF32Lanes() const { return getVectorBits() / 32; }
  virtual Int8DotKind getInt8DotKind() const { return Int8DotKind::Generic; }
  /// In-register lookups in 16-entry tables (x86 AVX2: vpshufb, vpermps), so
  /// that NF4/FP4 codes are decoded without memory gathers.
  virtual bool hasRegisterLookups() const { return false; }
  /// Vector f16 -> f32 conversion in hardware (x86 F16C, AArch64).
  virtual bool hasF16Conversion() const { return false; }

  // LLVM.

  std::string getTriple() const { return target.triple(); }
  /// The CPU name LLVM's target machine gets ("generic" when none).
  virtual std::string getLLVMCPU() const;
  /// The feature string LLVM's target machine gets ("+avx2,+fma"): the host's
  /// own for `host`, else the written features as LLVM names them.
  virtual std::string getLLVMFeatures() const;
  /// Which vector dialects `convert-vector-to-llvm` may use.
  virtual bool usesX86VectorDialect() const { return false; }
  virtual bool usesArmNeonDialect() const { return false; }

protected:
  explicit TargetInfo(Target resolved) : target(std::move(resolved)) {}
  /// LLVM's name for one of our features (llvmFeatureNames); other names
  /// are passed as they are.
  virtual std::string llvmFeature(llvm::StringRef ours) const;
  /// The resolved target.
  Target target;
  /// The features the user wrote (before the named-CPU rule added the
  /// CPU's own): LLVM gets these with the CPU name, which implies the rest.
  std::vector<std::string> writtenFeatures;
  /// Resolved from `host`: LLVM gets the machine's own feature string.
  bool fromHost = false;

  friend class TargetInfoResolver;
};

/// The implementations (one file each).
std::unique_ptr<TargetInfo> createX86TargetInfo(const Target &resolved);
std::unique_ptr<TargetInfo> createAArch64TargetInfo(const Target &resolved);
std::unique_ptr<TargetInfo> createNVPTXTargetInfo(const Target &resolved);

} // namespace qforge

#endif // QFORGE_TARGET_TARGETINFO_H
