// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64+avx2+fma --qf-cpu-select-kernels --qf-pack-weights | FileCheck %s
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64+avx2+fma --qf-cpu-select-kernels --qf-pack-weights --qf-lower-to-cpu --canonicalize | FileCheck %s --check-prefix=LOWER
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3+avx2+fma+f16c --qf-cpu-select-kernels --qf-pack-weights --qf-lower-to-cpu --canonicalize | FileCheck %s --check-prefix=F16C

// w4g32, N = 2, K = 40: one tile of 4 rows (rows 2, 3 are zero padding), two
// groups (32 + a partial 8, padded to a whole block of 32). Per group: the
// header (4 f32 scales 0.5, 1.0, 0, 0 / 2.0, 4.0, 0, 0, then 4 f32 zero terms
// 8 * scale), then per row 16 bytes, byte j = (e[j] + 8) | (e[j + 16] + 8) << 4.
// CHECK: memref.global "private" constant @__qf_packed_weights : memref<192xi8> = dense<"0x
// CHECK-SAME: 0000003F0000803F000000000000000000008040000000410000000000000000
// CHECK-SAME: 8899AABBCCDDEEFF001122334455667799999999999999999999999999999999
// CHECK-SAME: 0000000000000000000000000000000000000000000000000000000000000000
// CHECK-SAME: 0000004000008040000000000000000000008041000000420000000000000000
// CHECK-SAME: 08090A0B0C0D0E0F00000000000000000909090909090909
// CHECK-SAME: "> {alignment = 64 : i64}
// CHECK-LABEL: func @w4g32
// CHECK: qf.matmul #qf.scheme<"w4g32"> {{.*}} qf.cpu.packed = {bits = 4 : i64, global = @__qf_packed_weights, group = 32 : i64, k = 40 : i64, kb = 32 : i64, lookup_order = false, n = 2 : i64, nr = 4 : i64, zero_term = true}}

// The kernel streams the global with vector loads (no per-element reads) and
// the original weight constant is gone.
// LOWER-LABEL: func @w4g32
// LOWER-NOT: tensor<2x40xi4>
// LOWER: memref.get_global @__qf_packed_weights : memref<192xi8>
// LOWER: vector.load %{{.*}} : memref<192xi8>, vector<16xi8>
// LOWER: vector.bitcast %{{.*}} : vector<16xi8> to vector<4xf32>
// LOWER: vector.load %{{.*}} : memref<192xi8>, vector<16xi8>
// LOWER: arith.andi
// LOWER: arith.shrui
// LOWER-NOT: llvm.load
// LOWER-NOT: vector.gather
// LOWER: vector.fma
func.func @w4g32(%x: tensor<?x40xf32>) -> tensor<?x2xf32> {
  %w = arith.constant dense<[[0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]> : tensor<2x40xi4>
  %s = arith.constant dense<[[0.5, 2.0], [1.0, 4.0]]> : tensor<2x2xf32>
  %y = qf.matmul #qf.scheme<"w4g32"> %x, %w scale(%s) : (tensor<?x40xf32>, tensor<2x40xi4>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}

// -----

// Asymmetric uint8 per channel: codes as they are, zero term = scale * zp.
// CHECK: memref.global "private" constant @__qf_packed_weights : memref<160xi8> = dense<"0x
// CHECK-SAME: 0000803F00000000000000000000000000004842000000000000000000000000FF0032000000
// CHECK-LABEL: func @w8asym
// CHECK: bits = 8 : i64, {{.*}}zero_term = true
func.func @w8asym(%x: tensor<1x3xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<[[255, 0, 50]]> : tensor<1x3xui8>
  %s = arith.constant dense<[1.0]> : tensor<1xf32>
  %z = arith.constant dense<[50]> : tensor<1xui8>
  %y = qf.matmul #qf.scheme<"w8asym"> %x, %w scale(%s) zero_point(%z) : (tensor<1x3xf32>, tensor<1x3xui8>, tensor<1xf32>, tensor<1xui8>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// Not packed: weights that are not constants, and groups smaller than the
// smallest block that fills a vector (2 nibble fields x 8 lanes).
// CHECK-NOT: memref.global
// CHECK-LABEL: func @not_constant
// CHECK-NOT: qf.cpu.packed
// CHECK-LABEL: func @tiny_groups
// CHECK-NOT: qf.cpu.packed
// LOWER-LABEL: func @not_constant
// LOWER: llvm.load
func.func @not_constant(%x: tensor<1x64xf32>, %w: tensor<4x64xi4>, %s: tensor<4x2xf32>) -> tensor<1x4xf32> {
  %y = qf.matmul #qf.scheme<"w4g32"> %x, %w scale(%s) : (tensor<1x64xf32>, tensor<4x64xi4>, tensor<4x2xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}
func.func @tiny_groups(%x: tensor<1x16xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<1> : tensor<1x16xi4>
  %s = arith.constant dense<1.0> : tensor<1x2xf32>
  %y = qf.matmul #qf.scheme<"w4g8"> %x, %w scale(%s) : (tensor<1x16xf32>, tensor<1x16xi4>, tensor<1x2xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// FP8: blocks of 16 (2 vectors per row: the arithmetic decode's registers),
// and a `specials = false` flag when no code is NaN, so the kernel leaves
// out the NaN fix-up; with a NaN code (0x7F) the flag is absent. With F16C
// the decode goes through f16 (sign-extend, shift, mask, convert, scale by
// 2^8), otherwise through i32 fields (subnormals by a compare and select).
// CHECK-LABEL: func @fp8_finite
// CHECK: qf.cpu.packed = {bits = 8 : i64, {{.*}}kb = 16 : i64, {{.*}}specials = false,
// CHECK-LABEL: func @fp8_nan
// CHECK-NOT: specials
// CHECK: return
// LOWER-LABEL: func @fp8_finite
// LOWER: arith.extui %{{.*}} : vector<8xi8> to vector<8xi32>
// LOWER: arith.cmpi ult
// LOWER-NOT: arith.cmpi eq
// LOWER-LABEL: func @fp8_nan
// LOWER: arith.cmpi eq
// F16C-LABEL: func @fp8_finite
// F16C: arith.extsi %{{.*}} : vector<8xi8> to vector<8xi16>
// F16C-NOT: arith.cmpi eq
// F16C: arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
// F16C-NOT: arith.cmpi eq
// F16C-LABEL: func @fp8_nan
// F16C: arith.cmpi eq
// F16C: arith.extf %{{.*}} : vector<8xf16> to vector<8xf32>
func.func @fp8_finite(%x: tensor<1x16xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<"0x00017E80FE0102030405060708090A0B"> : tensor<1x16xf8E4M3FN>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %y = qf.matmul #qf.scheme<"fp8"> %x, %w scale(%s) : (tensor<1x16xf32>, tensor<1x16xf8E4M3FN>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
func.func @fp8_nan(%x: tensor<1x16xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<"0x00017F80FE0102030405060708090A0B"> : tensor<1x16xf8E4M3FN>
  %s = arith.constant dense<1.0> : tensor<1xf32>
  %y = qf.matmul #qf.scheme<"fp8"> %x, %w scale(%s) : (tensor<1x16xf32>, tensor<1x16xf8E4M3FN>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
