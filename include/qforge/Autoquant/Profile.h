//===- Profile.h - The workload autoquant optimises for ---------*- C++ -*-===//
//
// A matmul's M (rows of its activations: batch x sequence) is often only
// known at run time. A profile gives the M values a deployment sees and how
// much each one counts: `1:0.9,512:0.1` is decode-heavy (90% of calls one
// token, 10% prefill of 512). A layer's cost is the weighted sum of its
// times over the buckets; a layer whose M is static uses that M alone.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_AUTOQUANT_PROFILE_H
#define QFORGE_AUTOQUANT_PROFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qforge::autoquant {

struct MBucket {
  int64_t m = 1;
  double weight = 1.0; ///< normalised: a profile's weights sum to 1
};

/// The default profile for a dynamic M: "1:0.9,512:0.1".
constexpr llvm::StringLiteral kDefaultProfile = "1:0.9,512:0.1";

/// Parses `M:W,M:W,...` (M a positive integer up to 2^20, W a positive
/// finite weight; M values distinct) and normalises the weights; an error
/// names the bad entry.
llvm::Expected<std::vector<MBucket>> parseProfile(llvm::StringRef text);

/// "1:0.9,512:0.1".
std::string profileString(const std::vector<MBucket> &profile);

} // namespace qforge::autoquant

#endif
