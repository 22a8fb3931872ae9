//===- Publish.h - Moving a compiled artifact into OUTDIR -------*- C++ -*-===//
//
// compileModule writes every file of an artifact into a private staging
// directory inside OUTDIR, `.qforge-staging-<pid>-XXXXXX`, and publishes
// them only when all exist. POSIX has no rename of several files at once,
// and swapping OUTDIR itself would take the user's other files with it, so
// the set is published as files plus a manifest (issue 16 #10):
//
// - NAME.manifest lists every file with its size and SHA-256
//   (lib/Runtime/Manifest.h has the format). It is renamed into place last,
//   after every other file, and a previous one is never removed first: at
//   every moment the manifest in OUTDIR is the old set's or the new one's,
//   so a set torn by a compile killed while publishing (or by a file
//   replaced or truncated later) does not match it. qforge_load checks the
//   library against it before dlopen.
// - NAME.so is moved just before the manifest: the window in which a
//   concurrent qforge_load sees a new library beside the old manifest (and
//   refuses it) is one rename long.
// - Each file a rename replaces is kept first (a hard link in the staging
//   directory, so the name never disappears from OUTDIR); when a rename
//   fails, the files already moved are put back: OUTDIR holds the previous
//   set, manifest included, or no file of the new one.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_COMPILER_PUBLISH_H
#define QFORGE_LIB_COMPILER_PUBLISH_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qforge {

/// The staging directories' names start with it, then `<pid>-`.
inline constexpr llvm::StringLiteral kStagingPrefix = ".qforge-staging-";

/// NAME.manifest, the file that lists the artifact NAME's files.
std::string manifestFileName(llvm::StringRef name);

/// Creates the private staging directory in `outDir` (which exists).
llvm::Expected<std::string> createStaging(llvm::StringRef outDir);

/// Removes the staging directories in `outDir` that compiles killed before
/// they could clean up left behind: `.qforge-staging-<pid>-XXXXXX` whose
/// process no longer exists. A live process's staging (a concurrent compile
/// into the same OUTDIR) is left alone.
void removeStaleStaging(llvm::StringRef outDir);

/// Writes `dir`/manifestFileName(name) listing `files` (in `dir`) with
/// their sizes and SHA-256; each file is flushed to disk (fsync) first, so
/// that the recorded bytes are those a later reader finds.
llvm::Error writeManifest(llvm::StringRef dir, llvm::StringRef name,
                          llvm::ArrayRef<std::string> files);

/// Renames `files` from `staging` into `outDir`, in this order (the
/// manifest last, see above). On failure, the files already moved are put
/// back as they were, and the error names the file and the OS reason (and
/// any file that could not be put back).
llvm::Error publishFiles(llvm::StringRef staging, llvm::StringRef outDir,
                         llvm::ArrayRef<std::string> files);

} // namespace qforge

#endif
