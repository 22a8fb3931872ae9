// RUN: qforge-opt %s -split-input-file --qf-contiguous-loop-order | FileCheck %s

// A matmul with a [K, N] weight: the innermost loop k strides down B's
// columns; n, along which B and C are contiguous, moves innermost. The
// reduction loop is unchanged, so every C[m, n] is summed in the same order.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @matmul_kn
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : memref<2x64xf32>, memref<64x32xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.matmul
func.func @matmul_kn(%a: memref<2x64xf32>, %b: memref<64x32xf32>,
                     %c: memref<2x32xf32>) {
  linalg.matmul ins(%a, %b : memref<2x64xf32>, memref<64x32xf32>)
                outs(%c : memref<2x32xf32>)
  return
}

// -----

// An [N, K] weight (the layout of qf's reference lowering): the innermost k
// already walks every operand contiguously; nothing moves.
#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#s = affine_map<(m, n, k) -> (n, k floordiv 32)>
#y = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @matmul_nk
// CHECK: iterator_types = ["parallel", "parallel", "reduction"]
func.func @matmul_nk(%x: tensor<2x64xf32>, %w: tensor<32x64xf32>,
                     %s: tensor<32x2xf32>, %y: tensor<2x32xf32>) -> tensor<2x32xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #s, #y],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w, %s : tensor<2x64xf32>, tensor<32x64xf32>, tensor<32x2xf32>)
      outs(%y : tensor<2x32xf32>) {
  ^bb0(%a: f32, %b: f32, %sc: f32, %acc: f32):
    %d = arith.mulf %b, %sc : f32
    %p = arith.mulf %a, %d : f32
    %t = arith.addf %acc, %p : f32
    linalg.yield %t : f32
  } -> tensor<2x32xf32>
  return %r : tensor<2x32xf32>
}

// -----

// A convolution's innermost window loop walks its input contiguously (the
// last index ow + kw) and its filter's last index: unchanged.
// CHECK-LABEL: func.func @conv
// CHECK: linalg.conv_2d_nchw_fchw
func.func @conv(%i: memref<1x3x8x8xf32>, %f: memref<4x3x3x3xf32>,
                %o: memref<1x4x6x6xf32>) {
  linalg.conv_2d_nchw_fchw ins(%i, %f : memref<1x3x8x8xf32>, memref<4x3x3x3xf32>)
                           outs(%o : memref<1x4x6x6xf32>)
  return
}

// -----

// No reduction (a transpose): left alone, whichever operand strides.
// CHECK-LABEL: func.func @transpose
// CHECK: linalg.transpose
func.func @transpose(%a: memref<8x4xf32>, %b: memref<4x8xf32>) {
  linalg.transpose ins(%a : memref<8x4xf32>) outs(%b : memref<4x8xf32>) permutation = [1, 0]
  return
}

// -----

// A batched matmul with a shared [K, N] weight: n moves innermost; batch
// and m keep their order, and so does the reduction.
// CHECK-LABEL: func.func @batch_matmul_kn
// CHECK: iterator_types = ["parallel", "parallel", "reduction", "parallel"]
func.func @batch_matmul_kn(%a: tensor<3x2x64xf32>, %b: tensor<3x64x32xf32>,
                           %c: tensor<3x2x32xf32>) -> tensor<3x2x32xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<3x2x64xf32>, tensor<3x64x32xf32>)
                           outs(%c : tensor<3x2x32xf32>) -> tensor<3x2x32xf32>
  return %r : tensor<3x2x32xf32>
}
