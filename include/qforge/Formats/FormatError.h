//===- FormatError.h - Errors about malformed data files --------*- C++ -*-===//
//
// Shared by the .npy/.npz, safetensors and stats-file readers: every message
// starts with the file (`what`) and says what is wrong with it, so that a
// tool can print it as it is.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_FORMATS_FORMATERROR_H
#define QFORGE_FORMATS_FORMATERROR_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

namespace qforge::formats {

/// "<what>: <message>" as an llvm::Error.
inline llvm::Error formatError(llvm::StringRef what, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (what + ": " + message).str());
}

} // namespace qforge::formats

#endif
