//===- Json.cpp - JSON from untrusted files ------------------------------===//

#include "qforge/Formats/Json.h"
#include "qforge/Formats/FormatError.h"

namespace qforge::formats {

llvm::Expected<llvm::json::Value> parseJson(llvm::StringRef text,
                                            llvm::StringRef what,
                                            unsigned maxDepth) {
  // Brackets inside strings do not nest; a backslash escapes the next
  // character. Malformed text is left to the parser's own message.
  unsigned depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > maxDepth)
        return formatError(what, "JSON nested deeper than " +
                                     llvm::Twine(maxDepth) + " levels");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  llvm::Expected<llvm::json::Value> value = llvm::json::parse(text);
  if (!value)
    return formatError(what, "malformed JSON: " +
                                 llvm::toString(value.takeError()));
  return value;
}

} // namespace qforge::formats
