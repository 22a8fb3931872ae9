//===- Cache.cpp - Autoquant's persistent timing cache --------------------===//

#include "qforge/Autoquant/Cache.h"
#include "qforge/Formats/Json.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <utility>
#include <vector>

namespace qforge::autoquant {

namespace {

/// Corrupt lines warned about one by one; the rest get one summary line, so
/// that a file of garbage does not flood the compiler's output.
constexpr size_t kMaxCorruptWarnings = 5;

std::error_code lastError() { return std::error_code(errno, std::generic_category()); }

llvm::Error cacheError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 message.str());
}

/// A file descriptor closed on destruction. Closing the lock file's
/// descriptor is what releases its flock, so every early return unlocks.
class FileDescriptor {
public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd(fd) {}
  FileDescriptor(const FileDescriptor &) = delete;
  FileDescriptor &operator=(const FileDescriptor &) = delete;
  FileDescriptor(FileDescriptor &&other) : fd(other.fd) { other.fd = -1; }
  ~FileDescriptor() {
    if (fd >= 0)
      ::close(fd);
  }
  int get() const { return fd; }
  /// Hands the descriptor over (to close it and check the result).
  int release() {
    int result = fd;
    fd = -1;
    return result;
  }

private:
  int fd = -1;
};

/// open(2), retried on EINTR.
int openRetrying(const std::string &path, int flags, mode_t mode = 0) {
  int fd;
  do
    fd = ::open(path.c_str(), flags, mode);
  while (fd < 0 && errno == EINTR);
  return fd;
}

/// flock on "<path>.lock", shared or exclusive; blocks until granted. The
/// lock lives on a file of its own because compaction replaces the cache
/// file: a lock on the old inode would not exclude a writer that opened the
/// new one.
llvm::ErrorOr<FileDescriptor> lockCache(const std::string &path,
                                        bool exclusive) {
  std::string lockPath = path + ".lock";
  int fd = openRetrying(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  // A reader of a cache it may not write (another user's, a read-only
  // mount) can still take a shared lock on an existing lock file.
  if (fd < 0 && !exclusive)
    fd = openRetrying(lockPath, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return lastError();
  FileDescriptor lock(fd);
  int result;
  do
    result = ::flock(lock.get(), exclusive ? LOCK_EX : LOCK_SH);
  while (result != 0 && errno == EINTR);
  if (result != 0)
    return lastError();
  return lock;
}

/// Writes all of `data`: write(2) may write less than asked (a signal, a
/// full disk) and the rest must follow.
std::error_code writeAll(int fd, llvm::StringRef data) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return lastError();
    }
    data = data.drop_front(static_cast<size_t>(written));
  }
  return {};
}

/// The cache file's bytes, read under the caller's lock. A missing file is
/// empty (`exists` false); a file over kMaxFileBytes is not read
/// (`tooBig`).
struct FileContents {
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  bool exists = false;
  bool tooBig = false;
  uint64_t size = 0;
  llvm::StringRef text() const {
    return buffer ? buffer->getBuffer() : llvm::StringRef();
  }
};

llvm::Expected<FileContents> readCacheFile(const std::string &path) {
  FileContents contents;
  // O_NONBLOCK: opening a FIFO put where the cache should be must not hang;
  // anything but a regular file is refused below.
  int fd = openRetrying(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT)
      return contents;
    return cacheError("cannot read autoquant cache '" + path +
                      "': " + lastError().message());
  }
  FileDescriptor file(fd);
  struct stat st;
  if (::fstat(file.get(), &st) != 0)
    return cacheError("cannot read autoquant cache '" + path +
                      "': " + lastError().message());
  if (!S_ISREG(st.st_mode))
    return cacheError("cannot read autoquant cache '" + path +
                      "': not a regular file");
  contents.exists = true;
  contents.size = static_cast<uint64_t>(st.st_size);
  if (contents.size > Cache::kMaxFileBytes) {
    contents.tooBig = true;
    return contents;
  }
  // Volatile: read, not mapped. A process that ignores the lock (an editor,
  // another tool) may truncate the file under us, and a mapping would then
  // fault instead of reading short.
  auto buffer = llvm::MemoryBuffer::getOpenFile(
      file.get(), path, contents.size, /*RequiresNullTerminator=*/false,
      /*IsVolatile=*/true);
  if (!buffer)
    return cacheError("cannot read autoquant cache '" + path +
                      "': " + buffer.getError().message());
  contents.buffer = std::move(*buffer);
  return contents;
}

