// RUN: qforge-opt %s -split-input-file --qf-import-quant | FileCheck %s

// CHECK-LABEL: func @per_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>) -> tensor<4xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<3> : tensor<i8>
// CHECK: %[[Q:.*]] = qf.quantize %[[X]], %[[S]], %[[Z]] : (tensor<4xf32>, tensor<f32>, tensor<i8>) -> tensor<4xi8>
// CHECK-NOT: quant.
// CHECK: return %[[Q]] : tensor<4xi8>
func.func @per_tensor(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5:3>> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

// A zero point of 0 everywhere is left out; unsigned storage becomes uiN.
// CHECK-LABEL: func @round_trip_unsigned
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>) -> tensor<4xf32>
// CHECK: %[[S:.*]] = arith.constant dense<2.500000e-01> : tensor<f32>
// CHECK: %[[Q:.*]] = qf.quantize %[[X]], %[[S]] : (tensor<4xf32>, tensor<f32>) -> tensor<4xui8>
// CHECK: %[[S2:.*]] = arith.constant dense<2.500000e-01> : tensor<f32>
// CHECK: qf.dequantize %[[Q]], %[[S2]] : (tensor<4xui8>, tensor<f32>) -> tensor<4xf32>
func.func @round_trip_unsigned(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.25>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<u8:f32, 0.25>> to tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @per_axis
// CHECK-DAG: arith.constant dense<[5.000000e-01, 2.500000e-01, 2.000000e+00]> : tensor<3xf32>
// CHECK-DAG: arith.constant dense<[128, 120, 0]> : tensor<3xui8>
// CHECK: qf.quantize %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xui8>) -> tensor<2x3xui8>
!qa = !quant.uniform<u8:f32:1, {0.5:128, 0.25:120, 2.0:0}>
func.func @per_axis(%x: tensor<2x3xf32>) -> tensor<2x3x!qa> {
  %q = quant.qcast %x : tensor<2x3xf32> to tensor<2x3x!qa>
  return %q : tensor<2x3x!qa>
}

// -----

// Sub-channel with one blocked dimension: ONNX-style blocked layout.
// CHECK-LABEL: func @sub_channel
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4xi8>)
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 3.000000e+00], [4.000000e+00, 5.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi8>
// CHECK: qf.dequantize %[[Q]], %[[S]], %[[Z]] {axis = 1 : i64, block_size = 2 : i64}
!qs = !quant.uniform<i8:f32:{0:1, 1:2}, {{2.0:1, 3.0:2}, {4.0:3, 5.0:4}}>
func.func @sub_channel(%q: tensor<2x4x!qs>) -> tensor<2x4xf32> {
  %x = quant.dcast %q : tensor<2x4x!qs> to tensor<2x4xf32>
  return %x : tensor<2x4xf32>
}

// -----

// Two blocked dimensions: block along the one that shrinks most (dim 1, by
// 4) and repeat the scales along dim 0.
// CHECK-LABEL: func @sub_channel_two_dims
// CHECK: arith.constant dense<{{\[\[}}2.000000e+00], [2.000000e+00], [4.000000e+00], [4.000000e+00]]> : tensor<4x1xf32>
// CHECK: qf.dequantize %{{.*}} {axis = 1 : i64, block_size = 4 : i64} : (tensor<4x4xi4>, tensor<4x1xf32>) -> tensor<4x4xf32>
!qs2 = !quant.uniform<i4:f32:{0:2, 1:4}, {{2.0}, {4.0}}>
func.func @sub_channel_two_dims(%q: tensor<4x4x!qs2>) -> tensor<4x4xf32> {
  %x = quant.dcast %q : tensor<4x4x!qs2> to tensor<4x4xf32>
  return %x : tensor<4x4xf32>
}

// -----

// scast is a no-op once types are storage types; calls are converted too.
// CHECK-LABEL: func @callee(%{{.*}}: tensor<4xi8>) -> tensor<4xi8>
// CHECK-LABEL: func @caller
// CHECK: %[[C:.*]] = call @callee(%{{.*}}) : (tensor<4xi8>) -> tensor<4xi8>
// CHECK-NOT: quant.scast
// CHECK: return %[[C]] : tensor<4xi8>
!qc = !quant.uniform<i8:f32, 1.0>
func.func @callee(%q: tensor<4x!qc>) -> tensor<4x!qc> {
  return %q : tensor<4x!qc>
}
func.func @caller(%i: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %i : tensor<4xi8> to tensor<4x!qc>
  %r = call @callee(%q) : (tensor<4x!qc>) -> tensor<4x!qc>
  %o = quant.scast %r : tensor<4x!qc> to tensor<4xi8>
  return %o : tensor<4xi8>
}
