// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3 --qf-cpu-select-kernels=pack=false --qf-lower-to-cpu --canonicalize --cse | FileCheck %s

// w4g128 with a bias and GELU, unpacked weights (function arguments): the
// weights are read as bytes and decoded to f32 in registers inside the K
// loop; the group scale is applied to the per-group accumulators; the
// epilogue runs on the reduced accumulators. No linalg, and no f32 buffer of
// the weight's size.
// CHECK-LABEL: func @w4g128
// CHECK-NOT: linalg.
// CHECK-NOT: memref<8x256xf32>
// CHECK: %[[OUT:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?x8xf32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} -> (vector<8xf32>,
// CHECK: tensor.extract %{{.*}} : tensor<8x2xf32>
// CHECK: scf.for {{.*}} -> (vector<8xf32>,
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> vector<8xi8>
// CHECK: arith.shli
// CHECK: arith.shrsi
// CHECK: arith.sitofp %{{.*}} : vector<8xi8> to vector<8xf32>
// CHECK: vector.transfer_read %{{.*}} {in_bounds = [true]} : memref<?x256xf32>, vector<8xf32>
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK: vector.broadcast %{{.*}} : f32 to vector<8xf32>
// CHECK: vector.fma
// CHECK: vector.reduction <add>, %{{.*}} : vector<8xf32> into f32
// CHECK: vector.from_elements
// CHECK: vector.transfer_read %{{.*}} : memref<8xf32>, vector<4xf32>
// CHECK: arith.addf
// CHECK: math.erf %{{.*}} : vector<4xf32>
// CHECK: vector.transfer_write %{{.*}}, %[[OUT]]
// CHECK-NOT: memref<8x256xf32>
// CHECK: bufferization.to_tensor %[[OUT]] restrict writable
func.func @w4g128(%x: tensor<?x256xf32>, %w: tensor<8x256xi4>, %s: tensor<8x2xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) bias(%b) activation(gelu) : (tensor<?x256xf32>, tensor<8x256xi4>, tensor<8x2xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// w8 asymmetric per channel, K = 70: full 8-lane steps with in-bounds reads,
// then a masked tail of 6; the zero point enters as (scale * zp) * sum(x),
// with the sums of x per group computed once, before the tile loop. uiN
// types are signless afterwards.
// CHECK-LABEL: func @w8asym
// CHECK-SAME: tensor<4x70xi8>
// CHECK-NOT: ui8
// CHECK: %[[XSUMS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x1xf32>
// CHECK: vector.reduction <add>
// CHECK: memref.store %{{.*}}, %[[XSUMS]]
// CHECK: %[[ZT:.*]] = arith.mulf
// CHECK: vector.transfer_read %{{.*}} {in_bounds = [true]} : memref<4x70xi8>, vector<8xi8>
// CHECK: arith.uitofp %{{.*}} : vector<8xi8> to vector<8xf32>
// CHECK: %[[MASK:.*]] = vector.constant_mask [6] : vector<8xi1>
// CHECK: vector.transfer_read %{{.*}}[%{{.*}}, %c64], %{{.*}}, %[[MASK]] {in_bounds = [true]} : memref<4x70xi8>, vector<8xi8>
// CHECK: %[[XS:.*]] = memref.load %[[XSUMS]]
// CHECK: math.fma %[[ZT]], %[[XS]]
// CHECK: arith.subf
func.func @w8asym(%x: tensor<2x70xf32>, %w: tensor<4x70xui8>, %s: tensor<4xf32>, %z: tensor<4xui8>) -> tensor<2x4xf32> {
  %y = qf.matmul #qf.scheme<"w8asym"> %x, %w scale(%s) zero_point(%z) : (tensor<2x70xf32>, tensor<4x70xui8>, tensor<4xf32>, tensor<4xui8>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// NF4: codes are indices into the 16 levels, looked up in registers.
// CHECK: memref.global "private" constant @__qf_nf4_levels : memref<16xf32> = dense<[-1.000000e+00,
// CHECK-LABEL: func @nf4g64
// CHECK: arith.andi %{{.*}} : vector<8xi8>
// CHECK: arith.extui %{{.*}} : vector<8xi8> to vector<8xi32>
// CHECK: vector.gather %{{.*}}[%{{.*}}] [%{{.*}}], %{{.*}}, %{{.*}} : memref<16xf32>, vector<8xi32>, vector<8xi1>, vector<8xf32> into vector<8xf32>
// CHECK: vector.fma
func.func @nf4g64(%x: tensor<1x64xf32>, %w: tensor<3x64xui4>, %s: tensor<3x1xf32>) -> tensor<1x3xf32> {
  %y = qf.matmul #qf.scheme<"nf4g64"> %x, %w scale(%s) : (tensor<1x64xf32>, tensor<3x64xui4>, tensor<3x1xf32>) -> tensor<1x3xf32>
  return %y : tensor<1x3xf32>
}

// -----

// a8w8 (dynamic) with a requantized ui8 result: the activations are quantized
// per row into an int8 buffer of the activation's size (amax, divf,
// roundeven, clamp), the products accumulate in i32 vectors (sign-extended,
// multiplied, summed in adjacent pairs: vpmaddwd on AVX2), and the epilogue
// scales, requantizes and stores i8.
// CHECK-LABEL: func @a8w8
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<3x96xi8>
// CHECK: arith.maximumf %{{.*}} : vector<8xf32>
// CHECK: vector.reduction <maximumf>
// CHECK: arith.divf %{{.*}} : vector<8xf32>
// CHECK: math.roundeven %{{.*}} : vector<8xf32>
// CHECK: arith.trunci %{{.*}} : vector<8xi32> to vector<8xi8>
// CHECK: vector.transfer_write %{{.*}} : vector<8xi8>, memref<3x96xi8>
// CHECK: arith.extsi %{{.*}} : vector<32xi8> to vector<32xi32>
// CHECK: arith.muli %{{.*}} : vector<32xi32>
// CHECK: vector.shuffle
// CHECK: arith.addi %{{.*}} : vector<16xi32>
// CHECK: vector.reduction <add>, %{{.*}} : vector<8xi32> into i32
// CHECK: arith.sitofp %{{.*}} : vector<4xi32> to vector<4xf32>
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: math.roundeven %{{.*}} : vector<4xf32>
// CHECK: arith.trunci %{{.*}} : vector<4xi32> to vector<4xi8>
// CHECK: vector.transfer_write %{{.*}} : vector<4xi8>, memref<3x5xi8>
func.func @a8w8(%x: tensor<3x70xf32>, %w: tensor<5x70xi8>, %s: tensor<5xf32>, %os: tensor<f32>, %oz: tensor<ui8>) -> tensor<3x5xui8> {
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) output_scale(%os) output_zero_point(%oz) : (tensor<3x70xf32>, tensor<5x70xi8>, tensor<5xf32>, tensor<f32>, tensor<ui8>) -> tensor<3x5xui8>
  return %y : tensor<3x5xui8>
}

// -----

// Other qf ops take the reference lowering.
// CHECK-LABEL: func @others
// CHECK: linalg.generic
// CHECK-NOT: qf.
func.func @others(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xi8> {
  %q = qf.quantize %x, %s : (tensor<4xf32>, tensor<f32>) -> tensor<4xi8>
  return %q : tensor<4xi8>
}
