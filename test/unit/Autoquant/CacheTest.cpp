// Autoquant's persistent timing cache: lines round-trip, only this
// identity's lines are used, the modes touch what they say, hostile lines
// are skipped with a warning, compaction keeps what it must, and concurrent
// writers (separate processes, as two compiles would be) lose no line.
#include "qforge/Autoquant/Cache.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace qforge::autoquant;

/// A fresh directory, removed with everything in it afterwards.
class TempDir {
public:
  TempDir() {
    std::error_code ec =
        llvm::sys::fs::createUniqueDirectory("qforge-autoquant-cache", dir);
    EXPECT_FALSE(ec) << ec.message();
  }
  ~TempDir() { llvm::sys::fs::remove_directories(dir); }
  std::string path(llvm::StringRef name) const {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  std::string str() const { return std::string(dir); }

private:
  llvm::SmallString<256> dir;
};

CacheIdentity identity(std::string compiler = "qforge-0.9+kgen-1a2b3c") {
  return {std::move(compiler), "22.1.8", "znver3", "+avx2,+fma,+f16c"};
}

std::string keyFor(int m, const std::string &candidate = "w4g128") {
  return "m=" + std::to_string(m) + " n=64 k=64 cand=" + candidate +
         " kernel=select epilogue=none threads=1 target=x86_64:znver3+avx2";
}

Measurement timing(double median, unsigned rounds = 7) {
  Measurement time;
  time.median = median;
  time.p20 = median * 0.9;
  time.p80 = median * 1.25;
  time.rounds = rounds;
  time.source = Source::Measured;
  time.kernel = "#qf.cpu_kernel<mr = 4, nr = 16, kc = 256>";
  return time;
}

/// A line as the file format describes it, written by hand (not by the
/// code under test).
std::string lineFor(const std::string &identity, const std::string &key,
                    double median, double p20, double p80,
                    const std::string &extra = "") {
  char times[256];
  std::snprintf(times, sizeof(times),
                "\"median\":%.17g,\"p20\":%.17g,\"p80\":%.17g", median, p20,
                p80);
  return "{\"v\":1,\"identity\":\"" + identity + "\",\"key\":\"" + key +
         "\"," + times +
         ",\"rounds\":5,\"source\":\"measured\",\"kernel\":\"#qf.cpu_kernel<>\"" +
         extra + "}";
}

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return "<unreadable: " + buffer.getError().message() + ">";
  return (*buffer)->getBuffer().str();
}

void writeFile(const std::string &path, const std::string &text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<std::string> linesOf(const std::string &text) {
  std::vector<std::string> lines;
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(text).split(parts, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef part : parts)
    lines.push_back(part.str());
  return lines;
}

struct Warnings {
  std::vector<std::string> messages;
  CacheWarningFn fn() {
    return [this](llvm::StringRef message) {
      messages.push_back(message.str());
    };
  }
  std::string all() const {
    std::string text;
    for (const std::string &m : messages)
      text += m + "\n";
    return text;
  }
};

std::unique_ptr<Cache> mustOpen(const std::string &path, CacheMode mode,
                                CacheIdentity id = identity(),
                                CacheWarningFn warn = {}) {
  auto cache = Cache::open(path, mode, std::move(id), std::move(warn));
  if (!cache) {
    ADD_FAILURE() << llvm::toString(cache.takeError());
    return nullptr;
  }
  return std::move(*cache);
}

std::string errorOf(llvm::Error error) {
  return error ? llvm::toString(std::move(error)) : "";
}

/// Runs `body` in a child process; its exit status is the number of
/// failed operations (gtest's assertions do not cross fork).
pid_t spawn(const std::function<int()> &body) {
  pid_t pid = ::fork();
  if (pid == 0)
    ::_exit(body());
  return pid;
}

int waitFor(pid_t pid) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid)
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/// Stores keyFor(first) .. keyFor(first + count - 1) through its own Cache;
/// the number of failures.
int storeKeys(const std::string &path, int first, int count) {
  auto cache = Cache::open(path, CacheMode::ReadWrite, identity());
  if (!cache) {
    llvm::consumeError(cache.takeError());
    return 1;
  }
  int failures = 0;
  for (int i = first; i < first + count; ++i)
    if (llvm::Error error = (*cache)->store(keyFor(i), timing(1e-6 * (i + 1)))) {
      llvm::consumeError(std::move(error));
      ++failures;
    }
  return failures > 100 ? 100 : failures;
}