/// One valid line of the file.
struct CacheLine {
  std::string identity, key;
  Measurement time;
  /// A guard line ("sqnr_db") instead of a timing.
  std::optional<double> sqnrDb;
};

/// Parses one line; errors start with `where` ("<path>:<line>") and say
/// what is wrong with it.
llvm::Expected<CacheLine> parseLine(llvm::StringRef line,
                                    llvm::StringRef where) {
  auto bad = [&](const llvm::Twine &why) {
    return cacheError(where + ": " + why);
  };
  // Checked before parsing: the length bounds the parser's work, and
  // parseJson bounds its recursion.
  if (line.size() > Cache::kMaxLineBytes)
    return bad("line longer than " + llvm::Twine(Cache::kMaxLineBytes) +
               " bytes");
  llvm::Expected<llvm::json::Value> value = formats::parseJson(line, where);
  if (!value)
    return value.takeError();
  const llvm::json::Object *object = value->getAsObject();
  if (!object)
    return bad("not a JSON object");

  auto version = object->getInteger("v");
  if (!version)
    return bad("no integer \"v\"");
  if (*version != 1)
    return bad("version " + llvm::Twine(*version) + ", expected 1");

  // Each field is checked for presence and type: a line of the right
  // shape may still come from a hand edit or another tool.
  CacheLine result;
  auto getString = [&](llvm::StringRef name, std::string &out) {
    auto text = object->getString(name);
    if (text)
      out = text->str();
    return bool(text);
  };
  auto getSeconds = [&](llvm::StringRef name, double &out) {
    auto number = object->getNumber(name);
    if (number)
      out = *number;
    return bool(number);
  };
  if (!getString("identity", result.identity))
    return bad("no string \"identity\"");
  if (!getString("key", result.key))
    return bad("no string \"key\"");
  // A guard result: the SQNR the guard computed for the key's content
  // hash and candidate (storeGuard), nothing else.
  if (object->get("sqnr_db")) {
    std::optional<double> sqnr = object->getNumber("sqnr_db");
    if (!sqnr || !std::isfinite(*sqnr) || std::fabs(*sqnr) > 1000.0)
      return bad("\"sqnr_db\" is not a finite number of dB");
    if (!llvm::StringRef(result.key).starts_with(kGuardKeyPrefix))
      return bad("an SQNR for a key that is not a guard key");
    result.sqnrDb = *sqnr;
    return result;
  }
  if (llvm::StringRef(result.key).starts_with(kGuardKeyPrefix))
    return bad("a guard key without \"sqnr_db\"");
  Measurement &time = result.time;
  for (auto [name, seconds] : {std::pair("median", &time.median),
                               std::pair("p20", &time.p20),
                               std::pair("p80", &time.p80)})
    if (!getSeconds(name, *seconds))
      return bad("no number \"" + llvm::Twine(name) + "\"");
  auto rounds = object->getInteger("rounds");
  if (!rounds)
    return bad("no integer \"rounds\"");
  if (*rounds < 1 || *rounds > std::numeric_limits<unsigned>::max())
    return bad("rounds " + llvm::Twine(*rounds) + " out of range");
  time.rounds = static_cast<unsigned>(*rounds);
  std::string sourceText;
  if (!getString("source", sourceText))
    return bad("no string \"source\"");
  std::optional<Source> source = parseSource(sourceText);
  if (!source)
    return bad("unknown source \"" + sourceText + "\"");
  // store() writes measurements only; a model's or a table's number in the
  // file did not come from this code and must not pass for a timing.
  if (*source != Source::Measured)
    return bad("source \"" + sourceText + "\" is not a measurement");
  time.source = *source;
  if (!getString("kernel", time.kernel))
    return bad("no string \"kernel\"");
  if (!time.isValid())
    return bad("times are not finite, positive and ordered "
               "(p20 <= median <= p80)");
  return result;
}

