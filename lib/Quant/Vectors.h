//===- Vectors.h - Fixed-width vectors for the core's hot loops -*- C++ -*-===//
//
// 128-bit vectors (the x86-64 baseline, also NEON) and 256-bit ones (AVX2)
// through the GCC/Clang vector extension. Their arithmetic is lane-wise
// IEEE, without contraction into FMA under the core's -ffp-contract=off, so
// a lane computes exactly what the scalar loop would: the hot loops use them
// to keep register tiles that the auto-vectorizer otherwise spills.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_QUANT_VECTORS_H
#define QFORGE_LIB_QUANT_VECTORS_H

// 256-bit variants of the kernels are compiled for x86-64 with AVX2 (no FMA:
// the same roundings) and chosen at run time (kernelVectorBits()).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define QFORGE_QUANT_WIDE_VECTORS 1
#define QFORGE_QUANT_TARGET_WIDE __attribute__((target("avx2")))
#else
#define QFORGE_QUANT_WIDE_VECTORS 0
#define QFORGE_QUANT_TARGET_WIDE
#endif

namespace qforge::quant::vec {

/// The vector of T that is `Bytes` wide, and the same vector at any
/// alignment, allowed to alias its elements (the kernels load and store
/// through it).
template <typename T, int Bytes> struct VectorOf {
  typedef T type __attribute__((vector_size(Bytes)));
  typedef T unaligned
      __attribute__((vector_size(Bytes), aligned(1), may_alias));
};
template <typename T, int Bytes>
using Vector = typename VectorOf<T, Bytes>::type;
template <typename T, int Bytes>
using Unaligned = typename VectorOf<T, Bytes>::unaligned;

} // namespace qforge::quant::vec

#endif // QFORGE_LIB_QUANT_VECTORS_H
