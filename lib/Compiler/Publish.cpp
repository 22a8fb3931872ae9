//===- Publish.cpp - Moving a compiled artifact into OUTDIR ---------------===//

#include "Publish.h"

#include "qforge/Support/OutputFile.h"
#include "qforge/Support/Sha256.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace qforge {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string join(llvm::StringRef dir, llvm::StringRef file) {
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, file);
  return path.str().str();
}

/// The size and lower-case hex SHA-256 of `path`, after an fsync.
llvm::Error hashFile(const std::string &path, uint64_t &size,
                     std::string &sha256) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail(std::strerror(errno));
  Sha256 hash;
  constexpr size_t kChunk = 1 << 20;
  std::unique_ptr<uint8_t[]> chunk(new uint8_t[kChunk]);
  size = 0;
  int error = 0;
  for (;;) {
    ssize_t n = ::read(fd, chunk.get(), kChunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      error = errno;
    if (n <= 0)
      break;
    hash.update(chunk.get(), size_t(n));
    size += uint64_t(n);
  }
  // A short disk (NFS, quotas) may report a write only here: before the
  // manifest vouches for the bytes and before any rename publishes them.
  if (!error && ::fsync(fd) != 0)
    error = errno;
  ::close(fd);
  if (error)
    return fail(std::strerror(error));
  sha256 = hash.hexDigest();
  return llvm::Error::success();
}

} // namespace

std::string manifestFileName(llvm::StringRef name) {
  return (name + ".manifest").str();
}

llvm::Expected<std::string> createStaging(llvm::StringRef outDir) {
  // createUniqueDirectory puts relative prefixes under the system's temp
  // directory; staging must be on OUTDIR's file system for the renames.
  // The name carries this process's id, so that a later run can tell a
  // killed compile's leftovers from a concurrent compile's live staging.
  llvm::SmallString<128> staging(outDir);
  llvm::sys::fs::make_absolute(staging);
  llvm::sys::path::append(staging,
                          (kStagingPrefix + llvm::Twine(::getpid())).str());
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory(llvm::Twine(staging), staging))
    return fail("cannot create a staging directory in '" + outDir +
                "': " + ec.message());
  return staging.str().str();
}

void removeStaleStaging(llvm::StringRef outDir) {
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(outDir, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (!name.consume_front(kStagingPrefix))
      continue;
    int pid = 0;
    if (name.split('-').first.getAsInteger(10, pid) || pid <= 0)
      continue;
    if (processIsGone(pid))
      llvm::sys::fs::remove_directories(it->path());
  }
}

llvm::Error writeManifest(llvm::StringRef dir, llvm::StringRef name,
                          llvm::ArrayRef<std::string> files) {
  // lib/Runtime/Manifest.h reads this format.
  std::string text = ("qforge-manifest 1\nname " + name + "\n").str();
  for (const std::string &file : files) {
    uint64_t size = 0;
    std::string sha256;
    if (llvm::Error e = hashFile(join(dir, file), size, sha256))
      return fail("cannot read '" + file +
                  "' for the manifest: " + llvm::toString(std::move(e)));
    text += "file " + file + " " + std::to_string(size) + " " + sha256 + "\n";
  }
  std::string manifest = manifestFileName(name);
  if (llvm::Error e =
          writeOutputFile(join(dir, manifest), [&](llvm::raw_ostream &os) {
            os << text;
            return llvm::Error::success();
          }))
    return fail("cannot write '" + manifest +
                "': " + llvm::toString(std::move(e)));
  return llvm::Error::success();
}

llvm::Error publishFiles(llvm::StringRef staging, llvm::StringRef outDir,
                         llvm::ArrayRef<std::string> files) {
  // The files that the renames replace, kept until the set is in place.
  // Artifact names never start with '.': no file of the set is called so.
  std::string previous = join(staging, ".previous");
  if (std::error_code ec = llvm::sys::fs::create_directory(previous))
    return fail("cannot create '" + previous + "': " + ec.message());

  enum class Kept { Nothing, Linked, MovedAside };
  struct Moved {
    std::string file;
    Kept kept;
  };
  std::vector<Moved> moved;
  // Puts the previous files back, the last moved first; what could not be,
  // for the error message.
  auto rollBack = [&]() {
    std::string problems;
    for (auto it = moved.rbegin(); it != moved.rend(); ++it) {
      std::string to = join(outDir, it->file);
      std::error_code ec =
          it->kept == Kept::Nothing
              // Nothing was there: remove the new file.
              ? llvm::sys::fs::remove(to)
              // Atomic: the name holds the new file or the old one.
              : llvm::sys::fs::rename(join(previous, it->file), to);
      if (ec)
        problems += "; could not put back the previous '" + it->file +
                    "': " + ec.message();
    }
    return problems;
  };

  for (const std::string &file : files) {
    std::string from = join(staging, file), to = join(outDir, file),
                keep = join(previous, file);
    Kept kept = Kept::Nothing;
    struct stat info;
    // A directory cannot be replaced by a file: the rename below fails and
    // leaves it as it is.
    if (::lstat(to.c_str(), &info) == 0 && !S_ISDIR(info.st_mode)) {
      if (::link(to.c_str(), keep.c_str()) == 0) {
        kept = Kept::Linked;
      } else if (::rename(to.c_str(), keep.c_str()) == 0) {
        // A file system without hard links: moved aside instead, missing
        // from OUTDIR until the rename below.
        kept = Kept::MovedAside;
      } else {
        std::string why = std::strerror(errno);
        return fail("cannot keep the previous '" + file + "' in '" + outDir +
                    "' while publishing: " + why + rollBack());
      }
    }
    if (std::error_code ec = llvm::sys::fs::rename(from, to)) {
      // A file moved aside goes back too.
      if (kept == Kept::MovedAside)
        moved.push_back({file, kept});
      return fail("cannot move '" + file + "' into '" + outDir +
                  "': " + ec.message() + rollBack());
    }
    moved.push_back({file, kept});
  }
  return llvm::Error::success();
}

} // namespace qforge
