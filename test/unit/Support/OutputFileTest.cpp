// qforge::writeOutputFile publishes a file by rename only when everything
// was written, and removeStaleOutputTemps removes the temporaries of writers
// that are gone (issue 16 #10). The full-disk cases, which need a file size
// limit on the process, are the lit tests test/Runtime/qforge-run-full-disk
// and test/Calibration/calibrate-full-disk.
#include "qforge/Support/OutputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

/// A fresh directory, removed with its contents at the end of the test.
class TempDir {
public:
  TempDir() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("qforge-output", dir));
  }
  ~TempDir() { llvm::sys::fs::remove_directories(dir); }
  std::string path(llvm::StringRef name) const {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  /// The names in the directory, sorted.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      out.push_back(llvm::sys::path::filename(it->path()).str());
    std::sort(out.begin(), out.end());
    return out;
  }

private:
  llvm::SmallString<128> dir;
};

std::string contents(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : "<missing>";
}

llvm::Error writeText(const std::string &path, llvm::StringRef text) {
  return qforge::writeOutputFile(path, [&](llvm::raw_ostream &os) {
    os << text;
    return llvm::Error::success();
  });
}

void touch(const std::string &path) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  ASSERT_FALSE(ec) << path;
}

TEST(OutputFile, ReplacesThePreviousFileOnSuccess) {
  TempDir dir;
  std::string out = dir.path("a.bin");
  ASSERT_FALSE(bool(writeText(out, "old")));
  ASSERT_FALSE(bool(writeText(out, "new")));
  EXPECT_EQ(contents(out), "new");
  EXPECT_EQ(dir.names(), std::vector<std::string>{"a.bin"});
}

TEST(OutputFile, AWriterErrorLeavesThePreviousFileAndNoTemporary) {
  TempDir dir;
  std::string out = dir.path("a.bin");
  ASSERT_FALSE(bool(writeText(out, "old")));
  llvm::Error err = qforge::writeOutputFile(out, [](llvm::raw_ostream &os) {
    os << "partial";
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the writer failed");
  });
  EXPECT_EQ(llvm::toString(std::move(err)), "the writer failed");
  EXPECT_EQ(contents(out), "old");
  EXPECT_EQ(dir.names(), std::vector<std::string>{"a.bin"});
}

TEST(OutputFile, AMissingFolderIsTheOSReason) {
  TempDir dir;
  llvm::Error err = writeText(dir.path("no/such/a.bin"), "x");
  std::error_code ec = llvm::errorToErrorCode(std::move(err));
  EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
}

TEST(OutputFile, ADeviceIsWrittenInPlace) {
  // Through symlinks, so that a regression run as root cannot replace the
  // real devices. /dev/full: ENOSPC, reported rather than fatal.
  if (!llvm::sys::fs::exists("/dev/full"))
    GTEST_SKIP() << "no /dev/full";
  TempDir dir;
  std::string full = dir.path("full"), null = dir.path("null");
  ASSERT_FALSE(llvm::sys::fs::create_link("/dev/full", full));
  ASSERT_FALSE(llvm::sys::fs::create_link("/dev/null", null));
  llvm::Error err = writeText(full, std::string(1 << 16, 'x'));
  std::error_code ec = llvm::errorToErrorCode(std::move(err));
  EXPECT_EQ(ec, std::errc::no_space_on_device);
  EXPECT_FALSE(bool(writeText(null, "x")));
  EXPECT_TRUE(llvm::sys::fs::is_symlink_file(full));
  EXPECT_TRUE(llvm::sys::fs::is_symlink_file(null));
  EXPECT_EQ(dir.names(), (std::vector<std::string>{"full", "null"}));
}

TEST(OutputFile, StaleTemporariesOfGoneProcessesAreRemoved) {
  TempDir dir;
  // pid 999999999 is above any pid_max; pid 1 always exists.
  for (const char *name :
       {".a.bin.qforge-tmp-999999999-abc123", ".a.bin.qforge-tmp-1-def456",
        ".a.bin.qforge-tmp-x-ghi789", "a.bin.qforge-tmp-999999999-jkl012",
        ".a.bin.qforge-tmp-999999999-", "other"})
    touch(dir.path(name));
  ASSERT_FALSE(llvm::sys::fs::create_directory(
      dir.path(".d.qforge-tmp-999999999-mno345")));
  qforge::removeStaleOutputTemps({dir.path("a.bin")});
  EXPECT_EQ(dir.names(),
            (std::vector<std::string>{".a.bin.qforge-tmp-1-def456",
                                      ".a.bin.qforge-tmp-999999999-",
                                      ".a.bin.qforge-tmp-x-ghi789",
                                      ".d.qforge-tmp-999999999-mno345",
                                      "a.bin.qforge-tmp-999999999-jkl012",
                                      "other"}));
}

TEST(OutputFile, NoFolderToCleanIsNotAnError) {
  TempDir dir;
  qforge::removeStaleOutputTemps({dir.path("no/such/a.bin"), "", "-"});
}

} // namespace
