//===- TargetInfo.cpp - Target resolution and the common queries ---------===//
//
// The host and named-CPU rules of TargetInfo.h, and the dispatch to the
// implementation of each architecture.
//
//===----------------------------------------------------------------------===//

#include "qforge/Target/TargetInfo.h"
#include "qforge/Support/TargetFeatures.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>
#include <mutex>

namespace qforge {

TargetInfo::~TargetInfo() = default;

std::string TargetInfo::getLLVMCPU() const {
  return target.cpu.empty() ? "generic" : target.cpu;
}

std::string TargetInfo::getLLVMFeatures() const {
  std::string out;
  if (fromHost) {
    // The machine's own string: every feature LLVM detects, + or -.
    for (const auto &[name, on] : llvm::sys::getHostCPUFeatures())
      out += (out.empty() ? "" : ",") + std::string(on ? "+" : "-") +
             name.str();
    return out;
  }
  for (const std::string &f : writtenFeatures)
    out += (out.empty() ? "+" : ",+") + llvmFeature(f);
  return out;
}

std::string TargetInfo::llvmFeature(llvm::StringRef ours) const {
  for (const FeatureName &name : llvmFeatureNames(target.arch))
    if (ours == name.ours)
      return name.llvm;
  return ours.str();
}

namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
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
  // (`vnni`, ours only, is never implied by a CPU name.)
  for (const FeatureName &name : llvmFeatureNames(target.arch))
    if (info->checkFeatures(std::string("+") + name.llvm))
      target.features.push_back(name.ours);
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
