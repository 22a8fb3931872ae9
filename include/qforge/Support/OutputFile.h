//===- OutputFile.h - Publishing output files by rename ---------*- C++ -*-===//
//
// Every data file the tools write (statistics, .npy / .npz outputs, JSON
// reports, exported weights) goes through writeOutputFile: the bytes go to a
// temporary file in the destination's directory, every write, the fsync and
// the close are checked, and only a complete file is renamed over the
// destination. A full disk or a file size limit therefore leaves any
// previous file untouched and comes back as an error with the OS reason
// ("No space left on device", "File too large"), not as LLVM's fatal "IO
// failure on output stream" after a truncated file was renamed into place
// (llvm::writeToOutput does both) (issue 16 #10).
//
// The temporary is `.<name>.qforge-tmp-<pid>-XXXXXX`: hidden, recognisably
// ours, and carrying its writer's pid, so that a later run can tell a killed
// writer's leftover (its process gone) from a concurrent writer's file and
// remove only the former (removeStaleOutputTemps), as qforge-compile does
// for its `.qforge-staging-<pid>-` folders.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_SUPPORT_OUTPUTFILE_H
#define QFORGE_SUPPORT_OUTPUTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace qforge {

/// What a temporary output file's name holds after its destination's name:
/// `.<name>` + kOutputTempMarker + `<pid>-XXXXXX`.
inline constexpr llvm::StringLiteral kOutputTempMarker = ".qforge-tmp-";

/// Writes `path` with `write`: through a temporary file renamed over `path`
/// only when `write`, every write to the stream, fsync and close succeeded.
/// On failure the temporary is removed, a previous file at `path` is left
/// as it was, and the error is `write`'s or the OS reason alone (callers
/// name the file). "-" is standard output; an existing path that is not a
/// regular file (/dev/null, a FIFO) is written in place, since a device
/// cannot be replaced by a rename.
llvm::Error
writeOutputFile(llvm::StringRef path,
                llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write);

/// Removes, in the directories of `outputs`, the temporary files of writers
/// that were killed before they could (SIGKILL, power loss): regular files
/// named `.*.qforge-tmp-<pid>-*` whose process no longer exists. A live
/// process's temporary (a concurrent run writing there) is kept. Call once
/// at the start of a run; missing or unreadable directories are skipped.
void removeStaleOutputTemps(llvm::ArrayRef<std::string> outputs);

/// Whether process `pid` is gone: what makes a temporary file or a staging
/// directory named with its writer's pid a leftover. EPERM (another user's
/// live process) and any other answer count as alive: a leftover is only
/// ever removed when its writer certainly no longer exists.
bool processIsGone(int pid);

/// Makes a write past the file size limit (`ulimit -f`) fail with EFBIG
/// ("File too large"), which writeOutputFile reports and cleans up after,
/// instead of SIGXFSZ killing the tool with its temporary left behind and
/// LLVM's signal handler printing a crash report. Call after
/// llvm::InitLLVM, which installs that handler.
void ignoreFileSizeLimitSignal();

} // namespace qforge

#endif