TEST(Cache, StoreReopenLookupRoundTrips) {
  TempDir dir;
  // The directory is created by the writing modes.
  std::string path = dir.path("sub/dir/autoquant.jsonl");
  Measurement third = timing(1.0 / 3.0 * 1e-6, 11);
  Measurement tiny = timing(4.9406564584124654e-300);
  {
    auto cache = mustOpen(path, CacheMode::ReadWrite);
    ASSERT_TRUE(cache);
    ASSERT_EQ(errorOf(cache->store(keyFor(1), third)), "");
    ASSERT_EQ(errorOf(cache->store(keyFor(2), tiny)), "");
    // Seen in this process at once.
    std::optional<Measurement> now = cache->lookup(keyFor(1));
    ASSERT_TRUE(now);
    EXPECT_EQ(now->median, third.median);
    EXPECT_TRUE(now->cacheHit);
  }
  std::string text = readFile(path);
  std::vector<std::string> lines = linesOf(text);
  ASSERT_EQ(lines.size(), 2u) << text;
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(lines[0].rfind("{\"v\":1,\"identity\":\"" + identity().str() +
                               "\",\"key\":\"" + keyFor(1) + "\",\"median\":",
                           0),
            0u)
      << lines[0];
  EXPECT_NE(lines[0].find("\"rounds\":11,\"source\":\"measured\",\"kernel\":"
                          "\"#qf.cpu_kernel<mr = 4, nr = 16, kc = 256>\"}"),
            std::string::npos)
      << lines[0];

  for (CacheMode mode : {CacheMode::Read, CacheMode::ReadWrite}) {
    auto cache = mustOpen(path, mode);
    ASSERT_TRUE(cache);
    EXPECT_EQ(cache->numEntries(), 2u);
    EXPECT_EQ(cache->numForeign(), 0u);
    EXPECT_EQ(cache->numCorrupt(), 0u);
    for (auto [key, want] : {std::pair(keyFor(1), third),
                             std::pair(keyFor(2), tiny)}) {
      std::optional<Measurement> got = cache->lookup(key);
      ASSERT_TRUE(got) << key;
      // Bit-exact: the file holds enough digits to round-trip a double.
      EXPECT_EQ(got->median, want.median);
      EXPECT_EQ(got->p20, want.p20);
      EXPECT_EQ(got->p80, want.p80);
      EXPECT_EQ(got->rounds, want.rounds);
      EXPECT_EQ(got->source, Source::Measured);
      EXPECT_EQ(got->kernel, want.kernel);
      EXPECT_TRUE(got->cacheHit);
    }
    EXPECT_FALSE(cache->lookup(keyFor(3)));
  }
}

TEST(Cache, AnotherIdentityMissesAndCountsAsForeign) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  {
    auto cache = mustOpen(path, CacheMode::ReadWrite);
    ASSERT_TRUE(cache);
    ASSERT_EQ(errorOf(cache->store(keyFor(1), timing(1e-3))), "");
    ASSERT_EQ(errorOf(cache->store(keyFor(2), timing(2e-3))), "");
  }
  // The kernel generator's hash changed: no old timing is trusted.
  Warnings warnings;
  auto rebuilt = mustOpen(path, CacheMode::ReadWrite,
                          identity("qforge-0.9+kgen-ffffff"), warnings.fn());
  ASSERT_TRUE(rebuilt);
  EXPECT_FALSE(rebuilt->lookup(keyFor(1)));
  EXPECT_EQ(rebuilt->numEntries(), 0u);
  EXPECT_EQ(rebuilt->numForeign(), 2u);
  EXPECT_EQ(rebuilt->numCorrupt(), 0u);
  EXPECT_TRUE(warnings.messages.empty()) << warnings.all();

  // Another CPU's features: likewise.
  CacheIdentity otherCpu = identity();
  otherCpu.features = "+avx2,+fma,+f16c,+avx512f";
  auto other = mustOpen(path, CacheMode::Read, otherCpu);
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->lookup(keyFor(2)));
  EXPECT_EQ(other->numForeign(), 2u);
}

