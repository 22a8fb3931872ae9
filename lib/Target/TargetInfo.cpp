//===- TargetInfo.cpp - Target resolution and the common queries ---------===//
//
// The host and named-CPU rules of TargetInfo.h, and the dispatch to the
// implementation of each architecture.
//
//===----------------------------------------------------------------------===//

#include "qforge/Target/TargetInfo.h"

#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <mutex>

namespace qforge {

TargetInfo::~TargetInfo() = default;

std::string TargetInfo::getLLVMCPU() const {
  return target.cpu.empty() ? "generic" : target.cpu;
}

namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Our feature names and LLVM's, for the features a CPU name can imply.
/// (`vnni` is ours only: "either VNNI form", never implied by a CPU name.)
llvm::ArrayRef<std::pair<const char *, const char *>>
featureNames(Target::Arch arch) {
  static const std::pair<const char *, const char *> x86[] = {
      {"avx2", "avx2"},         {"fma", "fma"},
      {"f16c", "f16c"},         {"avx512", "avx512f"},
      {"avx512bw", "avx512bw"}, {"avx512vnni", "avx512vnni"},
      {"avxvnni", "avxvnni"}};
  static const std::pair<const char *, const char *> arm[] = {
      {"neon", "neon"}, {"dotprod", "dotprod"}, {"i8mm", "i8mm"},
      {"sve", "sve"},   {"fp16", "fullfp16"}};
  if (arch == Target::Arch::X86_64)
    return x86;
  if (arch == Target::Arch::AArch64)
    return arm;
  return {};
}

/// Adds the features LLVM's processor table gives `target.cpu`.
llvm::Error addCPUFeatures(Target &target) {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargetMCs();
  });
  llvm::Triple triple(target.triple());
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return fail("no LLVM target for '" + triple.str() + "': " + error);
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      llvmTarget->createMCSubtargetInfo(triple, target.cpu, ""));
  if (!info || !info->isCPUStringValid(target.cpu))
    return fail("invalid target '" + target.str() + "': unknown CPU '" +
                target.cpu + "' for " + triple.getArchName());
  for (auto [ours, llvmName] : featureNames(target.arch))
    if (info->checkFeatures(std::string("+") + llvmName))
      target.features.push_back(ours);
  std::sort(target.features.begin(), target.features.end());
  target.features.erase(
      std::unique(target.features.begin(), target.features.end()),
      target.features.end());
  return llvm::Error::success();
}

} // namespace

class TargetInfoResolver {
public:
  static llvm::Expected<std::unique_ptr<TargetInfo>> get(const Target &target) {
    bool fromHost = target.arch == Target::Arch::Host;
    Target resolved = target.resolved();
    std::vector<std::string> written = target.features;
    if (!fromHost && resolved.isCPU() && !resolved.cpu.empty())
      if (llvm::Error e = addCPUFeatures(resolved))
        return std::move(e);
    std::unique_ptr<TargetInfo> info;
    switch (resolved.arch) {
    case Target::Arch::X86_64:
      info = createX86TargetInfo(resolved);
      break;
    case Target::Arch::AArch64:
      info = createAArch64TargetInfo(resolved);
      break;
    case Target::Arch::NVPTX:
      info = createNVPTXTargetInfo(resolved);
      break;
    case Target::Arch::Host:
      return fail("the host could not be resolved to a target");
    }
    info->writtenFeatures = fromHost ? resolved.features : written;
    info->fromHost = fromHost;
    return std::move(info);
  }
};

llvm::Expected<std::unique_ptr<TargetInfo>>
TargetInfo::get(const Target &target) {
  return TargetInfoResolver::get(target);
}

} // namespace qforge