/// Parses every line of `text`, calling `onValid(line, parsed)` for the
/// valid ones in file order. Corrupt lines are counted in `corrupt` and,
/// when `warn` is set, warned about (the first few by line, then a count).
/// Blank lines are neither.
void scanLines(
    llvm::StringRef text, llvm::StringRef path, const CacheWarningFn &warn,
    size_t &corrupt,
    llvm::function_ref<void(llvm::StringRef line, CacheLine &parsed)>
        onValid) {
  size_t lineNo = 0, unwarned = 0;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    ++lineNo;
    if (line.trim().empty())
      continue;
    llvm::Expected<CacheLine> parsed =
        parseLine(line, (path + ":" + llvm::Twine(lineNo)).str());
    if (parsed) {
      onValid(line, *parsed);
      continue;
    }
    std::string message = llvm::toString(parsed.takeError());
    ++corrupt;
    if (!warn)
      continue;
    if (corrupt <= kMaxCorruptWarnings)
      warn(message + " (corrupt cache line skipped)");
    else
      ++unwarned;
  }
  if (warn && unwarned)
    warn(path.str() + ": ... " + std::to_string(unwarned) +
         " more corrupt lines");
}

/// One line of the file, without its newline: the common fields, then
/// `body`'s. OStream keeps the attributes in this order (a json::Object
/// would sort them), so the file reads like the header's description.
/// Doubles are printed with max_digits10 digits: a reopened cache sees the
/// same bits.
std::string serializeLine(llvm::StringRef identity, llvm::StringRef key,
                          llvm::function_ref<void(llvm::json::OStream &)> body) {
  std::string line;
  llvm::raw_string_ostream os(line);
  llvm::json::OStream json(os);
  json.object([&] {
    json.attribute("v", 1);
    json.attribute("identity", identity);
    json.attribute("key", key);
    body(json);
  });
  os.flush();
  return line;
}

/// The line storeGuard() appends.
std::string serializeGuard(llvm::StringRef identity, llvm::StringRef key,
                           double sqnrDb) {
  return serializeLine(identity, key, [&](llvm::json::OStream &json) {
    json.attribute("sqnr_db", sqnrDb);
  });
}

/// The line store() appends.
std::string serialize(llvm::StringRef identity, llvm::StringRef key,
                      const Measurement &time) {
  return serializeLine(identity, key, [&](llvm::json::OStream &json) {
    json.attribute("median", time.median);
    json.attribute("p20", time.p20);
    json.attribute("p80", time.p80);
    json.attribute("rounds", static_cast<int64_t>(time.rounds));
    json.attribute("source", sourceName(time.source));
    json.attribute("kernel", time.kernel);
  });
}

bool isWritingMode(CacheMode mode) {
  return mode == CacheMode::ReadWrite || mode == CacheMode::Refresh;
}

std::string tooBigMessage(const std::string &path, uint64_t size) {
  return "autoquant cache '" + path + "' is " + std::to_string(size) +
         " bytes, over the limit of " + std::to_string(Cache::kMaxFileBytes) +
         ": it is neither read nor appended to (delete or compact it)";
}

} // namespace

std::optional<CacheMode> parseCacheMode(llvm::StringRef text) {
  if (text == "off")
    return CacheMode::Off;
  if (text == "read")
    return CacheMode::Read;
  if (text == "readwrite")
    return CacheMode::ReadWrite;
  if (text == "refresh")
    return CacheMode::Refresh;
  return std::nullopt;
}

