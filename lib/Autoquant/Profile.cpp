//===- Profile.cpp - M buckets and their weights -------------------------===//

#include "qforge/Autoquant/Profile.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstdio>

namespace qforge::autoquant {

llvm::Expected<std::vector<MBucket>> parseProfile(llvm::StringRef text) {
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "invalid M profile '" + text + "': " + why);
  };
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, ',');
  std::vector<MBucket> profile;
  double total = 0.0;
  for (llvm::StringRef part : parts) {
    auto [mText, wText] = part.trim().split(':');
    MBucket b;
    if (mText.getAsInteger(10, b.m) || b.m <= 0 || b.m > (1 << 20))
      return fail("'" + part + "' needs an M between 1 and 1048576 before ':'");
    if (!llvm::to_float(wText, b.weight) || !std::isfinite(b.weight) ||
        b.weight <= 0.0)
      return fail("'" + part + "' needs a positive weight after ':'");
    for (const MBucket &seen : profile)
      if (seen.m == b.m)
        return fail("M = " + llvm::Twine(b.m) + " appears twice");
    total += b.weight;
    profile.push_back(b);
  }
  for (MBucket &b : profile)
    b.weight /= total;
  return profile;
}

std::string profileString(const std::vector<MBucket> &profile) {
  std::string out;
  for (const MBucket &b : profile) {
    if (!out.empty())
      out += ",";
    char weight[32];
    std::snprintf(weight, sizeof weight, "%g", b.weight);
    out += std::to_string(b.m) + ":" + weight;
  }
  return out;
}

} // namespace qforge::autoquant
