//===- NVPTXTargetInfo.cpp - NVIDIA GPUs (sm_XX) --------------------------===//
//
// The GPU backend's target: the compute capability is LLVM's CPU name. No
// CPU kernel runs here (isCPU() is false and the CPU passes refuse it); the
// vector width is that of one 128-bit global load (ld.global.v4), the unit
// the GPU kernels' packed layouts are read in.
//
//===----------------------------------------------------------------------===//

#include "qforge/Target/TargetInfo.h"

namespace qforge {
namespace {

class NVPTXTargetInfo final : public TargetInfo {
public:
  explicit NVPTXTargetInfo(Target resolved) : TargetInfo(std::move(resolved)) {}

  int64_t getVectorBits() const override { return 128; }
  bool hasF16Conversion() const override { return true; }
  std::string getLLVMCPU() const override { return target.sm; }
  /// The PTX ISA version follows from the chip (LLVM's default for it);
  /// none is forced (an old one aborts for sm_80 and later).
  std::string getLLVMFeatures() const override { return ""; }
};

} // namespace

std::unique_ptr<TargetInfo> createNVPTXTargetInfo(const Target &resolved) {
  return std::make_unique<NVPTXTargetInfo>(resolved);
}

} // namespace qforge
