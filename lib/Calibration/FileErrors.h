//===- FileErrors.h - Errors about calibration files ------------*- C++ -*-===//
//
// Shared by the safetensors and stats-file readers: every message starts
// with the file (`what`) and says what is wrong with it.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_CALIBRATION_FILEERRORS_H
#define QFORGE_LIB_CALIBRATION_FILEERRORS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qforge::calib::detail {

inline llvm::Error fail(llvm::StringRef what, const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (what + ": " + message).str());
}

} // namespace qforge::calib::detail

#endif