TEST(Cache, ReadModeDoesNotAppend) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  {
    auto cache = mustOpen(path, CacheMode::ReadWrite);
    ASSERT_TRUE(cache);
    ASSERT_EQ(errorOf(cache->store(keyFor(1), timing(1e-3))), "");
  }
  std::string before = readFile(path);
  auto cache = mustOpen(path, CacheMode::Read);
  ASSERT_TRUE(cache);
  EXPECT_TRUE(cache->lookup(keyFor(1)));
  EXPECT_EQ(errorOf(cache->store(keyFor(2), timing(2e-3))), "");
  EXPECT_EQ(errorOf(cache->compact()), "");
  EXPECT_FALSE(cache->lookup(keyFor(2)));
  EXPECT_EQ(readFile(path), before);

  // A missing file is an empty cache, and reading creates nothing.
  std::string missing = dir.path("nowhere/autoquant.jsonl");
  auto empty = mustOpen(missing, CacheMode::Read);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->numEntries(), 0u);
  EXPECT_FALSE(empty->lookup(keyFor(1)));
  EXPECT_FALSE(llvm::sys::fs::exists(dir.path("nowhere")));
}

TEST(Cache, OffModeTouchesNoFile) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  writeFile(path, lineFor(identity().str(), keyFor(1), 1e-3, 1e-3, 1e-3) +
                      "\n");
  std::string before = readFile(path);
  auto cache = mustOpen(path, CacheMode::Off);
  ASSERT_TRUE(cache);
  EXPECT_EQ(cache->mode(), CacheMode::Off);
  EXPECT_FALSE(cache->lookup(keyFor(1)));
  EXPECT_EQ(errorOf(cache->store(keyFor(2), timing(1e-3))), "");
  EXPECT_EQ(errorOf(cache->compact()), "");
  EXPECT_EQ(readFile(path), before);
  EXPECT_FALSE(llvm::sys::fs::exists(path + ".lock"));

  std::string elsewhere = dir.path("new/autoquant.jsonl");
  auto off = mustOpen(elsewhere, CacheMode::Off);
  ASSERT_TRUE(off);
  EXPECT_EQ(errorOf(off->store(keyFor(1), timing(1e-3))), "");
  EXPECT_FALSE(llvm::sys::fs::exists(dir.path("new")));
}

TEST(Cache, RefreshIgnoresTheFileAndItsLinesWinLater) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  {
    auto cache = mustOpen(path, CacheMode::ReadWrite);
    ASSERT_TRUE(cache);
    ASSERT_EQ(errorOf(cache->store(keyFor(1), timing(1e-3))), "");
    ASSERT_EQ(errorOf(cache->store(keyFor(2), timing(5e-3))), "");
  }
  {
    auto refresh = mustOpen(path, CacheMode::Refresh);
    ASSERT_TRUE(refresh);
    EXPECT_EQ(refresh->numEntries(), 0u);
    EXPECT_FALSE(refresh->lookup(keyFor(1)));
    EXPECT_FALSE(refresh->lookup(keyFor(2)));
    ASSERT_EQ(errorOf(refresh->store(keyFor(1), timing(2e-3))), "");
    // What this process measured again is reused within it.
    std::optional<Measurement> again = refresh->lookup(keyFor(1));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->median, 2e-3);
  }
  EXPECT_EQ(linesOf(readFile(path)).size(), 3u);
  auto later = mustOpen(path, CacheMode::ReadWrite);
  ASSERT_TRUE(later);
  std::optional<Measurement> newest = later->lookup(keyFor(1));
  ASSERT_TRUE(newest);
  EXPECT_EQ(newest->median, 2e-3);
  std::optional<Measurement> untouched = later->lookup(keyFor(2));
  ASSERT_TRUE(untouched);
  EXPECT_EQ(untouched->median, 5e-3);
  EXPECT_EQ(later->numEntries(), 2u);
}

