//===- SafeTensors.h - Minimal safetensors reader/writer --------*- C++ -*-===//
//
// The safetensors format (https://github.com/huggingface/safetensors):
//   8 bytes   little-endian u64 N, the header length
//   N bytes   JSON: { "<name>": {"dtype": "F32", "shape": [..],
//                                "data_offsets": [begin, end]}, ...,
//                     "__metadata__": {"<key>": "<string>", ...} }
//             padded with spaces to a multiple of 8 bytes
//   the rest  the tensors' bytes, little-endian, row-major; offsets are
//             relative to the start of this buffer.
// Reading validates everything (lengths, JSON, dtypes, shapes against
// offsets, offsets against the buffer) and reports errors with the file
// path.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_FORMATS_SAFETENSORS_H
#define QFORGE_FORMATS_SAFETENSORS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace qforge::formats {

struct SafeTensor {
  std::string dtype;          ///< "F32", "I64", ... (safetensors names)
  std::vector<int64_t> shape; ///< empty for a scalar
  std::vector<char> data;     ///< little-endian, row-major

  int64_t numElements() const;
  static SafeTensor f32(std::vector<int64_t> shape, const std::vector<float> &values);
  static SafeTensor i64(std::vector<int64_t> shape, const std::vector<int64_t> &values);
  /// The elements as floats (F32 / F64 / I64 / I32 converted); empty if
  /// the dtype is not one of these.
  std::vector<float> toFloats() const;
};

struct SafeTensorsFile {
  std::map<std::string, std::string> metadata;
  /// In file order (offsets increase with the index when written here).
  std::vector<std::pair<std::string, SafeTensor>> tensors;

  const SafeTensor *find(llvm::StringRef name) const;
};

/// Bytes per element of a safetensors dtype name, 0 if unknown.
unsigned safeTensorsDTypeSize(llvm::StringRef dtype);

void writeSafeTensors(llvm::raw_ostream &os, const SafeTensorsFile &file);
/// Writes to a temporary file next to `path` and renames it on success
/// (qforge::writeOutputFile).
llvm::Error writeSafeTensorsFile(llvm::StringRef path, const SafeTensorsFile &file);

/// `what` names the source in error messages (the file path).
llvm::Expected<SafeTensorsFile> parseSafeTensors(llvm::StringRef buffer,
                                                 llvm::StringRef what);
llvm::Expected<SafeTensorsFile> readSafeTensorsFile(llvm::StringRef path);

} // namespace qforge::formats

#endif
