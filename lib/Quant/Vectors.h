//===- Vectors.h - Fixed-width vectors for the core's hot loops -*- C++ -*-===//
//
// 128-bit vectors (the x86-64 baseline, also NEON) through the GCC/Clang
// vector extension. Their arithmetic is lane-wise IEEE, without contraction
// into FMA under the core's -ffp-contract=off, so a lane computes exactly
// what the scalar loop would: the hot loops use them to keep register tiles
// that the auto-vectorizer otherwise spills.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_QUANT_VECTORS_H
#define QFORGE_LIB_QUANT_VECTORS_H

#include <cstring>

namespace qforge::quant::vec {

typedef double Double2 __attribute__((vector_size(16)));
typedef float Float4 __attribute__((vector_size(16)));

/// The 128-bit vector of T.
template <typename T> struct VectorOf;
template <> struct VectorOf<double> { using type = Double2; };
template <> struct VectorOf<float> { using type = Float4; };
template <typename T> using Vector = typename VectorOf<T>::type;

template <typename V, typename T>
inline V load(const T *p) {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}

template <typename V, typename T>
inline void store(T *p, V v) {
  std::memcpy(p, &v, sizeof(V));
}

} // namespace qforge::quant::vec

#endif // QFORGE_LIB_QUANT_VECTORS_H