TEST(Cache, LastValidLineOfAKeyWins) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  std::string id = identity().str();
  writeFile(path, lineFor(id, keyFor(1), 1e-3, 1e-3, 1e-3) + "\n" +
                      lineFor(id, keyFor(1), 3e-3, 2e-3, 4e-3) + "\n" +
                      // A corrupt later line does not hide the valid one.
                      lineFor(id, keyFor(1), 5e-3, 6e-3, 7e-3) + "\n");
  auto cache = mustOpen(path, CacheMode::Read);
  ASSERT_TRUE(cache);
  std::optional<Measurement> got = cache->lookup(keyFor(1));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->median, 3e-3);
  EXPECT_EQ(got->p20, 2e-3);
  EXPECT_EQ(got->p80, 4e-3);
  EXPECT_EQ(cache->numEntries(), 1u);
  EXPECT_EQ(cache->numCorrupt(), 1u);
}

TEST(Cache, CorruptLinesAreSkippedWithWarnings) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  std::string id = identity().str();
  std::string good0 = lineFor(id, keyFor(0), 1e-3, 1e-3, 2e-3);
  std::string good1 = lineFor(id, keyFor(1), 2e-3, 1e-3, 3e-3);
  std::string good2 = lineFor(id, keyFor(2), 3e-3, 2e-3, 4e-3);
  std::string valid = lineFor(id, keyFor(9), 1e-3, 1e-3, 1e-3);
  auto replace = [](std::string text, const std::string &from,
                    const std::string &to) {
    size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  std::vector<std::string> corrupt = {
      "garbage",
      valid.substr(0, valid.size() / 2),           // truncated JSON
      replace(valid, "\"median\":0.001", "\"median\":NaN"),
      replace(valid, "\"median\":0.001", "\"median\":1e999"), // inf
      lineFor(id, keyFor(9), -1e-3, -2e-3, 1e-3),  // negative
      lineFor(id, keyFor(9), 0.0, 0.0, 0.0),       // zero
      lineFor(id, keyFor(9), 1e-3, 2e-3, 3e-3),    // p20 > median
      lineFor(id, keyFor(9), 3e-3, 1e-3, 2e-3),    // median > p80
      replace(valid, "{\"v\":1,", "{\"v\":2,"),
      replace(valid, "{\"v\":1,", "{"),            // no version
      replace(valid, "\"rounds\":5", "\"rounds\":0"),
      replace(valid, "\"rounds\":5", "\"rounds\":-3"),
      replace(valid, "\"source\":\"measured\"", "\"source\":\"guess\""),
      replace(valid, "\"source\":\"measured\"", "\"source\":\"model\""),
      replace(valid, ",\"kernel\":\"#qf.cpu_kernel<>\"", ""), // missing field
      replace(valid, "\"median\":0.001", "\"median\":\"fast\""),
      replace(valid, "\"key\":\"", "\"key\":7,\"x\":\""), // not a string
      "[1,2,3]",                                    // not an object
      replace(valid, "\"kernel\":\"#qf.cpu_kernel<>\"",
              "\"kernel\":\"" + std::string(Cache::kMaxLineBytes, 'x') +
                  "\""), // huge line
      std::string(100000, '[') + std::string(100000, ']'),
      // Within the line limit, but deeper than parseJson accepts.
      "{\"v\":1,\"x\":" + std::string(1000, '[') + std::string(1000, ']') +
          "}",
  };
  std::string text = good0 + "\n";
  for (size_t i = 0; i < corrupt.size(); ++i) {
    text += corrupt[i] + "\n";
    if (i == corrupt.size() / 2)
      text += good1 + "\n\n"; // a blank line is neither used nor corrupt
  }
  text += good2; // the last line may lack its newline
  writeFile(path, text);

  Warnings warnings;
  auto cache = mustOpen(path, CacheMode::ReadWrite, identity(), warnings.fn());
  ASSERT_TRUE(cache);
  EXPECT_EQ(cache->numCorrupt(), corrupt.size());
  EXPECT_EQ(cache->numEntries(), 3u);
  EXPECT_EQ(cache->numForeign(), 0u);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(cache->lookup(keyFor(i))) << i;
  EXPECT_FALSE(cache->lookup(keyFor(9)));

  // Five warnings naming file and line, then one count of the rest.
  ASSERT_EQ(warnings.messages.size(), 6u) << warnings.all();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(warnings.messages[i].rfind(path + ":" + std::to_string(i + 2) +
                                             ": ",
                                         0),
              0u)
        << warnings.messages[i];
  EXPECT_NE(warnings.messages[5].find(
                "... " + std::to_string(corrupt.size() - 5) +
                " more corrupt lines"),
            std::string::npos)
      << warnings.messages[5];
  EXPECT_NE(warnings.messages[0].find("malformed JSON"), std::string::npos)
      << warnings.messages[0];

  // Every kind of line is refused on its own (checked one by one, so that
  // a kind that slipped through is named).
  for (const std::string &line : corrupt) {
    writeFile(path, good0 + "\n" + line + "\n");
    Warnings one;
    auto single = mustOpen(path, CacheMode::Read, identity(), one.fn());
    ASSERT_TRUE(single);
    EXPECT_EQ(single->numCorrupt(), 1u) << line.substr(0, 200);
    EXPECT_EQ(single->numEntries(), 1u) << line.substr(0, 200);
    ASSERT_EQ(one.messages.size(), 1u) << one.all();
    EXPECT_EQ(one.messages[0].rfind(path + ":2: ", 0), 0u) << one.messages[0];
  }
}

