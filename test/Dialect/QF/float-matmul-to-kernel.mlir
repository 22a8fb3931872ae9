// RUN: qforge-opt %s -split-input-file --qf-float-matmul-to-kernel | FileCheck %s

// A [K, N] constant weight: a new [N, K] constant of the transposed data,
// same values; the dead zero fill and the old weight are gone.
// CHECK-LABEL: func @matmul_kn
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, -5.000000e-01, 1.000000e-01], [5.000000e-01, 0.000000e+00, 1.500000e+00, -2.000000e+00], [-1.000000e+00, 2.500000e-01, 3.000000e+00, 1.000000e+00]]> : tensor<3x4xf32>
// CHECK: %[[Y:.*]] = qf.matmul #qf.scheme<"f32"> %[[X]], %[[W]] : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
// CHECK-NOT: qf.algorithm
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.matmul
// CHECK: return %[[Y]]
func.func @matmul_kn(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[1.0, 0.5, -1.0], [2.0, 0.0, 0.25], [-0.5, 1.5, 3.0], [0.1, -2.0, 1.0]]> : tensor<4x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// A weight already [N, K] (ONNX Gemm with transB, as the importer writes it)
// is used as it is: no second copy of the data.
// CHECK-LABEL: func @matmul_nk
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK: %[[W:.*]] = arith.constant dense_resource<w> : tensor<3x4xf32>
// CHECK-NOT: arith.constant {{.*}}tensor<3x4xf32>
// CHECK: qf.matmul #qf.scheme<"f32"> %[[X]], %[[W]] : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
// CHECK-NOT: linalg.matmul
#map = affine_map<(d0, d1, d2) -> (d0, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d1, d2)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @matmul_nk(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense_resource<w> : tensor<3x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul indexing_maps = [#map, #map1, #map2] ins(%x, %w : tensor<2x4xf32>, tensor<3x4xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x04000000000080BF0000004000000000000040400000803F000000BF00000000000080400000003F0000C0BF00004040000000C0"
    }
  }
#-}

// -----

// A weight behind linalg.transpose, and an accumulator that is not zero:
// it becomes the residual.
// CHECK-LABEL: func @transposed_with_acc
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>, %[[ACC:.*]]: tensor<2x3xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00], [9.000000e+00, 1.000000e+01, 1.100000e+01, 1.200000e+01]]> : tensor<3x4xf32>
// CHECK: qf.matmul #qf.scheme<"f32"> %[[X]], %[[W]] residual(%[[ACC]]) : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// CHECK-NOT: linalg.transpose
// CHECK-NOT: linalg.matmul
func.func @transposed_with_acc(%x: tensor<2x4xf32>, %acc: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %wnk = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]> : tensor<3x4xf32>
  %t0 = tensor.empty() : tensor<4x3xf32>
  %wkn = linalg.transpose ins(%wnk : tensor<3x4xf32>) outs(%t0 : tensor<4x3xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %wkn : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Leading dimensions of the lhs (batch, tokens) fold into M; f16 weights
// stay f16 (the kernels read f32, f16 and bf16 weights).
// CHECK-LABEL: func @tokens_f16
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<3x4xf16>
// CHECK: qf.matmul #qf.scheme<"f32"> %arg0, %[[W]] : (tensor<2x5x4xf32>, tensor<3x4xf16>) -> tensor<2x5x3xf32>
// CHECK-NOT: linalg.generic
#lhs = affine_map<(b, m, n, k) -> (b, m, k)>
#rhs = affine_map<(b, m, n, k) -> (k, n)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @tokens_f16(%x: tensor<2x5x4xf32>) -> tensor<2x5x3xf32> {
  %w = arith.constant dense<[[1.0, 0.5, -1.0], [2.0, 0.0, 0.25], [-0.5, 1.5, 3.0], [0.125, -2.0, 1.0]]> : tensor<4x3xf16>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x5x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x5x3xf32>) -> tensor<2x5x3xf32>
  %y = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<2x5x4xf32>, tensor<4x3xf16>) outs(%f : tensor<2x5x3xf32>) {
  ^bb0(%a: f32, %b: f16, %c: f32):
    %bf = arith.extf %b : f16 to f32
    %p = arith.mulf %a, %bf : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x5x3xf32>
  return %y : tensor<2x5x3xf32>
}

// -----

// Left alone: a weight that is not a constant (activations times
// activations), a dynamic K in the lhs (the kernels need a static K), and a
// batch_matmul (a 3-D weight is not a layer's [K, N]).
// CHECK-LABEL: func @left_alone
// CHECK-NOT: qf.matmul
// CHECK: linalg.matmul ins(%arg0, %arg1
// CHECK: linalg.matmul ins(%arg2, %{{.*}} : tensor<2x?xf32>, tensor<4x3xf32>)
// CHECK: linalg.batch_matmul
// CHECK-NOT: qf.matmul
func.func @left_alone(%x: tensor<2x4xf32>, %y: tensor<4x3xf32>, %d: tensor<2x?xf32>, %bx: tensor<2x2x4xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x2x3xf32>) {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %bw = arith.constant dense<1.0> : tensor<2x4x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %a = linalg.matmul ins(%x, %y : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  %b = linalg.matmul ins(%d, %w : tensor<2x?xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  %be = tensor.empty() : tensor<2x2x3xf32>
  %bf = linalg.fill ins(%z : f32) outs(%be : tensor<2x2x3xf32>) -> tensor<2x2x3xf32>
  %c = linalg.batch_matmul ins(%bx, %bw : tensor<2x2x4xf32>, tensor<2x4x3xf32>) outs(%bf : tensor<2x2x3xf32>) -> tensor<2x2x3xf32>
  return %a, %b, %c : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x2x3xf32>
}
