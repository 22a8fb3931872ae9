//===- InputFile.h - Reading untrusted input files --------------*- C++ -*-===//
//
// Every model, samples, statistics, scheme and weights file a tool reads
// goes through readInputFile: only regular files (symlinks followed) are
// read, so that a device or pipe (/dev/zero, /dev/stdin, a FIFO) named as
// an input gives an error instead of a read that never ends, and the bytes
// read are bounded by the file's size.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_SUPPORT_INPUTFILE_H
#define QFORGE_SUPPORT_INPUTFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorOr.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>
#include <system_error>

namespace qforge {

/// The error of a path that names a device, pipe, socket or directory; its
/// message says so ("not a regular file (devices, pipes and directories are
/// not read)").
std::error_code notRegularFileError();

/// The tools' message for a file readInputFile refused: "cannot open input
/// file '<path>': <reason>" (mlir::openInputFile's wording).
std::string inputFileError(llvm::StringRef path, std::error_code ec);

/// llvm::MemoryBuffer::getFile for a regular file, notRegularFileError()
/// for anything else.
llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>>
readInputFile(llvm::StringRef path, bool isText = false,
              bool requiresNullTerminator = false);

} // namespace qforge

#endif
