//===- Target.cpp - Parsing and host detection of targets ----------------===//

#include "qforge/Support/Target.h"
#include "qforge/Support/TargetFeatures.h"

#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>

namespace qforge {
namespace {

const std::vector<std::string> &knownFeatures(Target::Arch arch) {
  static const std::vector<std::string> x86 = {
      "avx2", "fma", "f16c", "avx512", "avx512bw", "avx512vnni", "avxvnni",
      "vnni"};
  static const std::vector<std::string> arm = {"neon", "dotprod", "i8mm",
                                               "sve", "fp16"};
  static const std::vector<std::string> none;
  switch (arch) {
  case Target::Arch::X86_64:
    return x86;
  case Target::Arch::AArch64:
    return arm;
  default:
    return none;
  }
}

std::optional<Target> fail(std::string *error, std::string_view text,
                           const std::string &message) {
  if (error)
    *error = "invalid target '" + std::string(text) + "': " + message;
  return std::nullopt;
}

std::string join(const std::vector<std::string> &items) {
  std::string out;
  for (const auto &item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

} // namespace

std::optional<Target> Target::parse(std::string_view text, std::string *error) {
  llvm::StringRef rest(text.data(), text.size());
  Target t;
  if (rest == "host")
    return t;

  if (rest.starts_with("sm_")) {
    llvm::StringRef digits = rest.drop_front(3);
    bool archSpecific = digits.consume_back("a");
    unsigned major = 0;
    if (digits.empty() || digits.getAsInteger(10, major))
      return fail(error, text, "expected 'sm_' followed by a number, e.g. sm_90");
    if (major < 50 || major > 130)
      return fail(error, text,
                  "compute capability '" + digits.str() +
                      "' is out of the supported range (sm_50 to sm_130)");
    t.arch = Arch::NVPTX;
    t.sm = "sm_" + digits.str() + (archSpecific ? "a" : "");
    return t;
  }

  auto [head, featureList] = rest.split('+');
  auto [archName, cpu] = head.split(':');
  if (archName == "x86_64" || archName == "x86-64")
    t.arch = Arch::X86_64;
  else if (archName == "aarch64" || archName == "arm64")
    t.arch = Arch::AArch64;
  else
    return fail(error, text,
                "unknown architecture '" + archName.str() +
                    "' (expected host, x86_64, aarch64 or sm_XX)");
  if (head.contains(':') && cpu.empty())
    return fail(error, text, "empty CPU name after ':'");
  // LLVM's CPU names ("znver4", "x86-64-v3", "apple-m1"); anything else
  // cannot name a CPU and would end up in file names, cache keys and IR.
  if (llvm::any_of(cpu, [](char c) {
        return !llvm::isAlnum(c) && c != '-' && c != '_' && c != '.';
      }))
    return fail(error, text,
                "CPU name '" + cpu.str() +
                    "' may hold only letters, digits, '-', '_' and '.'");
  t.cpu = cpu.str();

  const auto &known = knownFeatures(t.arch);
  while (!featureList.empty()) {
    auto [feature, tail] = featureList.split('+');
    featureList = tail;
    if (feature.empty())
      return fail(error, text, "empty feature between '+'");
    if (std::find(known.begin(), known.end(), feature.str()) == known.end())
      return fail(error, text,
                  "unknown feature '" + feature.str() + "' for " +
                      archName.str() + " (known: " + join(known) + ")");
    t.features.push_back(feature.str());
  }
  std::sort(t.features.begin(), t.features.end());
  t.features.erase(std::unique(t.features.begin(), t.features.end()),
                   t.features.end());
  return t;
}

Target Target::host() {
  Target t;
  llvm::Triple triple(llvm::sys::getProcessTriple());
  t.arch = triple.isAArch64() ? Arch::AArch64 : Arch::X86_64;
  t.cpu = llvm::sys::getHostCPUName().str();
  if (t.cpu == "generic")
    t.cpu.clear();
  llvm::StringMap<bool> hostFeatures = llvm::sys::getHostCPUFeatures();
  auto has = [&](llvm::StringRef name) {
    auto it = hostFeatures.find(name);
    return it != hostFeatures.end() && it->second;
  };
  for (const FeatureName &name : llvmFeatureNames(t.arch))
    if (has(name.llvm))
      t.features.push_back(name.ours);
  if (t.arch == Arch::X86_64 && (has("avx512vnni") || has("avxvnni")))
    t.features.push_back("vnni");
  std::sort(t.features.begin(), t.features.end());
  return t;
}

bool Target::hasFeature(std::string_view feature) const {
  return std::find(features.begin(), features.end(), feature) != features.end();
}

std::string Target::triple() const {
  switch (arch) {
  case Arch::Host:
    return llvm::sys::getProcessTriple();
  case Arch::X86_64:
    return "x86_64-unknown-linux-gnu";
  case Arch::AArch64:
    return "aarch64-unknown-linux-gnu";
  case Arch::NVPTX:
    return "nvptx64-nvidia-cuda";
  }
  return "";
}

std::string Target::str() const {
  switch (arch) {
  case Arch::Host:
    return "host";
  case Arch::NVPTX:
    return sm;
  case Arch::X86_64:
  case Arch::AArch64:
    break;
  }
  std::string out = arch == Arch::X86_64 ? "x86_64" : "aarch64";
  if (!cpu.empty())
    out += ":" + cpu;
  for (const auto &f : features)
    out += "+" + f;
  return out;
}

const std::vector<FeatureName> &llvmFeatureNames(Target::Arch arch) {
  static const std::vector<FeatureName> x86 = {
      {"avx2", "avx2"},         {"fma", "fma"},
      {"f16c", "f16c"},         {"avx512", "avx512f"},
      {"avx512bw", "avx512bw"}, {"avx512vnni", "avx512vnni"},
      {"avxvnni", "avxvnni"}};
  static const std::vector<FeatureName> arm = {{"neon", "neon"},
                                               {"dotprod", "dotprod"},
                                               {"i8mm", "i8mm"},
                                               {"sve", "sve"},
                                               {"fp16", "fullfp16"}};
  static const std::vector<FeatureName> none;
  if (arch == Target::Arch::X86_64)
    return x86;
  if (arch == Target::Arch::AArch64)
    return arm;
  return none;
}

size_t hashValue(const Target &t) {
  llvm::hash_code h = llvm::hash_combine(static_cast<int>(t.arch), t.cpu, t.sm);
  for (const auto &f : t.features)
    h = llvm::hash_combine(h, f);
  return h;
}

} // namespace qforge
