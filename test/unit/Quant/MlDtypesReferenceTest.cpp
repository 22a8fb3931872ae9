//===- MlDtypesReferenceTest.cpp - Casts checked against ml_dtypes --------===//
//
// gen_ml_dtypes_reference.py writes what ml_dtypes (and numpy) produce for a
// few thousand float32 inputs per format; every line must match bit for bit.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quant/Codebooks.h"
#include "qforge/Quant/Float16.h"
#include "qforge/Quant/Float8.h"
#include "qforge/Quant/Rounding.h"

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

using namespace qforge::quant;
using namespace qforge::quant::test;

namespace {

struct Line {
  uint32_t input;
  uint32_t expected;
};

/// Lines by kind, or a reason to skip.
struct Reference {
  std::map<std::string, std::vector<Line>> byKind;
  std::string skipReason;
};

const Reference &reference() {
  static const Reference ref = [] {
    Reference r;
    const char *env = std::getenv("QFORGE_ML_DTYPES_REFERENCE");
    std::string path = env ? env : QFORGE_ML_DTYPES_REFERENCE;
    std::ifstream in(path);
    if (!in) {
      r.skipReason = "no ml_dtypes reference at " + path +
                     " (it is generated at build time with .venv/bin/python)";
      return r;
    }
    std::string text;
    while (std::getline(in, text)) {
      if (text.rfind("# unavailable", 0) == 0) {
        r.skipReason = text;
        return r;
      }
      if (text.empty() || text[0] == '#')
        continue;
      std::istringstream fields(text);
      std::string kind, a, b;
      fields >> kind >> a >> b;
      r.byKind[kind].push_back({static_cast<uint32_t>(std::stoul(a, nullptr, 16)),
                                static_cast<uint32_t>(std::stoul(b, nullptr, 16))});
    }
    return r;
  }();
  return ref;
}

const std::vector<Line> &linesOf(const std::string &kind) {
  static const std::vector<Line> none;
  auto it = reference().byKind.find(kind);
  return it == reference().byKind.end() ? none : it->second;
}

#define SKIP_WITHOUT_REFERENCE()                                               \
  do {                                                                         \
    if (!reference().skipReason.empty())                                       \
      GTEST_SKIP() << reference().skipReason;                                  \
  } while (0)

template <typename Encode>
void checkEncode(const std::string &kind, Encode encode, size_t minLines) {
  const std::vector<Line> &lines = linesOf(kind);
  ASSERT_GE(lines.size(), minLines) << kind;
  size_t failures = 0;
  for (const Line &l : lines) {
    uint32_t got = encode(floatOf(l.input));
    if (got != l.expected && ++failures <= 20)
      ADD_FAILURE() << kind << ": input " << floatOf(l.input) << " (0x"
                    << std::hex << l.input << ") gave 0x" << got
                    << ", ml_dtypes 0x" << l.expected;
  }
  EXPECT_EQ(failures, 0u) << kind;
}

template <typename Decode>
void checkDecode(const std::string &kind, Decode decode, size_t count) {
  const std::vector<Line> &lines = linesOf(kind);
  ASSERT_EQ(lines.size(), count) << kind;
  for (const Line &l : lines)
    EXPECT_TRUE(sameFloat(decode(l.expected), floatOf(l.input)))
        << kind << " code 0x" << std::hex << l.expected;
}

TEST(MlDtypes, Float8E4M3FN) {
  SKIP_WITHOUT_REFERENCE();
  checkDecode("f8e4m3fn_decode", [](uint32_t c) { return f8E4M3FNToF32(c); }, 256);
  checkEncode("f8e4m3fn_sat", [](float x) { return f32ToF8E4M3FN(x, true); }, 5000);
  checkEncode("f8e4m3fn", [](float x) { return f32ToF8E4M3FN(x, false); }, 5000);
}

TEST(MlDtypes, Float8E5M2) {
  SKIP_WITHOUT_REFERENCE();
  checkDecode("f8e5m2_decode", [](uint32_t c) { return f8E5M2ToF32(c); }, 256);
  checkEncode("f8e5m2_sat", [](float x) { return f32ToF8E5M2(x, true); }, 5000);
  checkEncode("f8e5m2", [](float x) { return f32ToF8E5M2(x, false); }, 5000);
}

TEST(MlDtypes, Float4E2M1) {
  SKIP_WITHOUT_REFERENCE();
  checkDecode("fp4e2m1_decode", [](uint32_t c) { return fp4E2M1ToF32(c); }, 16);
  checkEncode("fp4e2m1", [](float x) { return f32ToFP4E2M1(x); }, 2000);
}

TEST(MlDtypes, Float16AndBFloat16) {
  SKIP_WITHOUT_REFERENCE();
  checkDecode("f16_decode", [](uint32_t c) { return f16BitsToF32(c); }, 65536);
  struct Conversion {
    const char *kind;
    uint16_t (*encode)(float);
    float (*decode)(uint16_t);
  };
  for (const Conversion &c : {Conversion{"f16", f32ToF16Bits, f16BitsToF32},
                              Conversion{"bf16", f32ToBF16Bits, bf16BitsToF32}}) {
    const std::vector<Line> &lines = linesOf(c.kind);
    ASSERT_GE(lines.size(), 5000u) << c.kind;
    size_t failures = 0;
    for (const Line &l : lines) {
      float x = floatOf(l.input);
      uint16_t bits = c.encode(x);
      bool ok;
      if (std::isnan(x)) // NaN payloads differ; NaN-ness and sign must not
        ok = sameFloat(c.decode(bits), x) &&
             std::isnan(c.decode(static_cast<uint16_t>(l.expected)));
      else
        ok = bits == l.expected;
      if (!ok && ++failures <= 20)
        ADD_FAILURE() << c.kind << ": input " << x << " gave 0x" << std::hex
                      << bits << ", reference 0x" << l.expected;
    }
    EXPECT_EQ(failures, 0u) << c.kind;
  }
}

TEST(MlDtypes, IntegerRoundAndSaturate) {
  SKIP_WITHOUT_REFERENCE();
  const std::pair<const char *, DType> kinds[] = {
      {"int8", DType::Int8}, {"uint8", DType::UInt8}, {"int4", DType::Int4},
      {"uint4", DType::UInt4}, {"int2", DType::Int2}, {"uint2", DType::UInt2}};
  for (const auto &[kind, type] : kinds) {
    IntRange r = intRange(type);
    uint32_t mask = (1u << bitWidth(type)) - 1;
    checkEncode(
        kind,
        [&](float x) {
          return static_cast<uint32_t>(quantizeInt(x, 1.0f, 0, r)) & mask;
        },
        2000);
  }
}

} // namespace
