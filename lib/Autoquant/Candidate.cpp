//===- Candidate.cpp - Parsing autoquant's candidate lists ---------------===//

#include "qforge/Autoquant/Candidate.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace qforge::autoquant {
namespace {

constexpr llvm::StringLiteral kInt8Suffix = "+i8act";

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

std::string Candidate::str() const {
  return scheme.str() + (int8Activations ? kInt8Suffix.str() : "");
}

llvm::Expected<Candidate> Candidate::parse(llvm::StringRef text) {
  Candidate c;
  llvm::StringRef schemeText = text.trim();
  c.int8Activations = schemeText.consume_back(kInt8Suffix);
  std::string error;
  std::optional<quant::Scheme> scheme = quant::Scheme::parse(schemeText, &error);
  if (!scheme)
    return fail("unknown candidate '" + text + "': " + error);
  c.scheme = *scheme;
  if (c.int8Activations &&
      (c.scheme.isFloat() || c.scheme.activation != quant::ActivationMode::None))
    return fail("candidate '" + text +
                "': +i8act applies to weight-only quantized schemes only");
  return c;
}

std::vector<std::string> defaultCandidateSchemes() {
  return {"f32", "w8", "w4g128", "w4g32", "nf4g64", "fp8", "a8w8"};
}

bool isAutoScheme(llvm::StringRef text) {
  return text == "auto" || text.starts_with("auto:");
}

llvm::Expected<std::vector<Candidate>>
parseCandidates(llvm::StringRef text,
                const HasInt8ActivationKernel &hasInt8Kernel) {
  if (!isAutoScheme(text))
    return fail("expected 'auto' or 'auto:S1,S2,...', got '" + text + "'");
  std::vector<std::string> entries;
  if (text == "auto") {
    entries = defaultCandidateSchemes();
  } else {
    llvm::SmallVector<llvm::StringRef> parts;
    text.drop_front(5).split(parts, ',');
    for (llvm::StringRef part : parts) {
      if (part.trim().empty())
        return fail("empty entry in the candidate list '" + text + "'");
      entries.push_back(part.trim().str());
    }
  }
  std::vector<Candidate> out;
  auto add = [&](const Candidate &c) {
    if (!llvm::is_contained(out, c))
      out.push_back(c);
  };
  for (const std::string &entry : entries) {
    llvm::Expected<Candidate> c = Candidate::parse(entry);
    if (!c)
      return c.takeError();
    if (c->int8Activations && hasInt8Kernel && !hasInt8Kernel(c->scheme))
      return fail("candidate '" + entry + "': scheme '" + c->scheme.str() +
                  "' has no int8-activation kernel");
    add(*c);
    bool weightOnly = !c->scheme.isFloat() &&
                      c->scheme.activation == quant::ActivationMode::None;
    if (!c->int8Activations && weightOnly && hasInt8Kernel &&
        hasInt8Kernel(c->scheme)) {
      Candidate both = *c;
      both.int8Activations = true;
      add(both);
    }
  }
  return out;
}

} // namespace qforge::autoquant
