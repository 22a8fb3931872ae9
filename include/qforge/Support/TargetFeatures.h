//===- TargetFeatures.h - Our feature names and LLVM's ----------*- C++ -*-===//
//
// The one table that maps the feature names of a #qf.target (Target.h) to
// LLVM's: host detection (Target::host), the named-CPU rule and the LLVM
// feature strings (TargetInfo) read it.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_SUPPORT_TARGETFEATURES_H
#define QFORGE_SUPPORT_TARGETFEATURES_H

#include "qforge/Support/Target.h"

#include <vector>

namespace qforge {

/// A feature name of ours and LLVM's for the same feature.
struct FeatureName {
  const char *ours, *llvm;
};

/// Every feature of `arch` that has an LLVM counterpart (`vnni`, ours only,
/// means "either VNNI form" and has none).
const std::vector<FeatureName> &llvmFeatureNames(Target::Arch arch);

} // namespace qforge

#endif