TEST(Cache, AppendAfterAPartialLineStartsANewLine) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  std::string id = identity().str();
  // A writer killed mid-line left a fragment without a newline.
  writeFile(path, lineFor(id, keyFor(1), 1e-3, 1e-3, 1e-3) +
                      "\n{\"v\":1,\"identity\":\"qfo");
  {
    auto cache = mustOpen(path, CacheMode::ReadWrite);
    ASSERT_TRUE(cache);
    EXPECT_EQ(cache->numCorrupt(), 1u);
    ASSERT_EQ(errorOf(cache->store(keyFor(2), timing(2e-3))), "");
  }
  auto cache = mustOpen(path, CacheMode::Read);
  ASSERT_TRUE(cache);
  EXPECT_TRUE(cache->lookup(keyFor(1)));
  EXPECT_TRUE(cache->lookup(keyFor(2)));
  EXPECT_EQ(cache->numCorrupt(), 1u);
}

TEST(Cache, CompactionDropsDuplicatesAndCorruptLinesKeepsForeign) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  std::string id = identity().str();
  std::string foreignId = identity("qforge-0.8+kgen-000000").str();
  std::string foreignOld = lineFor(foreignId, keyFor(1), 9e-3, 9e-3, 9e-3);
  std::string foreignNew = lineFor(foreignId, keyFor(1), 8e-3, 8e-3, 8e-3);
  std::string foreignOther = lineFor(foreignId, keyFor(7), 7e-3, 7e-3, 7e-3);
  std::string oldLine = lineFor(id, keyFor(1), 1e-3, 1e-3, 1e-3);
  std::string newLine = lineFor(id, keyFor(1), 2e-3, 2e-3, 2e-3);
  std::string other = lineFor(id, keyFor(2), 3e-3, 3e-3, 3e-3);
  writeFile(path, oldLine + "\n" + foreignOld + "\n" + "garbage\n" + other +
                      "\n" + foreignOther + "\n" + newLine + "\n" +
                      lineFor(id, keyFor(3), 1e-3, 2e-3, 3e-3) + "\n" +
                      foreignNew + "\n");

  Warnings warnings;
  auto cache = mustOpen(path, CacheMode::ReadWrite, identity(), warnings.fn());
  ASSERT_TRUE(cache);
  warnings.messages.clear();
  ASSERT_EQ(errorOf(cache->compact()), "");
  EXPECT_EQ(readFile(path), other + "\n" + foreignOther + "\n" + newLine +
                                "\n" + foreignNew + "\n");
  ASSERT_EQ(warnings.messages.size(), 1u) << warnings.all();
  EXPECT_NE(warnings.messages[0].find("dropped 2 corrupt lines"),
            std::string::npos)
      << warnings.messages[0];

  // Nothing is left next to the file but the lock.
  std::error_code ec;
  std::vector<std::string> names;
  for (llvm::sys::fs::directory_iterator it(dir.str(), ec), end;
       !ec && it != end; it.increment(ec))
    names.push_back(llvm::sys::path::filename(it->path()).str());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"autoquant.jsonl",
                                             "autoquant.jsonl.lock"}));

  auto reopened = mustOpen(path, CacheMode::Read);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->numEntries(), 2u);
  EXPECT_EQ(reopened->numForeign(), 2u);
  EXPECT_EQ(reopened->numCorrupt(), 0u);
  std::optional<Measurement> got = reopened->lookup(keyFor(1));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->median, 2e-3);

  // Compacting a compact file changes nothing.
  ASSERT_EQ(errorOf(cache->compact()), "");
  EXPECT_EQ(linesOf(readFile(path)).size(), 4u);
}

