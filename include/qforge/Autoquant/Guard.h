//===- Guard.h - Autoquant's accuracy guard ---------------------*- C++ -*-===//
//
// A candidate may be chosen for a layer only if what its kernel computes
// stays close to the float layer: the SQNR of X W^T against Xq Wq^T, in dB,
// must reach the budget (--min-sqnr). X is a sample of the layer's real
// inputs recorded by calibration (the stats file's `<id>.rows`); without
// calibration data X is the identity, i.e. the weights' own SQNR, and only
// weight-only candidates can be judged. The arithmetic is simulated with the
// numeric core (lib/Quant): round-to-nearest weights under the scheme,
// int8 activations per row (a8w8), per tensor from the calibrated range
// (a8w8-static), or per weight group with the kernel's int8 codebook for
// NF4/FP4 (+i8act; Int8ActivationKernel.h).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_AUTOQUANT_GUARD_H
#define QFORGE_AUTOQUANT_GUARD_H

#include "qforge/Autoquant/Candidate.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace qforge::autoquant {

/// The guard's sample: at most this many recorded rows and, for schemes
/// whose scales do not span the tensor, this many output channels (evenly
/// strided; each channel quantizes on its own, so its codes are those of
/// the whole layer). 16 x 256 outputs estimate the SQNR within about 0.1 dB
/// (the error power's standard error over 4096 outputs is ~2%) and keep the
/// check of a 4096 x 4096 layer to a few milliseconds a candidate.
constexpr int64_t kGuardRows = 16, kGuardChannels = 256;

/// The default --min-sqnr, in dB (docs/AUTOQUANT.md says why).
constexpr double kDefaultMinSqnrDb = 15.0;
/// Accepted --min-sqnr values.
constexpr double kMinSqnrLow = 0.0, kMinSqnrHigh = 150.0;

struct GuardInput {
  const float *w = nullptr; ///< [n, k] float weights
  int64_t n = 0, k = 0;
  /// [rows, k] recorded activations, or null (weights only).
  const float *x = nullptr;
  int64_t rows = 0;
  /// max |x| of the calibrated range, for static activation scales.
  float staticAbsMax = 0.0f;
};

/// The SQNR in dB (+Inf when exact) of `candidate` on `input`. An error for
/// a candidate that quantizes activations without activations, or a scheme
/// the numeric core cannot apply to the shape.
llvm::Expected<double> guardSqnrDb(const Candidate &candidate,
                                   const GuardInput &input);

/// What the guard's result depends on besides the candidate (and the
/// compiler, which the cache's identity covers): the shape, the weights,
/// the rows it uses and the static range, as a 128-bit content hash in hex.
/// Hashing a 4096 x 4096 layer takes milliseconds; its guard, tens.
std::string guardContentHash(const GuardInput &input);

/// The cache key of `candidate`'s guard result on content `contentHash`.
std::string guardKey(llvm::StringRef contentHash, const Candidate &candidate);

} // namespace qforge::autoquant

#endif
