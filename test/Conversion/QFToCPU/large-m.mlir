// The large-M (prefill) GEMM kernel (LargeMKernel.cpp): from 32 lhs rows on,
// each K block of 512 x 16 weights is decoded once into a tile (scale and
// zero point folded in) and a 6 x 16 register-blocked microkernel runs every
// row block against it. Static M chooses at compile time, dynamic M at run
// time.
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3+avx2+fma --qf-cpu-select-kernels=pack=false --qf-lower-to-cpu --canonicalize --cse | FileCheck %s

// Static M = 64, w4g128 asymmetric weights as arguments: only the large-M
// kernel; the tile is a 512 x 16 f32 buffer (never one of the weight's
// size), the accumulators 64 rows x the panels of one range (3 ranges of
// one 16-column panel, in an scf.parallel); the decoded codes get the
// scale and -scale*zp in one FMA; the
// microkernel's loop carries 12 accumulators (6 rows x 2 vectors).
// CHECK-LABEL: func @w4_static_large
// CHECK-NOT: scf.if
// CHECK-NOT: memref<64x300xf32>
// CHECK-DAG: %[[TILE:.*]] = memref.alloc() {alignment = 64 : i64} : memref<512x16xf32>
// CHECK-DAG: %[[C:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<64x?xf32>
// CHECK: arith.negf
// CHECK: vector.fma
// CHECK: memref.store %{{.*}}, %[[TILE]]
// CHECK: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// CHECK: vector.load %[[TILE]]
// CHECK: vector.broadcast %{{.*}} : f32 to vector<8xf32>
// CHECK: vector.fma
// CHECK: vector.load %[[C]]{{.*}} : memref<64x?xf32>, vector<16xf32>
// CHECK: math.erf %{{.*}} : vector<16xf32>
// CHECK: vector.transfer_write
// CHECK-NOT: memref<64x300xf32>
func.func @w4_static_large(%x: tensor<64x300xf32>, %w: tensor<37x300xui4>, %s: tensor<37x3xf32>, %z: tensor<37x3xui4>) -> tensor<64x37xf32> {
  %y = qf.matmul #qf.scheme<"w4g128asym"> %x, %w scale(%s) zero_point(%z) activation(gelu) : (tensor<64x300xf32>, tensor<37x300xui4>, tensor<37x3xf32>, tensor<37x3xui4>) -> tensor<64x37xf32>
  return %y : tensor<64x37xf32>
}

// -----

// Static M = 8: the small-M kernel only.
// CHECK-LABEL: func @w4_static_small
// CHECK-NOT: scf.if
// CHECK-NOT: memref<512x16xf32>
// CHECK: return
func.func @w4_static_small(%x: tensor<8x300xf32>, %w: tensor<37x300xi4>, %s: tensor<37x3xf32>) -> tensor<8x37xf32> {
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) : (tensor<8x300xf32>, tensor<37x300xi4>, tensor<37x3xf32>) -> tensor<8x37xf32>
  return %y : tensor<8x37xf32>
}

// -----

// Dynamic M: both kernels, chosen at run time at M >= 32.
// CHECK-LABEL: func @w8_dynamic
// CHECK: %[[M:.*]] = tensor.dim
// CHECK: %[[LARGE:.*]] = arith.cmpi sge, %[[M]], %c32
// CHECK: scf.if %[[LARGE]]
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<512x16xf32>
// CHECK: memref.alloc(%[[M]], %{{.*}}) {alignment = 64 : i64} : memref<?x?xf32>
// CHECK: } else {
// CHECK-NOT: memref<512x16xf32>
// CHECK: vector.reduction <add>
func.func @w8_dynamic(%x: tensor<?x300xf32>, %w: tensor<37x300xi8>, %s: tensor<37xf32>) -> tensor<?x37xf32> {
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<?x300xf32>, tensor<37x300xi8>, tensor<37xf32>) -> tensor<?x37xf32>
  return %y : tensor<?x37xf32>
}

// -----

// a8w8, dynamic M: the activations are quantized once for both kernels; the
// large-M one widens them to int16 pairs (one i32 per pair), decodes the
// weights into a 256-pair x 16 tile of int16 pairs and multiplies a
// broadcast lhs pair with it, summing adjacent products in i32.
// CHECK-LABEL: func @a8w8_dynamic
// CHECK: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x320xi8>
// CHECK: scf.if
// CHECK: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x160xi32>
// CHECK: arith.extsi %{{.*}} : vector<16xi8> to vector<16xi16>
// CHECK: %[[TILE:.*]] = memref.alloc() {alignment = 64 : i64} : memref<160x16xi32>
// CHECK: vector.bitcast %{{.*}} : vector<32xi16> to vector<16xi32>
// CHECK: memref.store %{{.*}}, %[[TILE]]
// CHECK: vector.load %[[TILE]]
// CHECK: vector.bitcast %{{.*}} : vector<8xi32> to vector<16xi16>
// CHECK: arith.muli %{{.*}} : vector<16xi32>
// CHECK: vector.shuffle
// CHECK: arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: } else {
func.func @a8w8_dynamic(%x: tensor<?x300xf32>, %w: tensor<37x300xi8>, %s: tensor<37xf32>) -> tensor<?x37xf32> {
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) : (tensor<?x300xf32>, tensor<37x300xi8>, tensor<37xf32>) -> tensor<?x37xf32>
  return %y : tensor<?x37xf32>
}
