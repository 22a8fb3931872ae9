//===- Npy.h - numpy .npy / .npz reading ------------------------*- C++ -*-===//
//
// .npy: "\x93NUMPY", version, a Python-dict header (descr, fortran_order,
// shape), then the raw data. .npz: a zip of .npy files, stored
// (numpy.savez) or deflated (numpy.savez_compressed), zip64 included.
// Little-endian, C-order arrays of bool / int8..64 / uint8..64 / float16,
// float32, float64 are read; anything else is a clear error. CRCs are
// checked, so a corrupt archive is reported rather than read as data.
//
// LLVM Support and zlib only (library QForgeFormats, no MLIR): qforge-run and
// other runtime-side tools read and write arrays with it.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_FORMATS_NPY_H
#define QFORGE_FORMATS_NPY_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qforge::formats {

struct NpyArray {
  std::string name;           ///< "arg0" for "arg0.npy" in an npz
  char kind = 'f';            ///< numpy kind: 'f' float, 'i' int, 'u' uint, 'b' bool
  unsigned itemSize = 4;      ///< bytes per element
  std::vector<int64_t> shape;
  std::vector<char> data;     ///< C order, little-endian

  int64_t numElements() const;
  /// numpy's name: "float32", "int64", "bool", ...
  std::string dtypeName() const;
};

/// "[2, 3]" for messages; a negative (dynamic) dimension prints as "?".
std::string shapeString(llvm::ArrayRef<int64_t> shape);

/// Parses one .npy file held in `buffer`; `what` names it in errors.
llvm::Expected<NpyArray> parseNpy(llvm::StringRef buffer, llvm::StringRef what);

/// Reads a .npz (every member, in archive order, named without ".npy") or
/// a single .npy (named "arg0"). Errors name the file and what is wrong.
llvm::Expected<std::vector<NpyArray>> readNpyOrNpz(llvm::StringRef path);
/// The same on bytes in memory; `what` names them in errors.
llvm::Expected<std::vector<NpyArray>> parseNpyOrNpz(llvm::StringRef bytes,
                                                    llvm::StringRef what);

/// The bytes of a version-1.0 .npy file holding `array`.
std::string serializeNpy(const NpyArray &array);

/// Writes one .npy file through a temporary file renamed into place
/// (qforge::writeOutputFile: on failure a previous file is left as it was).
llvm::Error writeNpy(llvm::StringRef path, const NpyArray &array);

/// Writes an uncompressed .npz, members named `<name>.npy` (for tests and
/// tools), like writeNpy.
llvm::Error writeNpz(llvm::StringRef path, const std::vector<NpyArray> &arrays);

} // namespace qforge::formats

#endif