TEST(Cache, ConcurrentWritersLoseNoLine) {
  TempDir dir;
  std::string path = dir.path("shared/autoquant.jsonl");
  // Two processes, each with its own Cache, as two compiles would be.
  pid_t a = spawn([&] { return storeKeys(path, 0, 200); });
  pid_t b = spawn([&] { return storeKeys(path, 200, 200); });
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  EXPECT_EQ(waitFor(a), 0);
  EXPECT_EQ(waitFor(b), 0);

  Warnings warnings;
  auto cache = mustOpen(path, CacheMode::Read, identity(), warnings.fn());
  ASSERT_TRUE(cache);
  EXPECT_EQ(cache->numCorrupt(), 0u) << warnings.all();
  EXPECT_EQ(cache->numEntries(), 400u);
  for (int i = 0; i < 400; ++i) {
    std::optional<Measurement> got = cache->lookup(keyFor(i));
    ASSERT_TRUE(got) << i;
    EXPECT_EQ(got->median, 1e-6 * (i + 1)) << i;
  }
  EXPECT_EQ(linesOf(readFile(path)).size(), 400u);
}

TEST(Cache, CompactionConcurrentWithAWriterLosesNoLine) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  // Superseded and corrupt lines give every compaction work to do.
  std::string id = identity().str();
  std::string seed;
  for (int i = 0; i < 50; ++i)
    seed += lineFor(id, keyFor(1000), 1e-3, 1e-3, 1e-3) + "\ngarbage\n";
  writeFile(path, seed);

  pid_t writer = spawn([&] { return storeKeys(path, 0, 200); });
  ASSERT_GT(writer, 0);
  auto cache = mustOpen(path, CacheMode::ReadWrite);
  ASSERT_TRUE(cache);
  // Compacts until the writer is done, then once more; correctness does
  // not depend on how the two interleave.
  int status = 0, compactions = 0;
  pid_t done = 0;
  do {
    ASSERT_EQ(errorOf(cache->compact()), "");
    ++compactions;
    done = ::waitpid(writer, &status, WNOHANG);
  } while (done == 0);
  ASSERT_EQ(done, writer);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_EQ(errorOf(cache->compact()), "");
  EXPECT_GE(compactions, 1);

  auto reopened = mustOpen(path, CacheMode::Read);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->numCorrupt(), 0u);
  EXPECT_EQ(reopened->numEntries(), 201u);
  for (int i = 0; i < 200; ++i)
    EXPECT_TRUE(reopened->lookup(keyFor(i))) << i;
  EXPECT_EQ(linesOf(readFile(path)).size(), 201u);
}

TEST(Cache, OnlyValidMeasurementsAreStored) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  auto cache = mustOpen(path, CacheMode::ReadWrite);
  ASSERT_TRUE(cache);
  Measurement model = timing(1e-3);
  model.source = Source::Model;
  model.kernel = "";
  Measurement table = timing(1e-3);
  table.source = Source::Table;
  Measurement unordered = timing(1e-3);
  unordered.p20 = 2e-3;
  Measurement infinite = timing(std::numeric_limits<double>::infinity());
  Measurement noRounds = timing(1e-3, /*rounds=*/0);
  EXPECT_EQ(errorOf(cache->store(keyFor(1), model)), "");
  EXPECT_EQ(errorOf(cache->store(keyFor(2), table)), "");
  EXPECT_EQ(errorOf(cache->store(keyFor(3), unordered)), "");
  EXPECT_EQ(errorOf(cache->store(keyFor(4), infinite)), "");
  EXPECT_EQ(errorOf(cache->store(keyFor(5), noRounds)), "");
  for (int i = 1; i <= 5; ++i)
    EXPECT_FALSE(cache->lookup(keyFor(i))) << i;
  EXPECT_EQ(cache->numEntries(), 0u);
  std::string text = llvm::sys::fs::exists(path) ? readFile(path) : "";
  EXPECT_EQ(text, "");
}

