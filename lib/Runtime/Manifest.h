//===- Manifest.h - An artifact's manifest, checked at load -----*- C++ -*-===//
//
// qforge-compile publishes an artifact as several files (NAME.so, NAME.h,
// report.json, report.svg), moved into OUTDIR one rename at a time, and
// then NAME.manifest, last: one line per file with its size and SHA-256
// (lib/Compiler/Publish.cpp writes it). A text of records like the
// signature's, not JSON, so that the runtime needs no JSON library:
//
//   qforge-manifest 1
//   name NAME
//   file NAME.so SIZE SHA256-HEX
//   file NAME.h SIZE SHA256-HEX
//   ...
//
// File names are plain (no spaces, no '/': qforge-compile's artifact names).
// Records of other kinds are skipped, so that later compilers can add some
// without making this runtime refuse their artifacts; a change that this
// runtime would misread (another hash) takes a new version number.
//
// The manifest tells a complete set from a torn one (a compile killed while
// publishing, a file copied or replaced by hand, a partial copy, a file
// truncated by a full disk or a crash after the rename): it is integrity,
// not authenticity. Whoever can replace NAME.so can replace NAME.manifest
// too; load only artifacts you trust (docs/SECURITY.md).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_RUNTIME_MANIFEST_H
#define QFORGE_LIB_RUNTIME_MANIFEST_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace qforge::runtime {

/// The manifest of the library at `path`: PATH with its ".so" replaced by
/// ".manifest"; "" when `path` does not end with ".so".
std::string manifestPathFor(const std::string &path);

/// "" when the library at `path` may be loaded: no manifest next to it (an
/// artifact of an older qforge-compile, or a library copied without one),
/// or a manifest that lists it with exactly its size and SHA-256. Otherwise
/// why not, for "cannot load 'PATH': ...". Reads the library once; a size
/// that differs is refused before anything is hashed.
std::string checkManifest(const std::string &path);

} // namespace qforge::runtime

#endif