llvm::StringRef cacheModeName(CacheMode mode) {
  switch (mode) {
  case CacheMode::Off:
    return "off";
  case CacheMode::Read:
    return "read";
  case CacheMode::ReadWrite:
    return "readwrite";
  case CacheMode::Refresh:
    return "refresh";
  }
  return "off";
}

std::string CacheIdentity::str() const {
  return compiler + "|" + llvm + "|" + cpu + "|" + features;
}

std::string defaultCachePath() {
  llvm::SmallString<256> path;
  const char *xdg = std::getenv("XDG_CACHE_HOME");
  const char *home = std::getenv("HOME");
  if (xdg && *xdg)
    llvm::sys::path::append(path, xdg, "qforge", "autoquant.jsonl");
  else if (home && *home)
    llvm::sys::path::append(path, home, ".cache", "qforge", "autoquant.jsonl");
  return std::string(path);
}

llvm::Expected<std::unique_ptr<Cache>> Cache::open(llvm::StringRef path,
                                                   CacheMode mode,
                                                   CacheIdentity identity,
                                                   CacheWarningFn warn) {
  std::unique_ptr<Cache> cache(new Cache());
  cache->path_ = path.str();
  cache->mode_ = mode;
  cache->identity_ = std::move(identity);
  cache->warn_ = std::move(warn);
  if (mode == CacheMode::Off)
    return cache;
  if (path.empty())
    return cacheError("autoquant cache: no path (neither XDG_CACHE_HOME nor "
                      "HOME is set)");

  if (isWritingMode(mode)) {
    llvm::StringRef dir = llvm::sys::path::parent_path(path);
    if (!dir.empty()) {
      // create_directories succeeds when `dir` exists as a file (mkdir's
      // EEXIST is ignored), so the result is checked as well.
      std::error_code ec = llvm::sys::fs::create_directories(dir);
      if (!ec && !llvm::sys::fs::is_directory(dir))
        ec = std::make_error_code(std::errc::not_a_directory);
      if (ec)
        return cacheError("cannot create autoquant cache directory '" + dir +
                          "': " + ec.message());
    }
  }
  // Refresh measures everything again: what the file holds is not loaded,
  // but the new lines are appended after it and win for later readers.
  if (mode == CacheMode::Refresh)
    return cache;

  // Read without the file existing must not create anything (not even the
  // lock file); a missing file is an empty cache.
  if (!llvm::sys::fs::exists(cache->path_))
    return cache;
  // The lock is held for the read only, not for the parse.
  llvm::Expected<FileContents> contents = [&] {
    // Without a lock (a read-only directory without a lock file) the file
    // is still read: appends are single write(2) calls, so at worst the
    // last line is partial, and that is skipped as corrupt.
    llvm::ErrorOr<FileDescriptor> lock =
        lockCache(cache->path_, /*exclusive=*/false);
    (void)lock;
    return readCacheFile(cache->path_);
  }();
  if (!contents)
    return contents.takeError();
  if (contents->tooBig) {
    cache->warnedTooBig_ = true;
    if (cache->warn_)
      cache->warn_(tooBigMessage(cache->path_, contents->size));
    return cache;
  }
  Cache &self = *cache;
  std::string identityText = self.identity_.str();
  scanLines(contents->text(), self.path_, self.warn_, self.corrupt_,
            [&](llvm::StringRef, CacheLine &line) {
              if (line.identity != identityText) {
                ++self.foreign_;
                return;
              }
              // Later lines of a key replace earlier ones: a refresh or a
              // re-measurement appends, it never rewrites.
              if (line.sqnrDb)
                self.guards_[line.key] = *line.sqnrDb;
              else
                self.entries_[line.key] = std::move(line.time);
            });
  return cache;
}

