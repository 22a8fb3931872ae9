//===- Npy.cpp - numpy .npy / .npz reading --------------------------------===//

#include "qforge/Formats/Npy.h"
#include "qforge/Formats/FormatError.h"
#include "qforge/Support/InputFile.h"
#include "qforge/Support/OutputFile.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <zlib.h>

#include <cstring>
#include <limits>

namespace qforge::formats {

namespace {

using llvm::support::endian::read16le;
using llvm::support::endian::read32le;
using llvm::support::endian::read64le;

/// The value text after `'key':` in a numpy header dict.
std::optional<llvm::StringRef> dictValue(llvm::StringRef header,
                                         llvm::StringRef key) {
  std::string quoted = "'" + key.str() + "'";
  size_t at = header.find(quoted);
  if (at == llvm::StringRef::npos) {
    quoted = "\"" + key.str() + "\"";
    at = header.find(quoted);
    if (at == llvm::StringRef::npos)
      return std::nullopt;
  }
  llvm::StringRef rest = header.substr(at + quoted.size()).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  return rest.ltrim();
}

std::string shapeTuple(const std::vector<int64_t> &shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

} // namespace

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string NpyArray::dtypeName() const {
  switch (kind) {
  case 'b':
    return "bool";
  case 'f':
    return "float" + std::to_string(itemSize * 8);
  case 'i':
    return "int" + std::to_string(itemSize * 8);
  case 'u':
    return "uint" + std::to_string(itemSize * 8);
  }
  return std::string(1, kind) + std::to_string(itemSize);
}

llvm::Expected<NpyArray> parseNpy(llvm::StringRef buffer, llvm::StringRef what) {
  if (buffer.size() < 10 || !buffer.starts_with("\x93NUMPY"))
    return formatError(what, "not a .npy array (bad magic)");
  unsigned major = uint8_t(buffer[6]);
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = read16le(buffer.data() + 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (buffer.size() < 12)
      return formatError(what, "truncated .npy header");
    headerLength = read32le(buffer.data() + 8);
    headerStart = 12;
  } else {
    return formatError(what, llvm::formatv("unsupported .npy version {0}", major));
  }
  if (headerStart + headerLength > buffer.size())
    return formatError(what, "truncated .npy header");
  llvm::StringRef header = buffer.substr(headerStart, headerLength);

  NpyArray array;
  std::optional<llvm::StringRef> descr = dictValue(header, "descr");
  if (!descr || descr->size() < 2 || ((*descr)[0] != '\'' && (*descr)[0] != '"'))
    return formatError(what, "malformed .npy header (no dtype descr): " + header.trim());
  char quote = (*descr)[0];
  llvm::StringRef d = descr->drop_front();
  d = d.take_until([&](char c) { return c == quote; });
  if (d.size() < 3)
    return formatError(what, "unsupported dtype '" + d + "'");
  char order = d[0];
  array.kind = d[1];
  if (llvm::StringRef("fiub").find(array.kind) == llvm::StringRef::npos ||
      d.drop_front(2).getAsInteger(10, array.itemSize))
    return formatError(what, "unsupported dtype '" + d +
                          "' (bool, int, uint and float arrays are supported)");
  bool okSize = array.kind == 'f'   ? (array.itemSize == 2 || array.itemSize == 4 ||
                                       array.itemSize == 8)
                : array.kind == 'b' ? array.itemSize == 1
                                    : (array.itemSize == 1 || array.itemSize == 2 ||
                                       array.itemSize == 4 || array.itemSize == 8);
  if (!okSize)
    return formatError(what, "unsupported dtype '" + d + "'");
  if (order == '>' && array.itemSize > 1)
    return formatError(what, "big-endian dtype '" + d + "' is not supported");

  std::optional<llvm::StringRef> fortran = dictValue(header, "fortran_order");
  if (!fortran)
    return formatError(what, "malformed .npy header (no fortran_order)");
  bool isFortran = fortran->starts_with("True");

  std::optional<llvm::StringRef> shapeText = dictValue(header, "shape");
  if (!shapeText || !shapeText->starts_with("("))
    return formatError(what, "malformed .npy header (no shape)");
  llvm::StringRef dims = shapeText->drop_front().take_until(
      [](char c) { return c == ')'; });
  llvm::SmallVector<llvm::StringRef> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0)
      return formatError(what, "malformed .npy shape '(" + dims + ")'");
    array.shape.push_back(dim);
  }
  int nonUnit = 0;
  for (int64_t dim : array.shape)
    nonUnit += dim > 1;
  if (isFortran && nonUnit > 1)
    return formatError(what, "Fortran-order arrays are not supported; save "
                      "np.ascontiguousarray(x)");

