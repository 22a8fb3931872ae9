//===- Candidate.h - What autoquant chooses among ---------------*- C++ -*-===//
//
// A candidate is a scheme (Scheme.h) and, for weight-only schemes whose
// kernel also exists in an int8-activation form, whether activations are
// rounded to int8 at run time: "w4g128" and "w4g128+i8act" are two
// candidates. `--scheme auto` takes the default list; `auto:S1,S2,...`
// names its own.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_AUTOQUANT_CANDIDATE_H
#define QFORGE_AUTOQUANT_CANDIDATE_H

#include "qforge/Quant/Scheme.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace qforge::autoquant {

struct Candidate {
  quant::Scheme scheme;
  bool int8Activations = false;

  /// "w4g128" or "w4g128+i8act".
  std::string str() const;
  /// Inverse of str(); "+i8act" only on weight-only, non-float schemes.
  static llvm::Expected<Candidate> parse(llvm::StringRef text);
  /// The int8 arithmetic (a8 schemes, or +i8act) changes the activations:
  /// the guard then needs real activations.
  bool quantizesActivations() const {
    return int8Activations ||
           scheme.activation != quant::ActivationMode::None;
  }
  friend bool operator==(const Candidate &a, const Candidate &b) {
    return a.scheme == b.scheme && a.int8Activations == b.int8Activations;
  }
};

/// The schemes `--scheme auto` tries: f32, w8, w4g128, w4g32, nf4g64, fp8,
/// a8w8.
std::vector<std::string> defaultCandidateSchemes();

/// Whether a weight-only scheme has an int8-activation kernel (a predicate
/// of the backend: cpu::takesInt8Activations).
using HasInt8ActivationKernel = std::function<bool(const quant::Scheme &)>;

/// Parses `auto` or `auto:S1,S2,...` (a scheme list; an entry may carry
/// "+i8act" to take only that form). A plain scheme entry is expanded to
/// itself and, when `hasInt8Kernel` says its kernel has both forms, its
/// "+i8act" form. Duplicates are removed, order kept. An unknown or
/// malformed entry, or an empty list, is an error naming it.
llvm::Expected<std::vector<Candidate>>
parseCandidates(llvm::StringRef text,
                const HasInt8ActivationKernel &hasInt8Kernel);

/// Whether `text` asks for autoquant: "auto" or "auto:...".
bool isAutoScheme(llvm::StringRef text);

} // namespace qforge::autoquant

#endif
