// RUN: qforge-opt %s --qf-externalize-constants=min-bytes=64 | FileCheck %s
// RUN: qforge-opt %s --qf-externalize-constants | FileCheck %s --check-prefix=DEFAULT

// From 64 bytes on, constant globals of byte-sized (or one-per-byte
// sub-byte) elements lose their value and become external declarations of
// the same name, type and alignment; the rest stay as they are.

// CHECK: llvm.mlir.global external constant @weights() {addr_space = 0 : i32, alignment = 64 : i64} : !llvm.array<4 x array<8 x f32>>
// DEFAULT: llvm.mlir.global private constant @weights(dense<
llvm.mlir.global private constant @weights(dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]]> : tensor<4x8xf32>) {addr_space = 0 : i32, alignment = 64 : i64} : !llvm.array<4 x array<8 x f32>>

// A splat is written out in full by the JIT's copy: externalized too.
// CHECK: llvm.mlir.global external constant @splat() {addr_space = 0 : i32} : !llvm.array<32 x i32>
llvm.mlir.global private constant @splat(dense<7> : tensor<32xi32>) {addr_space = 0 : i32} : !llvm.array<32 x i32>

// int4 codes: one byte per element in the attribute and in LLVM's layout.
// CHECK: llvm.mlir.global external constant @codes() {addr_space = 0 : i32} : !llvm.array<8 x array<8 x i4>>
llvm.mlir.global private constant @codes(dense<3> : tensor<8x8xi4>) {addr_space = 0 : i32} : !llvm.array<8 x array<8 x i4>>

// Smaller than min-bytes.
// CHECK: llvm.mlir.global private constant @small(dense<1.000000e+00> : tensor<15xf32>)
llvm.mlir.global private constant @small(dense<1.0> : tensor<15xf32>) {addr_space = 0 : i32} : !llvm.array<15 x f32>

// Not constant: the program may write it.
// CHECK: llvm.mlir.global private @mutable(dense<0.000000e+00> : tensor<64xf32>)
llvm.mlir.global private @mutable(dense<0.0> : tensor<64xf32>) {addr_space = 0 : i32} : !llvm.array<64 x f32>

// i1 is bit-packed in attributes, a byte each in LLVM: kept.
// CHECK: llvm.mlir.global private constant @mask(dense<true> : tensor<512xi1>)
llvm.mlir.global private constant @mask(dense<true> : tensor<512xi1>) {addr_space = 0 : i32} : !llvm.array<512 x i1>

// A value that is not laid out as its elements (a struct): kept.
// CHECK: llvm.mlir.global private constant @pair(dense<1.000000e+00> : tensor<32xf32>)
llvm.mlir.global private constant @pair(dense<1.0> : tensor<32xf32>) {addr_space = 0 : i32} : !llvm.struct<(array<16 x f32>, array<16 x f32>)>
