// The project's SHA-256 (include/qforge/Support/Sha256.h) and the runtime's
// manifest check (lib/Runtime/Manifest.h, issue 16 #10): FIPS 180-2's test
// vectors, fed in uneven pieces, and a manifest that is missing, matching, or wrong in each way qforge_load
// refuses. Built twice: with the x86 SHA extensions where the CPU has them
// (QForgeManifestTests) and with the portable code only
// (QForgeManifestScalarTests). The lit tests test/Compiler/artifact-manifest
// and publish-rollback check the compiler's manifests end to end.
#include "Manifest.h"
#include "qforge/Support/Sha256.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace {

using qforge::runtime::checkManifest;
using qforge::Sha256;

std::string sha256(const std::string &data, size_t piece = 0) {
  Sha256 hash;
  if (!piece) {
    hash.update(data.data(), data.size());
  } else {
    // Pieces of 1, piece, 2 * piece, ... bytes: across block boundaries.
    size_t at = 0;
    for (size_t n = 1; at < data.size(); n = n == 1 ? piece : 2 * n) {
      size_t take = std::min(n, data.size() - at);
      hash.update(data.data() + at, take);
      at += take;
    }
  }
  return hash.hexDigest();
}

TEST(Sha256, FipsVectors) {
  EXPECT_EQ(sha256(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string twoBlocks =
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (size_t piece : {0, 3, 64})
    EXPECT_EQ(
        sha256(twoBlocks, piece),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string million(1000000, 'a');
  for (size_t piece : {0, 7, 64, 1000})
    EXPECT_EQ(
        sha256(million, piece),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, EveryPaddingLength) {
  // 55 bytes in the last block take one padding block, 56 to 63 two;
  // expected digests from Python's hashlib.
  const std::pair<size_t, const char *> expected[] = {
      {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
      {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
      {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
      {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
      {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
      {120,
       "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"}};
  for (const auto &[size, digest] : expected) {
    EXPECT_EQ(sha256(std::string(size, 'x')), digest) << size;
    EXPECT_EQ(sha256(std::string(size, 'x'), 5), digest) << size;
  }
  // Whole and piecewise agree at every length around the block size.
  std::string data;
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(sha256(data), sha256(data, 3)) << data.size();
    data += char('a' + i % 26);
  }
}

/// A fresh directory with lib.so (any bytes: the manifest check does not
/// look inside) and helpers to write lib.manifest.
class ManifestTest : public ::testing::Test {
protected:
  void SetUp() override {
    const char *tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp ? tmp : "/tmp") + "/qforge-manifest-XXXXXX";
    ASSERT_TRUE(mkdtemp(pattern.data()));
    dir = pattern;
    library = dir + "/lib.so";
    write(library, contents);
  }
  void TearDown() override {
    ::unlink(library.c_str());
    ::unlink((dir + "/lib.manifest").c_str());
    ::rmdir((dir + "/lib.manifest").c_str());
    ::rmdir(dir.c_str());
  }
  static void write(const std::string &path, const std::string &text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  void manifest(const std::string &text) { write(dir + "/lib.manifest", text); }
  std::string entry() const {
    return "file lib.so " + std::to_string(contents.size()) + " " +
           sha256(contents) + "\n";
  }

  std::string dir, library;
  const std::string contents = std::string(1000, 'q') + "tail";
};

TEST_F(ManifestTest, NoManifestLoadsAsBefore) {
  EXPECT_EQ(checkManifest(library), "");
  // Only PATH.so has a manifest, PATH.manifest.
  manifest("garbage");
  EXPECT_EQ(checkManifest(dir + "/lib.so.1"), "");
}

TEST_F(ManifestTest, MatchingEntryLoads) {
  manifest("qforge-manifest 1\nname lib\nfile lib.h 3 " + sha256("abc") + "\n" +
           entry());
  EXPECT_EQ(checkManifest(library), "");
  // Records of other kinds and fields after the hash are skipped.
  manifest("qforge-manifest 1\nsigned-by someone\n\n" +
           entry().substr(0, entry().size() - 1) + " more\n");
  EXPECT_EQ(checkManifest(library), "");
}

TEST_F(ManifestTest, RefusesWhatDoesNotMatch) {
  manifest("qforge-manifest 1\nfile lib.so 1003 " + sha256(contents) + "\n");
  EXPECT_NE(checkManifest(library).find("it has 1004 bytes, its manifest '" +
                                        dir + "/lib.manifest' says 1003"),
            std::string::npos)
      << checkManifest(library);
  manifest("qforge-manifest 1\nfile lib.so 1004 " + sha256("other") + "\n");
  EXPECT_NE(checkManifest(library).find("its SHA-256 is not the one"),
            std::string::npos);
  manifest("qforge-manifest 1\nfile other.so 1004 " + sha256(contents) + "\n");
  EXPECT_NE(checkManifest(library).find("does not list 'lib.so'"),
            std::string::npos);
}

TEST_F(ManifestTest, RefusesWhatIsNotAManifest) {
  auto refused = [&](const std::string &text, const std::string &why) {
    manifest(text);
    std::string got = checkManifest(library);
    EXPECT_NE(got.find(why), std::string::npos) << text << " -> " << got;
  };
  refused("", "is empty");
  refused("{\"files\": []}\n", "is not a QForge manifest");
  refused("qforge-manifest 2\n" + entry(), "has format version 2");
  refused("qforge-manifest 1\nfile lib.so\n", "is malformed (line 2)");
  refused("qforge-manifest 1\nfile lib.so -4 " + sha256("") + "\n",
          "is malformed (line 2)");
  refused("qforge-manifest 1\nfile lib.so 99999999999999999999 " + sha256("") +
              "\n",
          "is malformed (line 2)");
  refused("qforge-manifest 1\nfile lib.so 1004 ABC\n", "is malformed");
  std::string upper = sha256(contents);
  for (char &c : upper)
    c = char(toupper(c));
  refused("qforge-manifest 1\nfile lib.so 1004 " + upper + "\n",
          "is malformed");
  // A directory where the manifest would be.
  ::unlink((dir + "/lib.manifest").c_str());
  ASSERT_EQ(::mkdir((dir + "/lib.manifest").c_str(), 0755), 0);
  EXPECT_NE(checkManifest(library).find("is not a QForge manifest"),
            std::string::npos);
}

} // namespace
