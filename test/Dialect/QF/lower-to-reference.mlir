// RUN: qforge-opt %s -split-input-file --qf-lower-to-reference | FileCheck %s

// Blocked int4 quantize: the scale and zero point are indexed by the block;
// the body is roundeven(x / s) + zp, clamped, NaN to the zero point; uiN
// becomes iN everywhere, signature included.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[BLK:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 32)>
// CHECK-LABEL: func @quantize_blocked
// CHECK-SAME: (%[[X:.*]]: tensor<4x70xf32>, %[[S:.*]]: tensor<4x3xf32>, %[[Z:.*]]: tensor<4x3xi4>) -> tensor<4x70xi4>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[BLK]], #[[BLK]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[S]], %[[Z]] : tensor<4x70xf32>, tensor<4x3xf32>, tensor<4x3xi4>)
// CHECK: ^bb0(%[[XV:.*]]: f32, %[[SV:.*]]: f32, %[[ZV:.*]]: i4, %{{.*}}: i4):
// CHECK: %[[ZW:.*]] = arith.extui %[[ZV]] : i4 to i32
// CHECK: %[[ZF:.*]] = arith.sitofp %[[ZW]] : i32 to f32
// CHECK: %[[D:.*]] = arith.divf %[[XV]], %[[SV]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[D]] : f32
// CHECK: %[[A:.*]] = arith.addf %[[R]], %[[ZF]] : f32
// CHECK: %[[LO:.*]] = arith.maximumf %[[A]], %{{.*}} : f32
// CHECK: %[[HI:.*]] = arith.minimumf %[[LO]], %{{.*}} : f32
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[HI]], %[[HI]] : f32
// CHECK: %[[SEL:.*]] = arith.select %[[NAN]], %[[ZF]], %[[HI]] : f32
// CHECK: %[[I:.*]] = arith.fptosi %[[SEL]] : f32 to i32
// CHECK: %[[T:.*]] = arith.trunci %[[I]] : i32 to i4
// CHECK: linalg.yield %[[T]] : i4
func.func @quantize_blocked(%x: tensor<4x70xf32>, %s: tensor<4x3xf32>, %z: tensor<4x3xui4>) -> tensor<4x70xui4> {
  %q = qf.quantize %x, %s, %z {axis = 1 : i64, block_size = 32 : i64} : (tensor<4x70xf32>, tensor<4x3xf32>, tensor<4x3xui4>) -> tensor<4x70xui4>
  return %q : tensor<4x70xui4>
}

// -----

// Weight-only matmul: dequantize the weights by group, then an f32
// contraction over k with W indexed [n, k]; observe is dropped.
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[G:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 128)>
// CHECK-DAG: #[[L:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[R:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @matmul_w4g128
// CHECK-NOT: qf.observe
// CHECK: %[[DQ:.*]] = linalg.generic {indexing_maps = [#[[W]], #[[G]], #[[W]]]
// CHECK: arith.extsi %{{.*}} : i4 to i32
// CHECK: } -> tensor<64x256xf32>
// CHECK: %[[FILL:.*]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#[[L]], #[[R]], #[[O]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %[[DQ]] : tensor<?x256xf32>, tensor<64x256xf32>) outs(%[[FILL]] : tensor<?x64xf32>)
// CHECK-NOT: qf.
func.func @matmul_w4g128(%x: tensor<?x256xf32>, %w: tensor<64x256xi4>, %s: tensor<64x2xf32>) -> tensor<?x64xf32> {
  %o = qf.observe %x id "fc" : tensor<?x256xf32>
  %y = qf.matmul #qf.scheme<"w4g128"> %o, %w scale(%s) : (tensor<?x256xf32>, tensor<64x256xi4>, tensor<64x2xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}

// -----

// a8w8: per-row absmax, scale = absmax / 127 (1 when zero), int8 quantize,
// i32 accumulation, then acc * lhs_scale[row] * w_scale[n]; bias and relu
// in one epilogue.
// CHECK-LABEL: func @matmul_a8w8
// CHECK: math.absf
// CHECK: arith.maximumf
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
// CHECK: arith.select
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.trunci %{{.*}} : i32 to i8
// CHECK: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.extsi %{{.*}} : i8 to i32
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK: arith.mulf
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK-NOT: qf.
func.func @matmul_a8w8(%x: tensor<8x64xf32>, %w: tensor<16x64xi8>, %s: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<8x16xf32> {
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) bias(%b) activation(relu) : (tensor<8x64xf32>, tensor<16x64xi8>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// float8 encode is integer bit manipulation ending in a bitcast; decode is a
// table lookup of all 256 codes.
// CHECK-LABEL: func @fp8
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.bitcast %{{.*}} : i8 to f8E4M3FN
// CHECK: arith.constant dense<{{.*}}> : tensor<256xf32>
// CHECK: arith.bitcast %{{.*}} : f8E4M3FN to i8
// CHECK: tensor.extract
func.func @fp8(%x: tensor<8xf32>, %s: tensor<f32>) -> tensor<8xf32> {
  %q = qf.quantize %x, %s : (tensor<8xf32>, tensor<f32>) -> tensor<8xf8E4M3FN>
  %d = qf.dequantize %q, %s : (tensor<8xf8E4M3FN>, tensor<f32>) -> tensor<8xf32>
  return %d : tensor<8xf32>
}
