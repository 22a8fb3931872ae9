//===- Scheme.cpp - Compact text form of quantization schemes ------------===//

#include "qforge/Quant/Scheme.h"

#include <functional>

namespace qforge::quant {
namespace {

bool consume(std::string_view &s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix)
    return false;
  s.remove_prefix(prefix.size());
  return true;
}

bool fail(std::string *error, std::string message) {
  if (error)
    *error = std::move(message);
  return false;
}

/// Applies one '-'-separated modifier; reports it by name when unknown.
bool applyModifier(Scheme &s, std::string_view mod, std::string *error) {
  if (mod == "asym") {
    s.symmetric = false;
  } else if (mod == "sym") {
    s.symmetric = true;
  } else if (mod == "static" || mod == "dynamic") {
    if (s.activation == ActivationMode::None)
      return fail(error, "modifier '" + std::string(mod) +
                             "' needs quantized activations ('a8' prefix)");
    s.activation =
        mod == "static" ? ActivationMode::Static : ActivationMode::Dynamic;
  } else if (mod == "tensor" || mod == "channel") {
    if (s.granularity == Granularity::Group)
      return fail(error, "modifier '" + std::string(mod) +
                             "' conflicts with the group size");
    s.granularity =
        mod == "tensor" ? Granularity::Tensor : Granularity::Channel;
  } else if (mod == "f32") {
    s.scaleType = ScaleDType::F32;
  } else if (mod == "f16") {
    s.scaleType = ScaleDType::F16;
  } else if (mod == "bf16") {
    s.scaleType = ScaleDType::BF16;
  } else if (mod == "dq") {
    s.doubleQuant = true;
  } else {
    return fail(error, "unknown modifier '" + std::string(mod) +
                           "' (expected asym, sym, static, dynamic, tensor, "
                           "channel, f32, f16, bf16 or dq)");
  }
  return true;
}

} // namespace

std::optional<Scheme> Scheme::parse(std::string_view text,
                                    std::string *error) {
  const std::string quoted = "'" + std::string(text) + "'";
  auto bad = [&](std::string message) -> std::optional<Scheme> {
    fail(error, "invalid scheme " + quoted + ": " + message);
    return std::nullopt;
  };
  if (text.empty())
    return bad("empty");

  Scheme s;
  std::string_view rest = text;
  if (rest == "f32")
    return s;

  if (consume(rest, "a8"))
    s.activation = ActivationMode::Dynamic;

  // Longest prefixes first: "fp8e5m2" before "fp8", "fp4" before "fp8".
  if (consume(rest, "fp8e5m2"))
    s.weight = WeightFormat::FP8E5M2;
  else if (consume(rest, "fp8"))
    s.weight = WeightFormat::FP8E4M3;
  else if (consume(rest, "fp4"))
    s.weight = WeightFormat::FP4;
  else if (consume(rest, "nf4"))
    s.weight = WeightFormat::NF4;
  else if (consume(rest, "w8"))
    s.weight = WeightFormat::Int8;
  else if (consume(rest, "w4"))
    s.weight = WeightFormat::Int4;
  else if (consume(rest, "w2"))
    s.weight = WeightFormat::Int2;
  else {
    size_t end = rest.find_first_of("g-");
    return bad("unknown weight format '" + std::string(rest.substr(0, end)) +
               "' (expected f32, w8, w4, w2, nf4, fp4, fp8 or fp8e5m2, "
               "optionally after 'a8')");
  }

  if (consume(rest, "g")) {
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9')
      ++digits;
    if (digits == 0)
      return bad("expected a group size after 'g'");
    if (digits > 9)
      return bad("group size '" + std::string(rest.substr(0, digits)) +
                 "' is too large");
    int64_t group = std::stoll(std::string(rest.substr(0, digits)));
    if (group <= 0)
      return bad("group size must be positive");
    s.granularity = Granularity::Group;
    s.groupSize = group;
    rest.remove_prefix(digits);
  }

  if (consume(rest, "asym"))
    s.symmetric = false;
  while (!rest.empty()) {
    if (!consume(rest, "-")) {
      size_t end = rest.find('-');
      return bad("unexpected '" + std::string(rest.substr(0, end)) +
                 "' (modifiers are separated by '-')");
    }
    size_t end = rest.find('-');
    std::string_view mod = rest.substr(0, end);
    if (mod.empty())
      return bad("empty modifier");
    std::string modError;
    if (!applyModifier(s, mod, &modError))
      return bad(modError);
    rest.remove_prefix(mod.size());
  }

  // Cross-field rules.
  bool integer = s.isInteger();
  if (!s.symmetric && !integer)
    return bad("'asym' applies only to integer weights (w8, w4, w2)");
  if (s.activation != ActivationMode::None) {
    if (s.weight != WeightFormat::Int8)
      return bad("quantized activations ('a8') need int8 weights ('w8')");
    if (!s.symmetric)
      return bad("quantized activations need symmetric weights");
    if (s.granularity == Granularity::Group)
      return bad("quantized activations need per-channel or per-tensor "
                 "weight scales, not groups");
  }
  if (s.doubleQuant && s.granularity != Granularity::Group)
    return bad("double quantization ('dq') needs per-group scales ('gN')");
  return s;
}

std::string Scheme::str() const {
  if (weight == WeightFormat::F32)
    return "f32";
  std::string out;
  if (activation != ActivationMode::None)
    out += "a8";
  switch (weight) {
  case WeightFormat::F32:
    break;
  case WeightFormat::Int8:
    out += "w8";
    break;
  case WeightFormat::Int4:
    out += "w4";
    break;
  case WeightFormat::Int2:
    out += "w2";
    break;
  case WeightFormat::NF4:
    out += "nf4";
    break;
  case WeightFormat::FP4:
    out += "fp4";
    break;
  case WeightFormat::FP8E4M3:
    out += "fp8";
    break;
  case WeightFormat::FP8E5M2:
    out += "fp8e5m2";
    break;
  }
  if (granularity == Granularity::Group)
    out += "g" + std::to_string(groupSize);
  if (!symmetric)
    out += "asym";
  if (activation == ActivationMode::Static)
    out += "-static";
  if (granularity == Granularity::Tensor)
    out += "-tensor";
  if (scaleType == ScaleDType::F16)
    out += "-f16";
  else if (scaleType == ScaleDType::BF16)
    out += "-bf16";
  if (doubleQuant)
    out += "-dq";
  return out;
}

unsigned Scheme::weightBits() const {
  switch (weight) {
  case WeightFormat::F32:
    return 32;
  case WeightFormat::Int8:
  case WeightFormat::FP8E4M3:
  case WeightFormat::FP8E5M2:
    return 8;
  case WeightFormat::Int4:
  case WeightFormat::NF4:
  case WeightFormat::FP4:
    return 4;
  case WeightFormat::Int2:
    return 2;
  }
  return 0;
}

size_t hashValue(const Scheme &s) {
  size_t h = std::hash<int64_t>()(s.groupSize);
  auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  mix(static_cast<size_t>(s.weight));
  mix(static_cast<size_t>(s.granularity));
  mix(s.symmetric);
  mix(static_cast<size_t>(s.activation));
  mix(static_cast<size_t>(s.scaleType));
  mix(s.doubleQuant);
  return h;
}

} // namespace qforge::quant
