//===- VectorWidth.cpp - Vector width of the numeric core's kernels -------===//

#include "qforge/Quant/VectorWidth.h"

#include "Vectors.h"

namespace qforge::quant {
namespace {

bool hostHasWideVectors() {
#if QFORGE_QUANT_WIDE_VECTORS
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2;
#else
  return false;
#endif
}

std::optional<int> &overridden() {
  static std::optional<int> bits;
  return bits;
}

} // namespace

int kernelVectorBits() {
  if (overridden())
    return *overridden();
  return hostHasWideVectors() ? 256 : 128;
}

bool overrideKernelVectorBits(std::optional<int> bits) {
  if (bits && *bits != 128 && !(*bits == 256 && hostHasWideVectors()))
    return false;
  overridden() = bits;
  return true;
}

} // namespace qforge::quant
