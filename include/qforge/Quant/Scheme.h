//===- Scheme.h - A quantization scheme as plain data -----------*- C++ -*-===//
//
// A scheme says how one matmul is quantized: the weight format and its
// granularity, symmetry, activation quantization, scale dtype and double
// quantization. The same compact text form ("w4g128", "a8w8-static", ...) is
// parsed here for pass options, command lines, cache files and Python, and is
// what `#qf.scheme<"...">` wraps. No MLIR dependency.
//
// Grammar (docs/DIALECT.md has the table of defaults):
//   scheme    ::= 'f32' | 'a8'? weight ('g' INT)? 'asym'? ('-' modifier)*
//   weight    ::= 'w8' | 'w4' | 'w2' | 'nf4' | 'fp4' | 'fp8' | 'fp8e5m2'
//   modifier  ::= 'asym' | 'sym' | 'static' | 'dynamic' | 'tensor' | 'channel'
//               | 'f32' | 'f16' | 'bf16' | 'dq'
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_SCHEME_H
#define QFORGE_QUANT_SCHEME_H

#include "qforge/Quant/Types.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qforge::quant {

/// How weights are stored. Integer formats are signed when symmetric and
/// unsigned (with a zero point) when asymmetric.
enum class WeightFormat { F32, Int8, Int4, Int2, NF4, FP4, FP8E4M3, FP8E5M2 };

/// Which weight elements share a scale. Weights are laid out [N, K] (output
/// channel, reduction); groups run along K.
enum class Granularity { Tensor, Channel, Group };

/// Whether activations are quantized to int8 (symmetric), and when their
/// scale is chosen: at run time per row (token), or at calibration time per
/// tensor.
enum class ActivationMode { None, Dynamic, Static };

struct Scheme {
  WeightFormat weight = WeightFormat::F32;
  Granularity granularity = Granularity::Channel;
  int64_t groupSize = 0; ///< > 0 iff granularity == Group.
  bool symmetric = true;
  ActivationMode activation = ActivationMode::None;
  ScaleDType scaleType = ScaleDType::F32;
  bool doubleQuant = false;

  /// Parses the compact text form. On failure returns nullopt and, if `error`
  /// is non-null, stores a message naming the offending part.
  static std::optional<Scheme> parse(std::string_view text,
                                     std::string *error = nullptr);

  /// The canonical compact text form; parse(str()) == *this.
  std::string str() const;

  bool isFloat() const { return weight == WeightFormat::F32; }
  bool isInteger() const {
    return weight == WeightFormat::Int8 || weight == WeightFormat::Int4 ||
           weight == WeightFormat::Int2;
  }
  /// Bits per stored weight element (32 for F32).
  unsigned weightBits() const;

  friend bool operator==(const Scheme &a, const Scheme &b) {
    return a.weight == b.weight && a.granularity == b.granularity &&
           a.groupSize == b.groupSize && a.symmetric == b.symmetric &&
           a.activation == b.activation && a.scaleType == b.scaleType &&
           a.doubleQuant == b.doubleQuant;
  }
  friend bool operator!=(const Scheme &a, const Scheme &b) { return !(a == b); }
};

/// A stable hash of every field, for uniquing and cache keys.
size_t hashValue(const Scheme &scheme);

} // namespace qforge::quant

#endif // QFORGE_QUANT_SCHEME_H
