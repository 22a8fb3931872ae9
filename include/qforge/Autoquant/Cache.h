//===- Cache.h - Autoquant's persistent timing cache ------------*- C++ -*-===//
//
// Kernel timings outlive the process: a JSON Lines file, by default
// $XDG_CACHE_HOME/qforge/autoquant.jsonl ($HOME/.cache/qforge/... without
// XDG_CACHE_HOME). One line per measurement:
//
//   {"v":1,"identity":"<CacheIdentity::str()>","key":"<MeasureKey::str()>",
//    "median":s,"p20":s,"p80":s,"rounds":n,"source":"measured",
//    "kernel":"#qf.cpu_kernel<...>"}
//
// and one per guard result (lookupGuard / storeGuard):
//
//   {"v":1,"identity":"...","key":"guard|<content hash>|<candidate>",
//    "sqnr_db":x}
//
// A line is used only when its identity (compiler, LLVM version, CPU name
// and features) is this process's: a timing of another compiler build or
// another machine is never trusted. The file is untrusted input: a line that
// is not valid JSON of that shape, has non-finite, non-positive or
// unordered times, or is longer than kMaxLineBytes, is skipped with a
// warning (and its key measured again); a file over kMaxFileBytes is not
// read (warning) and not appended to.
//
// Two compiles may share the file: every read, append and compaction holds
// an flock on "<path>.lock" (shared to read, exclusive to write); an append
// is one write(2) of a whole line to a file opened O_APPEND; compaction
// writes a temporary file next to it and renames it over the file.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_AUTOQUANT_CACHE_H
#define QFORGE_AUTOQUANT_CACHE_H

#include "qforge/Autoquant/Measurement.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace qforge::autoquant {

/// Keys of guard results start with this (timing keys never do).
inline constexpr llvm::StringLiteral kGuardKeyPrefix = "guard|";

/// off: no file is touched; read: look up only; readwrite: look up and
/// append new measurements; refresh: ignore what the file holds, append new
/// measurements (which later reads prefer: the last line of a key wins).
enum class CacheMode { Off, Read, ReadWrite, Refresh };
std::optional<CacheMode> parseCacheMode(llvm::StringRef text);
llvm::StringRef cacheModeName(CacheMode mode);

/// What must match for a cached time to be used.
struct CacheIdentity {
  std::string compiler; ///< QForge version and a hash of its kernel generator
  std::string llvm;     ///< LLVM version
  std::string cpu;      ///< CPU name (resolved target CPU, or a GPU's name)
  std::string features; ///< feature string (or sm, driver, ptxas versions)
  /// "compiler|llvm|cpu|features".
  std::string str() const;
};

/// $XDG_CACHE_HOME/qforge/autoquant.jsonl, else
/// $HOME/.cache/qforge/autoquant.jsonl; empty when neither is set.
std::string defaultCachePath();

using CacheWarningFn = std::function<void(llvm::StringRef message)>;

class Cache {
public:
  static constexpr size_t kMaxLineBytes = 4096;
  static constexpr uint64_t kMaxFileBytes = 64ull << 20;

  /// Opens (and for read/readwrite, reads) the cache at `path`; the
  /// directory is created for the writing modes. Mode off opens nothing.
  /// An unreadable existing file is an error; a missing one is empty.
  static llvm::Expected<std::unique_ptr<Cache>>
  open(llvm::StringRef path, CacheMode mode, CacheIdentity identity,
       CacheWarningFn warn = {});

  /// The newest valid entry for `key` of this identity, with cacheHit set:
  /// from the file (read, readwrite) or stored by this process (readwrite,
  /// refresh: what the file held before is never answered); nothing in off
  /// mode.
  std::optional<Measurement> lookup(const std::string &key) const;

  /// Appends an entry (readwrite and refresh; nothing otherwise). Only
  /// valid measurements of source Measured are stored: a model's or a
  /// table's numbers are not facts about the machine.
  llvm::Error store(const std::string &key, const Measurement &time);

  /// Guard results (the SQNR of a candidate on a layer's content, keyed by
  /// guardKey()): what makes a warm run skip the accuracy check. Lines
  /// {"v":1,"identity":...,"key":"guard|...","sqnr_db":x}; same identity,
  /// modes, locking and validation as timings (a finite number; exact
  /// results are not stored: they cost nothing to recompute).
  std::optional<double> lookupGuard(const std::string &key) const;
  llvm::Error storeGuard(const std::string &key, double sqnrDb);

  /// Rewrites the file with the newest valid line per (identity, key),
  /// dropping corrupt and superseded lines; other identities' lines are
  /// kept. Atomic (rename) and under the exclusive lock; re-reads the file
  /// under the lock first, so that a concurrent writer's lines survive.
  llvm::Error compact();

  const std::string &path() const { return path_; }
  CacheMode mode() const { return mode_; }
  /// Lines read: used (this identity), foreign (another identity), corrupt.
  size_t numEntries() const { return entries_.size(); }
  size_t numForeign() const { return foreign_; }
  size_t numCorrupt() const { return corrupt_; }

private:
  Cache() = default;
  std::string path_;
  CacheMode mode_ = CacheMode::Off;
  CacheIdentity identity_;
  CacheWarningFn warn_;
  llvm::StringMap<Measurement> entries_;
  llvm::StringMap<double> guards_;
  /// Appends `line` (without its newline) under the exclusive lock.
  llvm::Error appendLine(const std::string &key, std::string line);
  size_t foreign_ = 0, corrupt_ = 0;
  /// The over-kMaxFileBytes warning is given once per Cache.
  bool warnedTooBig_ = false;
};

} // namespace qforge::autoquant

#endif
