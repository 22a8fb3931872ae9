//===- WeightsFile.h - The --qf-export-weights file layout ------*- C++ -*-===//
#ifndef QFORGE_LIB_DIALECT_QF_TRANSFORMS_WEIGHTSFILE_H
#define QFORGE_LIB_DIALECT_QF_TRANSFORMS_WEIGHTSFILE_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace qforge::qf::weights {

inline constexpr const char *kFormat = "qforge-weights";
inline constexpr const char *kVersion = "1";

/// `--qf-export-weights=FILE` as well as `--qf-export-weights="file=FILE"`:
/// pass options without '=' are the file itself.
inline std::optional<std::string> bareFileOption(llvm::StringRef options) {
  llvm::StringRef trimmed = options.trim();
  if (trimmed.empty() || trimmed.contains('='))
    return std::nullopt;
  return trimmed.str();
}

} // namespace qforge::qf::weights

#endif
