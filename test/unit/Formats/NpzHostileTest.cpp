// Hostile .npz archives: every offset and size a zip (zip64 included)
// declares is checked against the file before it is used, so that a crafted
// archive gives an error instead of a read outside the file, a wrapped
// offset, or an allocation the file's bytes cannot fill (issue 16 #3).
#include "qforge/Formats/Npy.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <zlib.h>

#include <string>

namespace {

using namespace qforge::formats;

void put16(std::string &s, uint16_t v) {
  char b[2];
  llvm::support::endian::write16le(b, v);
  s.append(b, 2);
}
void put32(std::string &s, uint32_t v) {
  char b[4];
  llvm::support::endian::write32le(b, v);
  s.append(b, 4);
}
void put64(std::string &s, uint64_t v) {
  char b[8];
  llvm::support::endian::write64le(b, v);
  s.append(b, 8);
}

/// One member of a crafted archive: what the headers declare, which need not
/// match the data.
struct Member {
  std::string name = "arg0.npy";
  std::string data;          ///< the bytes stored after the local header
  uint16_t method = 0;       ///< 0 stored, 8 deflate
  uint32_t crc = 0;
  uint64_t size = 0;         ///< declared uncompressed size
  uint64_t compressedSize = 0;
  /// Declared local header offset; nullopt: where the header really is.
  std::optional<uint64_t> localOffset;
  bool zip64Extra = false;   ///< sizes and offset in a zip64 extra field
};

/// A zip of `m`; `zip64Locator` adds a zip64 end-of-central-directory
/// locator pointing at `zip64Record` (its real offset when nullopt).
std::string makeZip(const Member &m, bool zip64Locator = false,
                    std::optional<uint64_t> zip64Record = std::nullopt) {
  std::string zip;
  uint32_t small = m.zip64Extra ? 0xFFFFFFFFu : uint32_t(m.compressedSize);
  uint32_t smallSize = m.zip64Extra ? 0xFFFFFFFFu : uint32_t(m.size);
  put32(zip, 0x04034b50);
  put16(zip, 20), put16(zip, 0), put16(zip, m.method), put16(zip, 0),
      put16(zip, 0);
  put32(zip, m.crc), put32(zip, small), put32(zip, smallSize);
  put16(zip, uint16_t(m.name.size())), put16(zip, 0);
  zip += m.name;
  zip += m.data;

  uint64_t cdOffset = zip.size();
  uint64_t localOffset = m.localOffset.value_or(0);
  std::string extra;
  if (m.zip64Extra) {
    put16(extra, 0x0001), put16(extra, 24);
    put64(extra, m.size), put64(extra, m.compressedSize), put64(extra, localOffset);
  }
  put32(zip, 0x02014b50);
  put16(zip, 45), put16(zip, 45), put16(zip, 0), put16(zip, m.method),
      put16(zip, 0), put16(zip, 0);
  put32(zip, m.crc), put32(zip, small), put32(zip, smallSize);
  put16(zip, uint16_t(m.name.size())), put16(zip, uint16_t(extra.size())),
      put16(zip, 0), put16(zip, 0), put16(zip, 0);
  put32(zip, 0);
  put32(zip, m.zip64Extra ? 0xFFFFFFFFu : uint32_t(localOffset));
  zip += m.name;
  zip += extra;
  uint64_t cdSize = zip.size() - cdOffset;

  if (zip64Locator) {
    uint64_t record = zip.size();
    put32(zip, 0x06064b50);
    put64(zip, 44), put16(zip, 45), put16(zip, 45), put32(zip, 0), put32(zip, 0);
    put64(zip, 1), put64(zip, 1), put64(zip, cdSize), put64(zip, cdOffset);
    put32(zip, 0x07064b50), put32(zip, 0);
    put64(zip, zip64Record.value_or(record));
    put32(zip, 1);
  }
  put32(zip, 0x06054b50);
  put16(zip, 0), put16(zip, 0), put16(zip, 1), put16(zip, 1);
  put32(zip, uint32_t(cdSize)), put32(zip, uint32_t(cdOffset)), put16(zip, 0);
  return zip;
}

/// Writes `bytes` to a temporary .npz and returns readNpyOrNpz's error ("" if
/// it read the file).
std::string readError(const std::string &bytes) {
  llvm::SmallString<128> path;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("hostile", "npz", path));
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << bytes;
  }
  auto arrays = readNpyOrNpz(path.str());
  llvm::sys::fs::remove(path);
  if (arrays)
    return "";
  return llvm::toString(arrays.takeError());
}

std::string npyBytes() {
  NpyArray a;
  a.shape = {2};
  a.data.assign(8, 0);
  return serializeNpy(a);
}

Member storedMember() {
  Member m;
  m.data = npyBytes();
  m.size = m.compressedSize = m.data.size();
  m.crc = uint32_t(crc32(0L, reinterpret_cast<const Bytef *>(m.data.data()),
                         uInt(m.data.size())));
  return m;
}

TEST(NpzHostile, WellFormedCraftedArchivesRead) {
  // The builder itself makes readable archives, plain and zip64.
  EXPECT_EQ(readError(makeZip(storedMember())), "");
  Member m = storedMember();
  m.zip64Extra = true;
  EXPECT_EQ(readError(makeZip(m, /*zip64Locator=*/true)), "");
}

TEST(NpzHostile, Zip64RecordOffsetThatWrapsIsRefused) {
  // z64 + 56 wraps around to a small number: must not be read.
  std::string error = readError(
      makeZip(storedMember(), true, /*zip64Record=*/~uint64_t(0) - 15));
  EXPECT_NE(error.find("bad zip64 end-of-central-directory record"),
            std::string::npos)
      << error;
}

TEST(NpzHostile, Zip64LocalOffsetOutsideTheFileIsRefused) {
  for (uint64_t offset : {~uint64_t(0) - 9, uint64_t(1) << 40}) {
    Member m = storedMember();
    m.zip64Extra = true;
    m.localOffset = offset;
    std::string error = readError(makeZip(m, true));
    EXPECT_NE(error.find("bad local header"), std::string::npos) << error;
  }
}

TEST(NpzHostile, Zip64SizesThatWrapOrExceedTheFileAreRefused) {
  Member m = storedMember();
  m.zip64Extra = true;
  m.compressedSize = ~uint64_t(0) - 20; // start + size wraps
  m.size = m.compressedSize;
  std::string error = readError(makeZip(m, true));
  EXPECT_NE(error.find("past the end of the file"), std::string::npos) << error;
}

TEST(NpzHostile, DeflateSizeBeyondWhatItsBytesCanHoldIsRefused) {
  // A few bytes of deflate data declaring 4.2 GB (or 2^62 bytes) must not
  // allocate that: deflate expands at most ~1032:1.
  std::string raw = npyBytes();
  std::string packed(compressBound(raw.size()) + 16, '\0');
  z_stream zs{};
  ASSERT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  zs.next_in = reinterpret_cast<Bytef *>(raw.data());
  zs.avail_in = uInt(raw.size());
  zs.next_out = reinterpret_cast<Bytef *>(packed.data());
  zs.avail_out = uInt(packed.size());
  ASSERT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  packed.resize(zs.total_out);
  deflateEnd(&zs);
  for (uint64_t declared : {uint64_t(4200000000u), uint64_t(1) << 62}) {
    Member m;
    m.method = 8;
    m.data = packed;
    m.compressedSize = packed.size();
    m.size = declared;
    m.zip64Extra = true;
    std::string error = readError(makeZip(m, true));
    EXPECT_NE(error.find("uncompressed size"), std::string::npos) << error;
  }
}

} // namespace
