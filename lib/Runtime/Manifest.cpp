//===- Manifest.cpp - An artifact's manifest, checked before loading -----===//

#include "Manifest.h"

#include "qforge/Support/Sha256.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <sstream>

namespace qforge::runtime {
namespace {

/// The one manifest format this runtime reads (Manifest.h).
constexpr int kManifestVersion = 1;
/// A manifest lists a handful of files; anything larger is not one.
constexpr off_t kMaxManifestBytes = 1 << 20;

/// Closes a file descriptor on every return path.
struct FileDescriptor {
  int fd;
  explicit FileDescriptor(int fd) : fd(fd) {}
  ~FileDescriptor() {
    if (fd >= 0)
      ::close(fd);
  }
};

/// read() until `size` bytes or the end of the file; -1 on an error.
ssize_t readFully(int fd, void *data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, static_cast<char *>(data) + done, size - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    done += size_t(n);
  }
  return ssize_t(done);
}

struct Entry {
  uint64_t size = 0;
  std::string sha256;
};

bool isHexDigest(const std::string &text) {
  if (text.size() != 64)
    return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

/// Finds `file` in the manifest's text; "" on success (`found` says whether
/// it is listed), else why the text is not a manifest this runtime reads.
std::string findEntry(const std::string &text, const std::string &file,
                      bool &found, Entry &entry) {
  std::istringstream in(text);
  std::string line;
  int lineNo = 0;
  found = false;
  while (std::getline(in, line)) {
    ++lineNo;
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (lineNo == 1) {
      int version = 0;
      if (kind != "qforge-manifest" || !(fields >> version))
        return "is not a QForge manifest";
      if (version != kManifestVersion)
        return "has format version " + std::to_string(version) +
               ", which this runtime (version " +
               std::to_string(kManifestVersion) +
               ") does not read; use a newer runtime or recompile the artifact";
      continue;
    }
    if (kind != "file")
      continue; // `name`, blank lines, and records of later compilers
    // Fields after the hash are skipped, as unknown records are.
    std::string name, size, hash;
    if (!(fields >> name >> size >> hash) || size.empty() || size.size() > 19 ||
        size.find_first_not_of("0123456789") != std::string::npos ||
        !isHexDigest(hash))
      return "is malformed (line " + std::to_string(lineNo) + ")";
    if (name == file && !found) {
      found = true;
      entry.size = std::stoull(size);
      entry.sha256 = hash;
    }
  }
  if (lineNo == 0)
    return "is empty";
  return "";
}

} // namespace

std::string manifestPathFor(const std::string &path) {
  if (path.size() < 3 || path.compare(path.size() - 3, 3, ".so") != 0)
    return "";
  return path.substr(0, path.size() - 3) + ".manifest";
}

std::string checkManifest(const std::string &path) {
  std::string manifestPath = manifestPathFor(path);
  if (manifestPath.empty())
    return "";
  std::string quoted = "its manifest '" + manifestPath + "'";
  FileDescriptor manifest(::open(manifestPath.c_str(), O_RDONLY | O_CLOEXEC));
  if (manifest.fd < 0) {
    // No manifest: an artifact of a compiler before manifests, or a library
    // copied on its own. It loads as it always did.
    if (errno == ENOENT)
      return "";
    return "cannot read " + quoted + ": " + std::strerror(errno);
  }
  struct stat info;
  if (::fstat(manifest.fd, &info) != 0)
    return "cannot read " + quoted + ": " + std::strerror(errno);
  if (!S_ISREG(info.st_mode) || info.st_size > kMaxManifestBytes)
    return quoted + " is not a QForge manifest";
  std::string text(size_t(info.st_size), '\0');
  ssize_t got = readFully(manifest.fd, text.data(), text.size());
  if (got < 0)
    return "cannot read " + quoted + ": " + std::strerror(errno);
  text.resize(size_t(got));

  std::string file = path.substr(path.find_last_of('/') + 1);
  bool found = false;
  Entry entry;
  std::string why = findEntry(text, file, found, entry);
  if (!why.empty())
    return quoted + " " + why;
  // The same advice for every mismatch: the files are not the set that one
  // compile wrote.
  const std::string torn =
      ": it was changed, truncated or replaced after qforge-compile wrote it, "
      "or a compile into its folder did not finish; recompile it";
  if (!found)
    return quoted + " does not list '" + file + "'" + torn;

  FileDescriptor library(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (library.fd < 0 || ::fstat(library.fd, &info) != 0)
    return std::string("cannot open it: ") + std::strerror(errno);
  if (!S_ISREG(info.st_mode))
    return "not a regular file";
  if (uint64_t(info.st_size) != entry.size)
    return "it has " + std::to_string(info.st_size) + " bytes, " + quoted +
           " says " + std::to_string(entry.size) + torn;
  Sha256 hash;
  constexpr size_t kChunk = 1 << 20;
  std::unique_ptr<char[]> chunk(new char[kChunk]);
  uint64_t hashed = 0;
  for (;;) {
    ssize_t n = readFully(library.fd, chunk.get(), kChunk);
    if (n < 0)
      return std::string("cannot read it: ") + std::strerror(errno);
    if (n == 0)
      break;
    hash.update(chunk.get(), size_t(n));
    hashed += uint64_t(n);
  }
  // Shorter than fstat said: shrunk while being read.
  if (hashed != entry.size)
    return "it has " + std::to_string(hashed) + " bytes, " + quoted + " says " +
           std::to_string(entry.size) + torn;
  if (hash.hexDigest() != entry.sha256)
    return "its SHA-256 is not the one " + quoted + " records" + torn;
  return "";
}

} // namespace qforge::runtime
