// JSON from files nests at most kMaxJsonDepth deep: deeper text is refused
// before llvm::json::parse, whose recursion would overflow the stack
// (issue 16 #6).
#include "qforge/Formats/Json.h"
#include "qforge/Formats/SafeTensors.h"

#include "llvm/Support/Endian.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace qforge::formats;

std::string nested(unsigned depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

std::string errorOf(llvm::Expected<llvm::json::Value> value) {
  return value ? "" : llvm::toString(value.takeError());
}

TEST(JsonHostile, DeepNestingIsRefusedNotRecursedInto) {
  std::string error = errorOf(parseJson(nested(1000000), "stats.safetensors"));
  EXPECT_NE(error.find("stats.safetensors: JSON nested deeper than 64 levels"),
            std::string::npos)
      << error;
  error = errorOf(parseJson("{\"a\":" + nested(65) + "}", "f"));
  EXPECT_NE(error.find("nested deeper"), std::string::npos) << error;
}

TEST(JsonHostile, NestingUpToTheLimitAndBracketsInStringsAreFine) {
  EXPECT_EQ(errorOf(parseJson(nested(64), "f")), "");
  // Brackets and escaped quotes inside strings do not count.
  EXPECT_EQ(errorOf(parseJson("{\"k\": \"" + std::string(1000, '[') +
                                  "\\\"[[[\"}",
                              "f")),
            "");
}

TEST(JsonHostile, MalformedJsonNamesTheSource) {
  std::string error = errorOf(parseJson("{\"a\": }", "w.safetensors"));
  EXPECT_NE(error.find("w.safetensors: malformed JSON"), std::string::npos)
      << error;
}

TEST(JsonHostile, SafeTensorsHeaderTooDeepIsACorruptHeader) {
  std::string header = "{\"__metadata__\": " + nested(100000, '[', ']') + "}";
  std::string file(8, '\0');
  llvm::support::endian::write64le(file.data(), header.size());
  file += header;
  auto parsed = parseSafeTensors(file, "deep.safetensors");
  ASSERT_FALSE(bool(parsed));
  std::string error = llvm::toString(parsed.takeError());
  EXPECT_NE(error.find("deep.safetensors: corrupt safetensors header: JSON "
                       "nested deeper than 64 levels"),
            std::string::npos)
      << error;
}

} // namespace
