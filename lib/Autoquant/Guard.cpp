//===- Guard.cpp - SQNR of a candidate on recorded activations -----------===//

#include "qforge/Autoquant/Guard.h"

#include "qforge/Quant/A8W8.h"
#include "qforge/Quant/Codebooks.h"
#include "qforge/Quant/OutputError.h"
#include "qforge/Quant/WeightQuant.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

namespace qforge::autoquant {
namespace {

using namespace qforge::quant;

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// x rounded to int8 with scale amax / 127 over [begin, end) of one row,
/// as the kernels do (an all-zero range keeps scale 1).
void roundInt8(float *x, int64_t begin, int64_t end, float amax) {
  float scale = amax / 127.0f;
  if (scale == 0.0f)
    scale = 1.0f;
  float inv = 1.0f / scale;
  for (int64_t i = begin; i < end; ++i)
    x[i] = std::clamp(std::nearbyint(x[i] * inv), -127.0f, 127.0f) * scale;
}

float absMax(const float *x, int64_t begin, int64_t end) {
  float m = 0.0f;
  for (int64_t i = begin; i < end; ++i)
    m = std::max(m, std::fabs(x[i]));
  return m;
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
    channels.resize(size_t(in.n * full.k));
    for (int64_t c = 0; c < in.n; ++c) {
      int64_t row = c * full.n / in.n;
      std::copy(full.w + row * full.k, full.w + (row + 1) * full.k,
                channels.begin() + c * full.k);
    }
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
  if (book) {
    ScaleIndexer index({n, k}, spec.layout);
    for (int64_t i = 0; i < n * k; ++i)
      wq[i] = qt.params.scales[index(i)] *
              (float(book->levels[qt.values[i] & 15]) * book->step);
  }

  if (!in.x)
    return sqnrDb(relativeError(in.w, wq.data(), size_t(n * k)));
  if (!candidate.quantizesActivations())
    return sqnrDb(relativeOutputError(in.x, in.rows, k, in.w, wq.data(), n));

  std::vector<float> xq(in.x, in.x + in.rows * k);
  for (int64_t r = 0; r < in.rows; ++r) {
    float *row = xq.data() + r * k;
    switch (scheme.activation) {
    case ActivationMode::Dynamic:
      roundInt8(row, 0, k, absMax(row, 0, k));
      break;
    case ActivationMode::Static:
      roundInt8(row, 0, k, in.staticAbsMax);
      break;
    case ActivationMode::None: {
      int64_t g = scheme.granularity == Granularity::Group ? scheme.groupSize
                                                           : k;
      for (int64_t g0 = 0; g0 < k; g0 += g)
        roundInt8(row, g0, std::min(k, g0 + g),
                  absMax(row, g0, std::min(k, g0 + g)));
      break;
    }
    }
  }
  std::vector<float> y = matmulTransposed(in.x, in.rows, k, in.w, n);
  std::vector<float> yq = matmulTransposed(xq.data(), in.rows, k, wq.data(), n);
  return sqnrDb(relativeError(y.data(), yq.data(), y.size()));
}

} // namespace qforge::autoquant
