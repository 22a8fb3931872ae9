//===- OutputFile.cpp - Publishing output files by rename ----------------===//

#include "qforge/Support/OutputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace qforge {
namespace {

using WriteFn = llvm::function_ref<llvm::Error(llvm::raw_ostream &)>;

/// Runs `write` on a stream over `fd`, then flushes, fsyncs (when `sync`)
/// and closes `fd`. Returns `write`'s error, else the first I/O error. The
/// stream's error is cleared before it is destroyed: raw_fd_ostream's
/// destructor calls report_fatal_error("IO failure on output stream") for an
/// error nobody cleared, and this one is returned instead.
llvm::Error writeAndClose(int fd, WriteFn write, bool sync) {
  llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
  llvm::Error err = write(os);
  os.flush();
  std::error_code ec = os.error();
  // Some file systems (NFS, and any on a delayed-allocation failure) report
  // a short disk only when the data is written back: fsync makes that an
  // error here, before the rename publishes the file.
  if (!err && !ec && sync && ::fsync(fd) == -1)
    ec = std::error_code(errno, std::generic_category());
  os.close();
  if (!ec)
    ec = os.error();
  os.clear_error();
  if (err)
    return err;
  return llvm::errorCodeToError(ec);
}

/// Standard output, as llvm::writeToOutput treats "-"; its error is checked
/// and cleared like a file's.
llvm::Error writeStdout(WriteFn write) {
  llvm::raw_fd_ostream &os = llvm::outs();
  llvm::Error err = write(os);
  os.flush();
  std::error_code ec = os.error();
  os.clear_error();
  if (err)
    return err;
  return llvm::errorCodeToError(ec);
}

/// Writes an existing non-regular file (a device, a FIFO) in place; a
/// directory fails to open with "Is a directory".
llvm::Error writeInPlace(llvm::StringRef path, WriteFn write) {
  int fd = -1;
  if (std::error_code ec = llvm::sys::fs::openFileForWrite(
          path, fd, llvm::sys::fs::CD_CreateAlways))
    return llvm::errorCodeToError(ec);
  // fsync fails with EINVAL on devices and pipes: nothing to sync.
  return writeAndClose(fd, write, /*sync=*/false);
}

/// The model of `path`'s temporary for createUniqueFile:
/// DIR/.NAME.qforge-tmp-PID-%%%%%%. NAME is cut so that a destination name
/// near NAME_MAX still leaves room for the suffix.
std::string tempModel(llvm::StringRef path) {
  llvm::StringRef name = llvm::sys::path::filename(path).take_front(128);
  llvm::SmallString<128> model(llvm::sys::path::parent_path(path));
  llvm::sys::path::append(model, "." + name + kOutputTempMarker +
                                     llvm::Twine(::getpid()) + "-%%%%%%");
  return std::string(model);
}

/// The pid in a temporary's file name, or 0 when `name` is not one:
/// `.NAME.qforge-tmp-PID-XXXXXX`.
int tempOwner(llvm::StringRef name) {
  if (!name.starts_with("."))
    return 0;
  size_t marker = name.rfind(kOutputTempMarker);
  if (marker == llvm::StringRef::npos)
    return 0;
  llvm::StringRef rest = name.drop_front(marker + kOutputTempMarker.size());
  auto [digits, suffix] = rest.split('-');
  int pid = 0;
  if (digits.getAsInteger(10, pid) || pid <= 0 || suffix.empty())
    return 0;
  return pid;
}

void removeStaleTempsIn(llvm::StringRef dir) {
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    int pid = tempOwner(llvm::sys::path::filename(it->path()));
    if (!pid || !processIsGone(pid))
      continue;
    // Only regular files: a directory or symlink with such a name is not
    // one we wrote.
    llvm::sys::fs::file_status status;
    if (llvm::sys::fs::status(it->path(), status, /*follow=*/false) ||
        status.type() != llvm::sys::fs::file_type::regular_file)
      continue;
    llvm::sys::fs::remove(it->path());
  }
}

} // namespace

llvm::Error writeOutputFile(llvm::StringRef path, WriteFn write) {
  if (path == "-")
    return writeStdout(write);
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(path, status) &&
      status.type() != llvm::sys::fs::file_type::regular_file)
    return writeInPlace(path, write);

  int fd = -1;
  llvm::SmallString<128> temp;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(tempModel(path), fd, temp))
    return llvm::errorCodeToError(ec);
  // Ctrl-C and other catchable signals remove the temporary at once (LLVM's
  // handlers, installed by InitLLVM); SIGKILL leaves it to
  // removeStaleOutputTemps.
  llvm::sys::RemoveFileOnSignal(temp);
  llvm::Error err = writeAndClose(fd, write, /*sync=*/true);
  if (!err)
    if (std::error_code ec = llvm::sys::fs::rename(temp, path))
      err = llvm::errorCodeToError(ec);
  if (err)
    llvm::sys::fs::remove(temp);
  llvm::sys::DontRemoveFileOnSignal(temp);
  return err;
}

void removeStaleOutputTemps(llvm::ArrayRef<std::string> outputs) {
  llvm::StringSet<> done;
  for (const std::string &output : outputs) {
    if (output.empty() || output == "-")
      continue;
    llvm::StringRef parent = llvm::sys::path::parent_path(output);
    std::string dir = parent.empty() ? "." : parent.str();
    if (done.insert(dir).second)
      removeStaleTempsIn(dir);
  }
}

bool processIsGone(int pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

void ignoreFileSizeLimitSignal() { ::signal(SIGXFSZ, SIG_IGN); }

} // namespace qforge
