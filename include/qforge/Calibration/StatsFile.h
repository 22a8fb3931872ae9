//===- StatsFile.h - Calibration statistics file ----------------*- C++ -*-===//
//
// A stats file is a safetensors file (SafeTensors.h). For each observed id
// (e.g. "fc1.input"):
//   <id>.min, <id>.max      F32 []      the chosen range under the observer
//   <id>.absmax             F32 [K]     max |x| per channel (last dimension)
//   <id>.absmean            F32 [K]     mean |x| per channel
//   <id>.xtx                F32 [K, K]  X^T X over all rows (only for
//                                       matmul inputs, ids "*.input")
//   <id>.hist               F32 [B]     histogram of |x|
//   <id>.hist_range         F32 [2]     its range [0, upper]
//   <id>.count              I64 []      rows (vectors of K) observed
//   <id>.rows               F32 [R, K]  a uniform sample of R observed rows
//                                       (optional; written for matmul inputs,
//                                       R = min(count, kSampleRows); read
//                                       with 1 <= R <= min(count, 4096) and
//                                       every |value| <= absmax of its
//                                       channel)
// and __metadata__ (all strings):
//   format = "qforge-stats", version = "1",
//   fingerprint (computeModelFingerprint of the float model), observer
//   (minmax|ema|percentile|mse|entropy), momentum, percentile, samples,
//   ids (a JSON list of the ids, in observation order).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_CALIBRATION_STATSFILE_H
#define QFORGE_CALIBRATION_STATSFILE_H

#include "qforge/Calibration/Statistics.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>
#include <vector>

namespace qforge::calib {

inline constexpr const char *kStatsFormat = "qforge-stats";
inline constexpr const char *kStatsVersion = "1";
/// The most sampled rows (`<id>.rows`) a stats file may hold per id.
inline constexpr int64_t kMaxSampleRows = 4096;

struct StatsFile {
  std::string fingerprint;
  std::string observer = "minmax";
  double momentum = 0.9;
  double percentile = 99.99;
  int64_t samples = 0;
  /// Observed ids in observation order; every id has an entry in `stats`.
  std::vector<std::string> ids;
  std::map<std::string, TensorStats> stats;
  /// Every __metadata__ entry as read (including the ones above).
  std::map<std::string, std::string> metadata;

  /// The statistics of `id`, or null.
  const TensorStats *lookup(llvm::StringRef id) const;
};

/// Reads and validates a stats file. Errors name the file and what is wrong
/// (not a safetensors file, truncated, wrong format/version, a missing
/// tensor, a dtype or shape that does not match the layout above).
llvm::Expected<StatsFile> readStatsFile(llvm::StringRef path);
/// The same on bytes in memory; `what` names them in errors.
llvm::Expected<StatsFile> parseStatsFile(llvm::StringRef buffer,
                                         llvm::StringRef what);

/// Serializes `stats` (metadata entries beyond the standard ones are kept).
void writeStatsFile(llvm::raw_ostream &os, const StatsFile &stats);
/// Writes to a temporary file and renames it to `path` on success, so a
/// failed run (a full disk included) never leaves a partial file
/// (qforge::writeOutputFile).
llvm::Error writeStatsFile(llvm::StringRef path, const StatsFile &stats);

} // namespace qforge::calib

#endif