std::optional<Measurement> Cache::lookup(const std::string &key) const {
  // In refresh mode entries_ holds only what this process stored.
  if (mode_ == CacheMode::Off)
    return std::nullopt;
  auto it = entries_.find(key);
  if (it == entries_.end())
    return std::nullopt;
  Measurement time = it->second;
  time.cacheHit = true;
  return time;
}

llvm::Error Cache::store(const std::string &key, const Measurement &time) {
  if (!isWritingMode(mode_))
    return llvm::Error::success();
  if (time.source != Source::Measured || !time.isValid())
    return llvm::Error::success();
  std::string identity = identity_.str();
  // llvm::json would replace invalid UTF-8 (or assert); a line whose text
  // changed on the way would never match its key again.
  if (!llvm::json::isUTF8(identity) || !llvm::json::isUTF8(key) ||
      !llvm::json::isUTF8(time.kernel))
    return llvm::Error::success();
  if (llvm::StringRef(key).starts_with(kGuardKeyPrefix))
    return llvm::Error::success();
  std::string line = serialize(identity, key, time);
  if (llvm::Error e = appendLine(key, std::move(line)))
    return e;
  Measurement stored = time;
  stored.cacheHit = false;
  entries_[key] = std::move(stored);
  return llvm::Error::success();
}

std::optional<double> Cache::lookupGuard(const std::string &key) const {
  if (mode_ == CacheMode::Off)
    return std::nullopt;
  auto it = guards_.find(key);
  if (it == guards_.end())
    return std::nullopt;
  return it->second;
}

llvm::Error Cache::storeGuard(const std::string &key, double sqnrDb) {
  if (!isWritingMode(mode_) || !std::isfinite(sqnrDb) ||
      std::fabs(sqnrDb) > 1000.0 ||
      !llvm::StringRef(key).starts_with(kGuardKeyPrefix))
    return llvm::Error::success();
  std::string identity = identity_.str();
  if (!llvm::json::isUTF8(identity) || !llvm::json::isUTF8(key))
    return llvm::Error::success();
  if (llvm::Error e = appendLine(key, serializeGuard(identity, key, sqnrDb)))
    return e;
  guards_[key] = sqnrDb;
  return llvm::Error::success();
}

llvm::Error Cache::appendLine(const std::string &key, std::string line) {
  // A line the reader would reject as too long is not written.
  if (line.size() > kMaxLineBytes) {
    if (warn_)
      warn_("autoquant cache '" + path_ + "': the entry for '" + key +
            "' is longer than " + std::to_string(kMaxLineBytes) +
            " bytes; not cached");
    return llvm::Error::success();
  }
  line += '\n';

  auto appendError = [&](std::error_code ec) {
    return cacheError("cannot append to autoquant cache '" + path_ +
                      "': " + ec.message());
  };
  llvm::ErrorOr<FileDescriptor> lock = lockCache(path_, /*exclusive=*/true);
  if (!lock)
    return cacheError("cannot lock autoquant cache '" + path_ +
                      ".lock': " + lock.getError().message());
  // Opened under the lock: a compaction renames a new file over path_, and
  // an append to the old inode would be lost. O_NONBLOCK changes nothing
  // for a regular file; it makes a FIFO put in the file's place an error
  // instead of a hang.
  int fd = openRetrying(
      path_, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644);
  if (fd < 0)
    return appendError(lastError());
  FileDescriptor file(fd);
  struct stat st;
  if (::fstat(file.get(), &st) != 0)
    return appendError(lastError());
  if (!S_ISREG(st.st_mode))
    return appendError(std::make_error_code(std::errc::invalid_argument));
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size > kMaxFileBytes) {
    if (!warnedTooBig_ && warn_)
      warn_(tooBigMessage(path_, size));
    warnedTooBig_ = true;
    return llvm::Error::success();
  }
  // A writer that died mid-line (a full disk, a kill) leaves the file
  // without its last newline; this line would be glued to the fragment and
  // be lost with it. Start a fresh line instead.
  if (size > 0) {
    int readFd = openRetrying(path_, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (readFd >= 0) {
      FileDescriptor reader(readFd);
      char last = '\n';
      if (::pread(reader.get(), &last, 1, static_cast<off_t>(size - 1)) == 1 &&
          last != '\n')
        line.insert(line.begin(), '\n');
    }
  }
  // One write(2) of the whole line: with O_APPEND and the exclusive lock no
  // other line can land inside it.
  if (std::error_code ec = writeAll(file.get(), line))
    return appendError(ec);
  if (::close(file.release()) != 0)
    return appendError(lastError());
  return llvm::Error::success();
}

