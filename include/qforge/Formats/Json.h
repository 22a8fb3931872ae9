//===- Json.h - JSON from untrusted files ------------------------*- C++ -*-===//
//
// llvm::json::parse recurses once per nesting level, so a file of a few
// hundred kilobytes of '[' overflows the stack. Every JSON text QForge reads
// from a file (safetensors headers, stats-file metadata, weight maps) goes
// through parseJson, which refuses nesting deeper than any QForge format
// uses before the recursive parser sees it.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_FORMATS_JSON_H
#define QFORGE_FORMATS_JSON_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace qforge::formats {

/// The deepest nesting of arrays and objects parseJson accepts: QForge's
/// formats nest at most 4 levels; 64 leaves room for foreign metadata.
constexpr unsigned kMaxJsonDepth = 64;

/// llvm::json::parse, after checking that arrays and objects nest at most
/// `maxDepth` deep; errors start with `what`.
llvm::Expected<llvm::json::Value> parseJson(llvm::StringRef text,
                                            llvm::StringRef what,
                                            unsigned maxDepth = kMaxJsonDepth);

} // namespace qforge::formats

#endif
