//===- VectorWidth.h - Vector width of the numeric core's kernels -*- C++ -*-===//
//
// GPTQ's factorization, inverse and updates run on 128-bit vectors, or on
// 256-bit ones where the host has AVX2. Both compute every element with the
// same operations in the same order (no FMA), so the results are
// bit-identical; tests and benchmarks pin one width to check that.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_QUANT_VECTORWIDTH_H
#define QFORGE_QUANT_VECTORWIDTH_H

#include <optional>

namespace qforge::quant {

/// Bits of the vectors the kernels use now: 256 on x86-64 hosts with AVX2,
/// else 128, unless overridden.
int kernelVectorBits();

/// Pins kernelVectorBits() to 128, or to 256 where the host supports it
/// (returns false and changes nothing otherwise); nullopt restores the
/// host's choice. Not thread-safe: for tests and benchmarks.
bool overrideKernelVectorBits(std::optional<int> bits);

} // namespace qforge::quant

#endif // QFORGE_QUANT_VECTORWIDTH_H