llvm::Error Cache::compact() {
  // Compaction writes the file: only the modes that may write do it.
  if (!isWritingMode(mode_))
    return llvm::Error::success();
  llvm::ErrorOr<FileDescriptor> lock = lockCache(path_, /*exclusive=*/true);
  if (!lock)
    return cacheError("cannot lock autoquant cache '" + path_ +
                      ".lock': " + lock.getError().message());
  // Re-read under the exclusive lock: what this process loaded at open()
  // misses every line appended since by other compiles.
  llvm::Expected<FileContents> contents = readCacheFile(path_);
  if (!contents)
    return contents.takeError();
  if (!contents->exists)
    return llvm::Error::success();
  if (contents->tooBig) {
    if (!warnedTooBig_ && warn_)
      warn_(tooBigMessage(path_, contents->size));
    warnedTooBig_ = true;
    return llvm::Error::success();
  }

  // The newest line per (identity, key), kept at its own position so the
  // file's order (oldest first) is preserved.
  std::vector<llvm::StringRef> lines;
  std::map<std::pair<std::string, std::string>, size_t> newest;
  size_t corrupt = 0;
  scanLines(contents->text(), path_, /*warn=*/{}, corrupt,
            [&](llvm::StringRef line, CacheLine &parsed) {
              newest[{std::move(parsed.identity), std::move(parsed.key)}] =
                  lines.size();
              lines.push_back(line);
            });
  std::vector<bool> keep(lines.size(), false);
  for (const auto &entry : newest)
    keep[entry.second] = true;
  std::string text;
  for (size_t i = 0; i < lines.size(); ++i)
    if (keep[i])
      text += lines[i].rtrim("\r").str() + "\n";
  if (corrupt && warn_)
    warn_("autoquant cache '" + path_ + "': compaction dropped " +
          std::to_string(corrupt) + " corrupt lines");

  // The new contents go to a temporary file in the same directory (rename
  // is atomic only within a file system), synced before the rename so that
  // a crash leaves the old file or the whole new one.
  std::string tmpPath = path_ + ".tmp-" + std::to_string(::getpid());
  auto writeError = [&](const llvm::Twine &what, std::error_code ec) {
    ::unlink(tmpPath.c_str());
    return cacheError("cannot compact autoquant cache '" + path_ + "': " +
                      what + ": " + ec.message());
  };
  int fd = openRetrying(tmpPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        0644);
  if (fd < 0)
    return writeError("cannot create '" + tmpPath + "'", lastError());
  FileDescriptor tmp(fd);
  if (std::error_code ec = writeAll(tmp.get(), text))
    return writeError("cannot write '" + tmpPath + "'", ec);
  if (::fsync(tmp.get()) != 0)
    return writeError("cannot sync '" + tmpPath + "'", lastError());
  if (::close(tmp.release()) != 0)
    return writeError("cannot write '" + tmpPath + "'", lastError());
  if (::rename(tmpPath.c_str(), path_.c_str()) != 0)
    return writeError("cannot rename '" + tmpPath + "'", lastError());
  // The rename itself is durable once the directory is synced; failing
  // that only risks the old (equally valid) contents after a crash.
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(path_));
  if (dir.empty())
    dir = ".";
  int dirFd = openRetrying(std::string(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirFd >= 0) {
    ::fsync(dirFd);
    ::close(dirFd);
  }
  return llvm::Error::success();
}

} // namespace qforge::autoquant
