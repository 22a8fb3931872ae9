//===- Guard.cpp - SQNR of a candidate on recorded activations -----------===//

#include "qforge/Autoquant/Guard.h"
#include "qforge/Autoquant/Cache.h"

#include "qforge/Quant/A8W8.h"
#include "qforge/Quant/Codebooks.h"
#include "qforge/Quant/OutputError.h"
#include "qforge/Quant/WeightQuant.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <cstring>
#include <cmath>
#include <limits>
#include <optional>

namespace qforge::autoquant {
namespace {

using namespace qforge::quant;

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

} // namespace

llvm::Expected<double> guardSqnrDb(const Candidate &candidate,
                                   const GuardInput &full) {
  const Scheme &scheme = candidate.scheme;
  // The sample (kGuardRows, kGuardChannels): a per-tensor scale needs every
  // channel, any other granularity quantizes each channel on its own.
  GuardInput in = full;
  in.rows = std::min(full.rows, kGuardRows);
  std::vector<float> channels;
  if (scheme.granularity != Granularity::Tensor && full.n > kGuardChannels) {
    in.n = kGuardChannels;
    channels = strideSampleRows(full.w, full.n, full.k, kGuardChannels);
    in.w = channels.data();
  }
  int64_t n = in.n, k = in.k;
  if (candidate.quantizesActivations() && !in.x)
    return fail("candidate '" + candidate.str() +
                "' rounds activations: its accuracy needs calibration data");
  if (scheme.isFloat())
    return std::numeric_limits<double>::infinity();
  QuantSpec spec = weightSpec(scheme);
  std::string why = verifyWeightSpec(n, k, spec);
  if (!why.empty())
    return fail("candidate '" + candidate.str() + "': " + why);
  QuantizedTensor qt = quantizeWeightsRTN(in.w, n, k, spec);
  std::vector<float> wq = dequantize(qt);
  // The int8-activation kernel multiplies NF4/FP4 codes through an int8
  // codebook, within step / 2 of the table's value.
  std::optional<Int8Codebook> book;
  if (candidate.int8Activations && scheme.weight == WeightFormat::NF4)
    book = nf4Int8Codebook();
  if (candidate.int8Activations && scheme.weight == WeightFormat::FP4)
    book = fp4E2M1Int8Codebook();
  if (book)
    ScaleIndexer({n, k}, spec.layout)
        .forEachRun(n * k, [&](int64_t first, int64_t length, int64_t s) {
          for (int64_t i = first; i < first + length; ++i)
            wq[i] = qt.params.scales[s] *
                    (float(book->levels[qt.values[i] & 15]) * book->step);
        });

  if (!in.x)
    return sqnrDb(relativeError(in.w, wq.data(), size_t(n * k)));
  if (!candidate.quantizesActivations())
    return sqnrDb(relativeOutputError(in.x, in.rows, k, in.w, wq.data(), n));

  // The activations as the kernel sees them, by the numeric core: per row
  // (a8w8), per tensor from the calibrated range (a8w8-static, as
  // qf-quantize sets its scale), or per weight group (+i8act).
  std::vector<float> xq;
  switch (scheme.activation) {
  case ActivationMode::Dynamic:
    xq = dequantize(quantizeActivationsPerToken(in.x, in.rows, k));
    break;
  case ActivationMode::Static: {
    float scale = in.staticAbsMax > 0.0f ? in.staticAbsMax / 127.0f : 1.0f;
    xq.resize(size_t(in.rows * k));
    for (int64_t i = 0; i < in.rows * k; ++i)
      xq[i] = dequantizeValue(
          DType::Int8, quantizeValue(DType::Int8, in.x[i], scale, 0), scale, 0);
    break;
  }
  case ActivationMode::None: {
    int64_t g =
        scheme.granularity == Granularity::Group ? scheme.groupSize : k;
    xq.resize(size_t(in.rows * k));
    for (int64_t r = 0; r < in.rows; ++r)
      for (int64_t g0 = 0; g0 < k; g0 += g) {
        int64_t len = std::min(k, g0 + g) - g0;
        float *codes = xq.data() + r * k + g0;
        float scale = quantizeInt8Group(in.x + r * k + g0, len, codes);
        for (int64_t i = 0; i < len; ++i)
          codes[i] *= scale;
      }
    break;
  }
  }
  std::vector<float> y = matmulTransposed(in.x, in.rows, k, in.w, n);
  std::vector<float> yq = matmulTransposed(xq.data(), in.rows, k, wq.data(), n);
  return sqnrDb(relativeError(y.data(), yq.data(), y.size()));
}

std::string guardContentHash(const GuardInput &in) {
  auto bytes = [](const float *data, int64_t count) {
    return llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(data),
                                   size_t(count) * sizeof(float));
  };
  llvm::XXH128_hash_t w = llvm::xxh3_128bits(bytes(in.w, in.n * in.k));
  int64_t rows = in.x ? std::min(in.rows, kGuardRows) : 0;
  llvm::XXH128_hash_t x =
      in.x ? llvm::xxh3_128bits(bytes(in.x, rows * in.k))
           : llvm::XXH128_hash_t{0, 0};
  uint32_t absMaxBits;
  static_assert(sizeof(absMaxBits) == sizeof(in.staticAbsMax));
  std::memcpy(&absMaxBits, &in.staticAbsMax, sizeof(absMaxBits));
  return llvm::formatv("{0}x{1}r{2}a{3:x-}w{4:x-}{5:x-}x{6:x-}{7:x-}", in.n,
                       in.k, rows, absMaxBits, w.high64, w.low64, x.high64,
                       x.low64)
      .str();
}

std::string guardKey(llvm::StringRef contentHash, const Candidate &candidate) {
  return (kGuardKeyPrefix + contentHash + "|" + candidate.str()).str();
}

} // namespace qforge::autoquant