  llvm::StringRef data = buffer.substr(headerStart + headerLength);
  // Checked arithmetic (issue 16 #3): a crafted shape whose element count
  // overflows must not wrap to a small size that "fits" the file.
  uint64_t bytes = array.itemSize;
  bool empty = llvm::is_contained(array.shape, 0);
  for (int64_t dim : array.shape)
    if (!empty && __builtin_mul_overflow(bytes, uint64_t(dim), &bytes))
      return formatError(what, "the .npy shape " + shapeTuple(array.shape) +
                            " has more elements than any file can hold");
  if (empty)
    bytes = 0;
  if (data.size() < bytes)
    return formatError(what, llvm::formatv("truncated .npy data: {0} {1} needs {2} "
                                    "bytes, {3} present",
                                    array.dtypeName(), shapeTuple(array.shape),
                                    bytes, data.size()));
  array.data.assign(data.data(), data.data() + bytes);
  return array;
}

namespace {

struct ZipEntry {
  std::string name;
  uint16_t method = 0, flags = 0;
  uint32_t crc = 0;
  uint64_t compressedSize = 0, size = 0, localOffset = 0;
};

llvm::Expected<std::vector<ZipEntry>> readCentralDirectory(llvm::StringRef zip,
                                                           llvm::StringRef what) {
  auto corrupt = [&](const llvm::Twine &m) {
    return formatError(what, "corrupt .npz (zip) file: " + m);
  };
  if (zip.size() < 22)
    return corrupt("too short for a zip archive");
  // End of central directory: the last signature within 64 KiB + 22 bytes.
  size_t eocd = llvm::StringRef::npos;
  size_t lowest = zip.size() > 65557 ? zip.size() - 65557 : 0;
  for (size_t i = zip.size() - 22 + 1; i-- > lowest;)
    if (read32le(zip.data() + i) == 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd == llvm::StringRef::npos)
    return corrupt("no end-of-central-directory record (truncated?)");
  uint64_t entries = read16le(zip.data() + eocd + 10);
  uint64_t cdSize = read32le(zip.data() + eocd + 12);
  uint64_t cdOffset = read32le(zip.data() + eocd + 16);
  if (eocd >= 20 && read32le(zip.data() + eocd - 20) == 0x07064b50) {
    uint64_t z64 = read64le(zip.data() + eocd - 20 + 8);
    // Written as a subtraction: z64 comes from the file and z64 + 56 could
    // wrap around to a small number.
    if (z64 > zip.size() || zip.size() - z64 < 56 ||
        read32le(zip.data() + z64) != 0x06064b50)
      return corrupt("bad zip64 end-of-central-directory record");
    entries = read64le(zip.data() + z64 + 32);
    cdSize = read64le(zip.data() + z64 + 40);
    cdOffset = read64le(zip.data() + z64 + 48);
  }
  if (cdOffset > zip.size() || cdSize > zip.size() - cdOffset)
    return corrupt("central directory outside the file (truncated?)");

  std::vector<ZipEntry> out;
  uint64_t at = cdOffset;
  for (uint64_t e = 0; e < entries; ++e) {
    if (zip.size() - at < 46 || read32le(zip.data() + at) != 0x02014b50)
      return corrupt("bad central directory entry");
    const char *h = zip.data() + at;
    ZipEntry entry;
    entry.flags = read16le(h + 8);
    entry.method = read16le(h + 10);
    entry.crc = read32le(h + 16);
    entry.compressedSize = read32le(h + 20);
    entry.size = read32le(h + 24);
    uint16_t nameLen = read16le(h + 28), extraLen = read16le(h + 30),
             commentLen = read16le(h + 32);
    entry.localOffset = read32le(h + 42);
    if (zip.size() - at < 46 + uint64_t(nameLen) + extraLen + commentLen)
      return corrupt("bad central directory entry");
    entry.name = std::string(h + 46, nameLen);
    // Zip64 extended information: the fields that are 0xFFFFFFFF above.
    llvm::StringRef extra(h + 46 + nameLen, extraLen);
    while (extra.size() >= 4) {
      uint16_t id = read16le(extra.data()), len = read16le(extra.data() + 2);
      llvm::StringRef body = extra.substr(4, len);
      if (id == 0x0001) {
        size_t p = 0;
        auto next = [&](uint64_t &field) {
          if (field == 0xFFFFFFFFu && p + 8 <= body.size()) {
            field = read64le(body.data() + p);
            p += 8;
          }
        };
        next(entry.size);
        next(entry.compressedSize);
        next(entry.localOffset);
      }
      extra = extra.drop_front(std::min<size_t>(extra.size(), 4 + len));
    }
    out.push_back(std::move(entry));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

llvm::Expected<std::string> extract(llvm::StringRef zip, const ZipEntry &entry,
                                    llvm::StringRef what) {
  auto corrupt = [&](const llvm::Twine &m) {
    return formatError(what, "corrupt .npz (zip) member '" + entry.name + "': " + m);
  };
  if (entry.flags & 1)
    return corrupt("encrypted members are not supported");
  // Every offset and size below comes from the file (zip64 ones are 64-bit):
  // compared by subtraction, never by a sum that could wrap.
  uint64_t at = entry.localOffset;
  if (at > zip.size() || zip.size() - at < 30 ||
      read32le(zip.data() + at) != 0x04034b50)
    return corrupt("bad local header");
  uint16_t nameLen = read16le(zip.data() + at + 26);
  uint16_t extraLen = read16le(zip.data() + at + 28);
  uint64_t start = at + 30 + nameLen + extraLen; // <= size + 2^17: no wrap
  if (start > zip.size() || entry.compressedSize > zip.size() - start)
    return corrupt("data runs past the end of the file (truncated?)");
  llvm::StringRef packed = zip.substr(start, entry.compressedSize);
  std::string out;
  if (entry.method == 0) {
    if (entry.compressedSize != entry.size)
      return corrupt("stored member with different sizes");
    out = packed.str();
  } else if (entry.method == 8) {
    // Deflate expands at most 1032:1 (RFC 1951's longest match per bit); a
    // declared size beyond that is a lie that must not size an allocation.
    if (entry.size / 1032 > entry.compressedSize + 1)
      return corrupt(llvm::formatv("uncompressed size {0} is impossible for "
                                   "{1} bytes of deflate data",
                                   entry.size, entry.compressedSize));
    if (entry.size > std::numeric_limits<uInt>::max() ||
        entry.compressedSize > std::numeric_limits<uInt>::max())
      return corrupt("deflated members over 4 GiB are not supported");
    out.resize(entry.size);
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
      return corrupt("cannot initialise zlib");
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(packed.data()));
    zs.avail_in = uInt(packed.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = uInt(out.size());
    int rc = inflate(&zs, Z_FINISH);
    uint64_t produced = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || produced != entry.size)
      return corrupt("deflate data is invalid");
  } else {
    return corrupt(llvm::formatv("compression method {0} is not supported "
                                 "(numpy.savez / savez_compressed are)",
                                 entry.method));
  }
  uint32_t crc = uint32_t(crc32(0L, reinterpret_cast<const Bytef *>(out.data()),
                                uInt(out.size())));
  if (crc != entry.crc)
    return corrupt("CRC mismatch");
  return out;
}

} // namespace

llvm::Expected<std::vector<NpyArray>> readNpyOrNpz(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      readInputFile(path);
  if (!file)
    return formatError(path, "cannot read: " + file.getError().message());
  return parseNpyOrNpz((*file)->getBuffer(), path);
}

llvm::Expected<std::vector<NpyArray>> parseNpyOrNpz(llvm::StringRef bytes,
                                                    llvm::StringRef path) {
  std::vector<NpyArray> arrays;
  if (bytes.starts_with("\x93NUMPY")) {
    llvm::Expected<NpyArray> array = parseNpy(bytes, path);
    if (!array)
      return array.takeError();
    array->name = "arg0";
    arrays.push_back(std::move(*array));
    return arrays;
  }
  if (!bytes.starts_with("PK"))
    return formatError(path, "neither a .npy array nor a .npz (zip) archive");
  llvm::Expected<std::vector<ZipEntry>> entries = readCentralDirectory(bytes, path);
  if (!entries)
    return entries.takeError();
  for (const ZipEntry &entry : *entries) {
    llvm::Expected<std::string> member = extract(bytes, entry, path);
    if (!member)
      return member.takeError();
    std::string memberName = (path + ":" + entry.name).str();
    llvm::Expected<NpyArray> array = parseNpy(*member, memberName);
    if (!array)
      return array.takeError();
    llvm::StringRef name = entry.name;
    name.consume_back(".npy");
    array->name = name.str();
    arrays.push_back(std::move(*array));
  }
  return arrays;
}

std::string serializeNpy(const NpyArray &a) {
  std::string shape = "(";
  for (size_t i = 0; i < a.shape.size(); ++i)
    shape += (i ? ", " : "") + std::to_string(a.shape[i]);
  shape += a.shape.size() == 1 ? ",)" : ")";
  std::string descr = std::string(a.itemSize == 1 ? "|" : "<") + a.kind +
                      std::to_string(a.itemSize);
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // numpy pads the header with spaces so that the data starts 64-aligned.
  while ((10 + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  std::string npy = "\x93NUMPY\x01";
  npy.push_back('\0');
  char length[2];
  llvm::support::endian::write16le(length, uint16_t(header.size()));
  npy.append(length, 2);
  npy += header;
  npy.append(a.data.data(), a.data.size());
  return npy;
}

llvm::Error writeNpy(llvm::StringRef path, const NpyArray &array) {
  return writeOutputFile(path, [&](llvm::raw_ostream &os) {
    os << serializeNpy(array);
    return llvm::Error::success();
  });
}

llvm::Error writeNpz(llvm::StringRef path, const std::vector<NpyArray> &arrays) {
  std::string zip, central;
  auto put16 = [](std::string &s, uint16_t v) {
    char b[2];
    llvm::support::endian::write16le(b, v);
    s.append(b, 2);
  };
  auto put32 = [](std::string &s, uint32_t v) {
    char b[4];
    llvm::support::endian::write32le(b, v);
    s.append(b, 4);
  };
  for (const NpyArray &a : arrays) {
    std::string npy = serializeNpy(a);
    std::string name = a.name + ".npy";
    uint32_t crc = uint32_t(crc32(0L, reinterpret_cast<const Bytef *>(npy.data()),
                                  uInt(npy.size())));
    uint32_t offset = uint32_t(zip.size());
    put32(zip, 0x04034b50);
    put16(zip, 20), put16(zip, 0), put16(zip, 0), put16(zip, 0), put16(zip, 0x21);
    put32(zip, crc), put32(zip, uint32_t(npy.size())), put32(zip, uint32_t(npy.size()));
    put16(zip, uint16_t(name.size())), put16(zip, 0);
    zip += name;
    zip += npy;
    put32(central, 0x02014b50);
    put16(central, 20), put16(central, 20), put16(central, 0), put16(central, 0);
    put16(central, 0), put16(central, 0x21);
    put32(central, crc), put32(central, uint32_t(npy.size())),
        put32(central, uint32_t(npy.size()));
    put16(central, uint16_t(name.size())), put16(central, 0), put16(central, 0);
    put16(central, 0), put16(central, 0), put32(central, 0), put32(central, offset);
    central += name;
  }
  uint32_t cdOffset = uint32_t(zip.size());
  zip += central;
  put32(zip, 0x06054b50);
  put16(zip, 0), put16(zip, 0);
  put16(zip, uint16_t(arrays.size())), put16(zip, uint16_t(arrays.size()));
  put32(zip, uint32_t(central.size())), put32(zip, cdOffset), put16(zip, 0);
  return writeOutputFile(path, [&](llvm::raw_ostream &os) {
    os << zip;
    return llvm::Error::success();
  });
}

std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") +
         (shape[i] < 0 ? std::string("?") : std::to_string(shape[i]));
  return s + "]";
}

} // namespace qforge::formats