TEST(Cache, FileOverTheLimitIsNeitherReadNorAppended) {
  TempDir dir;
  std::string path = dir.path("autoquant.jsonl");
  writeFile(path, lineFor(identity().str(), keyFor(1), 1e-3, 1e-3, 1e-3) +
                      "\n");
  // Sparse: costs no disk.
  {
    int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, Cache::kMaxFileBytes + 1), 0);
    ::close(fd);
  }
  for (CacheMode mode : {CacheMode::ReadWrite, CacheMode::Refresh}) {
    Warnings warnings;
    auto cache = mustOpen(path, mode, identity(), warnings.fn());
    ASSERT_TRUE(cache);
    EXPECT_EQ(cache->numEntries(), 0u);
    EXPECT_FALSE(cache->lookup(keyFor(1)));
    EXPECT_EQ(errorOf(cache->store(keyFor(2), timing(1e-3))), "");
    EXPECT_EQ(errorOf(cache->store(keyFor(3), timing(1e-3))), "");
    EXPECT_EQ(errorOf(cache->compact()), "");
    uint64_t size = 0;
    ASSERT_FALSE(llvm::sys::fs::file_size(path, size));
    EXPECT_EQ(size, Cache::kMaxFileBytes + 1);
    // Said once, naming the file.
    ASSERT_EQ(warnings.messages.size(), 1u) << warnings.all();
    EXPECT_NE(warnings.messages[0].find(path), std::string::npos);
  }
}

TEST(Cache, UnreadableFileIsAnError) {
  TempDir dir;
  // A directory where the file should be (permissions do not stop root).
  std::string path = dir.path("autoquant.jsonl");
  ASSERT_FALSE(llvm::sys::fs::create_directory(path));
  for (CacheMode mode : {CacheMode::Read, CacheMode::ReadWrite}) {
    auto cache = Cache::open(path, mode, identity());
    ASSERT_FALSE(bool(cache));
    std::string error = llvm::toString(cache.takeError());
    EXPECT_NE(error.find("'" + path + "'"), std::string::npos) << error;
    EXPECT_NE(error.find("not a regular file"), std::string::npos) << error;
  }
}

TEST(Cache, DirectoryThatCannotBeCreatedIsAnError) {
  TempDir dir;
  std::string file = dir.path("file");
  writeFile(file, "not a directory\n");
  std::string below = file + "/sub";
  for (CacheMode mode : {CacheMode::ReadWrite, CacheMode::Refresh}) {
    auto cache = Cache::open(below + "/autoquant.jsonl", mode, identity());
    ASSERT_FALSE(bool(cache));
    std::string error = llvm::toString(cache.takeError());
    EXPECT_NE(error.find("cannot create autoquant cache directory '" + below +
                         "'"),
              std::string::npos)
        << error;
  }
  // The parent exists, as a file.
  auto cache = Cache::open(file + "/autoquant.jsonl", CacheMode::ReadWrite,
                           identity());
  ASSERT_FALSE(bool(cache));
  std::string error = llvm::toString(cache.takeError());
  EXPECT_NE(error.find("'" + file + "'"), std::string::npos) << error;
  // Reading only needs no directory: a missing cache is empty.
  auto reader = mustOpen(below + "/autoquant.jsonl", CacheMode::Read);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->numEntries(), 0u);
}

/// Sets or unsets an environment variable, restoring it afterwards.
class ScopedEnv {
public:
  explicit ScopedEnv(const char *name) : name(name) {
    if (const char *value = std::getenv(name))
      saved = value;
  }
  ~ScopedEnv() {
    if (saved)
      ::setenv(name, saved->c_str(), 1);
    else
      ::unsetenv(name);
  }
  void set(const char *value) { ::setenv(name, value, 1); }
  void unset() { ::unsetenv(name); }

private:
  const char *name;
  std::optional<std::string> saved;
};

