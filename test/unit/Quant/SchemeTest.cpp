// The compact scheme text form: every spelling in the docs parses, prints
// back canonically, and bad strings name their bad part.
#include "qforge/Quant/Scheme.h"

#include <gtest/gtest.h>

using qforge::quant::ActivationMode;
using qforge::quant::Granularity;
using qforge::quant::ScaleDType;
using qforge::quant::Scheme;
using qforge::quant::WeightFormat;

namespace {

Scheme parseOk(const char *text) {
  std::string error;
  std::optional<Scheme> s = Scheme::parse(text, &error);
  EXPECT_TRUE(s.has_value()) << text << ": " << error;
  return s.value_or(Scheme{});
}

std::string parseError(const char *text) {
  std::string error;
  EXPECT_FALSE(Scheme::parse(text, &error).has_value()) << text;
  return error;
}

TEST(SchemeTest, DocumentedSpellings) {
  Scheme w8 = parseOk("w8");
  EXPECT_EQ(w8.weight, WeightFormat::Int8);
  EXPECT_EQ(w8.granularity, Granularity::Channel);
  EXPECT_TRUE(w8.symmetric);
  EXPECT_EQ(w8.activation, ActivationMode::None);

  Scheme w4 = parseOk("w4g128");
  EXPECT_EQ(w4.weight, WeightFormat::Int4);
  EXPECT_EQ(w4.granularity, Granularity::Group);
  EXPECT_EQ(w4.groupSize, 128);

  Scheme asym = parseOk("w4g128asym");
  EXPECT_FALSE(asym.symmetric);
  EXPECT_EQ(asym, parseOk("w4g128-asym"));

  EXPECT_EQ(parseOk("w2g64").weight, WeightFormat::Int2);
  EXPECT_EQ(parseOk("nf4g64").weight, WeightFormat::NF4);
  EXPECT_EQ(parseOk("fp4g32").weight, WeightFormat::FP4);
  EXPECT_EQ(parseOk("fp8").weight, WeightFormat::FP8E4M3);
  EXPECT_EQ(parseOk("fp8e5m2").weight, WeightFormat::FP8E5M2);
  EXPECT_TRUE(parseOk("f32").isFloat());

  Scheme a8 = parseOk("a8w8");
  EXPECT_EQ(a8.activation, ActivationMode::Dynamic);
  EXPECT_EQ(a8.weight, WeightFormat::Int8);
  EXPECT_EQ(parseOk("a8w8-static").activation, ActivationMode::Static);
  EXPECT_EQ(parseOk("a8w8-dynamic"), a8);

  Scheme dq = parseOk("nf4g64-bf16-dq");
  EXPECT_EQ(dq.scaleType, ScaleDType::BF16);
  EXPECT_TRUE(dq.doubleQuant);
  EXPECT_EQ(parseOk("w8-tensor").granularity, Granularity::Tensor);
  EXPECT_EQ(parseOk("w8-f16").scaleType, ScaleDType::F16);
}

TEST(SchemeTest, CanonicalTextRoundTrips) {
  for (const char *text :
       {"f32", "w8", "w8asym", "w8-tensor", "w4g128", "w4g128asym", "w2g64",
        "w2g64asym-f16", "nf4g64", "nf4g64-bf16-dq", "fp4g32", "fp8",
        "fp8e5m2-f16", "a8w8", "a8w8-static", "a8w8-static-tensor"}) {
    Scheme s = parseOk(text);
    EXPECT_EQ(s.str(), text);
    EXPECT_EQ(parseOk(s.str().c_str()), s);
  }
  // Non-canonical spellings print canonically.
  EXPECT_EQ(parseOk("w4g128-asym").str(), "w4g128asym");
  EXPECT_EQ(parseOk("w8-channel-sym-f32").str(), "w8");
  EXPECT_EQ(parseOk("nf4g64-dq-bf16").str(), "nf4g64-bf16-dq");
}

TEST(SchemeTest, WeightBits) {
  EXPECT_EQ(parseOk("w8").weightBits(), 8u);
  EXPECT_EQ(parseOk("w4g32").weightBits(), 4u);
  EXPECT_EQ(parseOk("nf4g64").weightBits(), 4u);
  EXPECT_EQ(parseOk("w2g64").weightBits(), 2u);
  EXPECT_EQ(parseOk("fp8").weightBits(), 8u);
  EXPECT_EQ(parseOk("f32").weightBits(), 32u);
}

TEST(SchemeTest, HashDistinguishesFields) {
  EXPECT_EQ(hashValue(parseOk("w4g128")), hashValue(parseOk("w4g128-sym")));
  EXPECT_NE(hashValue(parseOk("w4g128")), hashValue(parseOk("w4g64")));
  EXPECT_NE(hashValue(parseOk("w4g128")), hashValue(parseOk("w4g128asym")));
  EXPECT_NE(hashValue(parseOk("a8w8")), hashValue(parseOk("a8w8-static")));
}

TEST(SchemeTest, ErrorsNameTheBadPart) {
  EXPECT_EQ(parseError(""), "invalid scheme '': empty");
  EXPECT_NE(parseError("w5g32").find("unknown weight format 'w5'"),
            std::string::npos);
  EXPECT_NE(parseError("w4g").find("expected a group size after 'g'"),
            std::string::npos);
  EXPECT_NE(parseError("w4g0").find("group size must be positive"),
            std::string::npos);
  EXPECT_NE(parseError("w4g99999999999").find("too large"), std::string::npos);
  EXPECT_NE(parseError("w4g128-fast").find("unknown modifier 'fast'"),
            std::string::npos);
  EXPECT_NE(parseError("w4g128x").find("unexpected 'x'"), std::string::npos);
  EXPECT_NE(parseError("w4g128-").find("empty modifier"), std::string::npos);
  EXPECT_NE(parseError("nf4g64asym").find("'asym' applies only to integer"),
            std::string::npos);
  EXPECT_NE(parseError("a8w4").find("need int8 weights"), std::string::npos);
  EXPECT_NE(parseError("a8w8asym").find("need symmetric weights"),
            std::string::npos);
  EXPECT_NE(parseError("a8w8g128").find("not groups"), std::string::npos);
  EXPECT_NE(parseError("w8-static").find("needs quantized activations"),
            std::string::npos);
  EXPECT_NE(parseError("w8-dq").find("needs per-group scales"),
            std::string::npos);
  EXPECT_NE(parseError("w4g32-tensor").find("conflicts with the group size"),
            std::string::npos);
  // A null error pointer is allowed.
  EXPECT_FALSE(Scheme::parse("bogus").has_value());
}

} // namespace
