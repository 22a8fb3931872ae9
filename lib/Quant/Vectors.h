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

typedef double Double2 __attribute__((vector_size(16)));
typedef float Float4 __attribute__((vector_size(16)));
typedef double Double4 __attribute__((vector_size(32)));
typedef float Float8 __attribute__((vector_size(32)));

/// The vector of T that is `Bytes` wide.
template <typename T, int Bytes> struct VectorOf;
template <> struct VectorOf<double, 16> { using type = Double2; };
template <> struct VectorOf<float, 16> { using type = Float4; };
template <> struct VectorOf<double, 32> { using type = Double4; };
template <> struct VectorOf<float, 32> { using type = Float8; };
template <typename T, int Bytes>
using Vector = typename VectorOf<T, Bytes>::type;

/// The same vectors at any alignment, allowed to alias their elements: the
/// kernels load and store through them.
template <typename V> struct UnalignedOf;
template <> struct UnalignedOf<Double2> {
  typedef double type __attribute__((vector_size(16), aligned(1), may_alias));
};
template <> struct UnalignedOf<Float4> {
  typedef float type __attribute__((vector_size(16), aligned(1), may_alias));
};
template <> struct UnalignedOf<Double4> {
  typedef double type __attribute__((vector_size(32), aligned(1), may_alias));
};
template <> struct UnalignedOf<Float8> {
  typedef float type __attribute__((vector_size(32), aligned(1), may_alias));
};
template <typename V> using Unaligned = typename UnalignedOf<V>::type;

} // namespace qforge::quant::vec

#endif // QFORGE_LIB_QUANT_VECTORS_H
