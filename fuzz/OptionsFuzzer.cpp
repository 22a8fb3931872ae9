//===- OptionsFuzzer.cpp - Fuzzes the option grammars and the timing cache ===//
//
// Schemes, targets, autoquant candidates and workload profiles arrive on
// command lines, in pass pipelines, scheme files, Python calls and cache
// files; autoquant's timing cache is a file anyone with the home directory
// can write. Every accepted scheme, target and candidate must print to a
// text that parses back to itself (the canonical form the cache keys and
// plan files are built from).
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"
#include "qforge/Autoquant/Cache.h"
#include "qforge/Autoquant/Candidate.h"
#include "qforge/Autoquant/Profile.h"
#include "qforge/Quant/Scheme.h"
#include "qforge/Support/Target.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace qforge;

namespace {

void checkScheme(const std::string &text) {
  std::optional<quant::Scheme> scheme = quant::Scheme::parse(text);
  if (!scheme)
    return;
  std::optional<quant::Scheme> again = quant::Scheme::parse(scheme->str());
  FUZZ_CHECK(again && *again == *scheme);
}

void checkTarget(const std::string &text) {
  std::optional<Target> target = Target::parse(text);
  if (!target)
    return;
  std::optional<Target> again = Target::parse(target->str());
  FUZZ_CHECK(again && *again == *target);
}

void checkCandidates(const std::string &text) {
  llvm::Expected<autoquant::Candidate> candidate =
      autoquant::Candidate::parse(text);
  if (candidate) {
    llvm::Expected<autoquant::Candidate> again =
        autoquant::Candidate::parse(candidate->str());
    FUZZ_CHECK(bool(again) && *again == *candidate);
  } else {
    llvm::consumeError(candidate.takeError());
  }
  auto withInt8Kernel = [](const quant::Scheme &scheme) {
    return scheme.weightBits() == 4 || scheme.weightBits() == 8;
  };
  llvm::Expected<std::vector<autoquant::Candidate>> list =
      autoquant::parseCandidates(text, withInt8Kernel);
  if (!list)
    llvm::consumeError(list.takeError());
  else
    FUZZ_CHECK(!list->empty());
}

void checkProfile(const std::string &text) {
  llvm::Expected<std::vector<autoquant::MBucket>> profile =
      autoquant::parseProfile(text);
  if (!profile) {
    llvm::consumeError(profile.takeError());
    return;
  }
  double sum = 0;
  for (const autoquant::MBucket &bucket : *profile) {
    FUZZ_CHECK(bucket.m >= 1 && bucket.weight > 0);
    sum += bucket.weight;
  }
  FUZZ_CHECK(!profile->empty() && sum > 0.999 && sum < 1.001);
}

/// The whole input as a cache file, read with the identity the seed corpus
/// uses, then one lookup of a key the seeds hold.
void checkCache(llvm::StringRef bytes) {
  static std::string path = [] {
    llvm::SmallString<128> dir;
    if (llvm::sys::fs::createUniqueDirectory("qforge-fuzz-cache", dir))
      std::abort();
    return (dir + "/autoquant.jsonl").str();
  }();
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    FUZZ_CHECK(!ec);
    out << bytes;
  }
  autoquant::CacheIdentity identity{"qforge-0.1.0 fuzz", "22.1", "znver3",
                                    "+avx2,+fma"};
  llvm::Expected<std::unique_ptr<autoquant::Cache>> cache =
      autoquant::Cache::open(path, autoquant::CacheMode::Read, identity,
                             [](llvm::StringRef) {});
  if (!cache) {
    llvm::consumeError(cache.takeError());
    return;
  }
  if (std::optional<autoquant::Measurement> time =
          (*cache)->lookup("m1|n64|k64|w8|t1"))
    FUZZ_CHECK(time->cacheHit);
  if (std::optional<double> sqnr = (*cache)->lookupGuard("guard|0|w8"))
    FUZZ_CHECK(*sqnr == *sqnr);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Option texts are short: the first line goes to every grammar, the whole
  // input to the cache reader.
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  std::string line = bytes.split('\n').first.str();
  checkScheme(line);
  checkTarget(line);
  checkCandidates(line);
  checkProfile(line);
  checkCache(bytes);
  return 0;
}