TEST(Cache, DefaultPathHonoursXdgCacheHomeThenHome) {
  ScopedEnv xdg("XDG_CACHE_HOME"), home("HOME");
  xdg.set("/xdg/cache");
  home.set("/home/someone");
  EXPECT_EQ(defaultCachePath(), "/xdg/cache/qforge/autoquant.jsonl");
  xdg.set("");
  EXPECT_EQ(defaultCachePath(), "/home/someone/.cache/qforge/autoquant.jsonl");
  xdg.unset();
  EXPECT_EQ(defaultCachePath(), "/home/someone/.cache/qforge/autoquant.jsonl");
  home.unset();
  EXPECT_EQ(defaultCachePath(), "");
}

TEST(Cache, ModeNamesAndIdentity) {
  for (CacheMode mode : {CacheMode::Off, CacheMode::Read, CacheMode::ReadWrite,
                         CacheMode::Refresh})
    EXPECT_EQ(parseCacheMode(cacheModeName(mode)), mode);
  EXPECT_EQ(cacheModeName(CacheMode::ReadWrite), "readwrite");
  EXPECT_FALSE(parseCacheMode("on"));
  EXPECT_FALSE(parseCacheMode("READ"));
  EXPECT_FALSE(parseCacheMode(""));
  EXPECT_EQ(identity().str(), "qforge-0.9+kgen-1a2b3c|22.1.8|znver3|+avx2,+fma,"
                              "+f16c");
}

} // namespace

TEST(Cache, GuardResultsRoundTripAndHostileLinesAreSkipped) {
  TempDir dir;
  std::string path = dir.path("cache.jsonl");
  std::string key = std::string(kGuardKeyPrefix) + "64x64r16|w4g128";
  {
    auto cache = Cache::open(path, CacheMode::ReadWrite, identity());
    ASSERT_TRUE(bool(cache)) << llvm::toString(cache.takeError());
    ASSERT_FALSE(bool((*cache)->storeGuard(key, 18.25)));
    // Not guard keys, non-finite values: not stored.
    ASSERT_FALSE(bool((*cache)->storeGuard(keyFor(1), 18.25)));
    ASSERT_FALSE(bool((*cache)->storeGuard(key + "x", INFINITY)));
    // A timing cannot be stored under a guard key.
    ASSERT_FALSE(bool((*cache)->store(key + "y", timing(1e-3))));
    EXPECT_EQ((*cache)->lookupGuard(key), 18.25);
  }
  // Hand-written hostile lines: an SQNR for a timing key, a non-number, a
  // guard key with times.
  std::string id = identity().str();
  {
    std::ofstream out(path, std::ios::app);
    out << "{\"v\":1,\"identity\":\"" << id << "\",\"key\":\"" << keyFor(2)
        << "\",\"sqnr_db\":20}\n";
    out << "{\"v\":1,\"identity\":\"" << id << "\",\"key\":\"" << key
        << "z\",\"sqnr_db\":\"high\"}\n";
    out << lineFor(id, key + "t", 1e-3, 9e-4, 1.2e-3) << "\n";
  }
  std::vector<std::string> warnings;
  auto cache = Cache::open(path, CacheMode::Read, identity(),
                           [&](llvm::StringRef w) { warnings.push_back(w.str()); });
  ASSERT_TRUE(bool(cache));
  EXPECT_EQ((*cache)->lookupGuard(key), 18.25);
  EXPECT_FALSE((*cache)->lookupGuard(key + "x"));
  EXPECT_FALSE((*cache)->lookupGuard(key + "z"));
  EXPECT_FALSE((*cache)->lookup(key + "y"));
  EXPECT_FALSE((*cache)->lookup(key + "t"));
  EXPECT_EQ((*cache)->numCorrupt(), 3u);
  EXPECT_EQ(warnings.size(), 3u);
  // Another identity does not see it.
  auto other = Cache::open(path, CacheMode::Read, identity("qforge-other"));
  ASSERT_TRUE(bool(other));
  EXPECT_FALSE((*other)->lookupGuard(key));
  // Compaction keeps the guard line.
  auto writer = Cache::open(path, CacheMode::ReadWrite, identity());
  ASSERT_TRUE(bool(writer));
  ASSERT_FALSE(bool((*writer)->compact()));
  auto reread = Cache::open(path, CacheMode::Read, identity());
  ASSERT_TRUE(bool(reread));
  EXPECT_EQ((*reread)->lookupGuard(key), 18.25);
  EXPECT_EQ((*reread)->numCorrupt(), 0u);
}
