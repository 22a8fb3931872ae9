// RUN: qforge-opt %s -split-input-file --qf-quantize="scheme=w8" | FileCheck %s --check-prefix=W8
// RUN: qforge-opt %s -split-input-file --qf-quantize="scheme=w4g2asym sensitive-layers=quantize" | FileCheck %s --check-prefix=ASYM
// RUN: qforge-opt %s -split-input-file --qf-quantize="scheme=nf4g2-bf16-dq sensitive-layers=quantize" | FileCheck %s --check-prefix=DQ
// RUN: qforge-opt %s -split-input-file --qf-quantize="scheme=fp8-tensor" | FileCheck %s --check-prefix=FP8
// RUN: qforge-opt %s -split-input-file --qf-quantize="scheme=a8w8" | FileCheck %s --check-prefix=A8

// W = [[1, 0.5, -1], [2, 0, 0.25], [-0.5, 1.5, 3], [0.1, -2, 1]] as [K, N];
// qf stores it [N, K]. Row 0 = [1, 2, -0.5, 0.1] with scale 2/127:
// 1 / (2/127) = 63.5 rounds to 64 (even), -0.5 -> -31.75 -> -32, 0.1 -> 6.35 -> 6.

// W8-LABEL: func @matmul_kn
// W8-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}64, 127, -32, 6], [32, 0, 95, -127], [-42, 11, 127, 42]]> : tensor<3x4xi8>
// W8-DAG: %[[S:.*]] = arith.constant dense<[0.0157480314, 0.0157480314, 0.0236220472]> : tensor<3xf32>
// W8: %[[Y:.*]] = qf.matmul #qf.scheme<"w8"> %arg0, %[[W]] scale(%[[S]]) {qf.algorithm = "rtn"} : (tensor<2x4xf32>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<2x3xf32>
// W8-NOT: linalg.matmul
// W8-NOT: linalg.fill
// W8: return %[[Y]]

// ASYM-LABEL: func @matmul_kn
// ASYM-DAG: arith.constant dense<{{.*}}> : tensor<3x4xui4>
// ASYM-DAG: arith.constant dense<{{.*}}> : tensor<3x2xf32>
// ASYM-DAG: arith.constant dense<{{.*}}> : tensor<3x2xui4>
// ASYM: qf.matmul #qf.scheme<"w4g2asym"> %arg0, %{{.*}} scale(%{{.*}}) zero_point(%{{.*}})

// Double quantization: int8 scale codes dequantized by block, plus the
// offset, reshaped to [N, groups] and rounded to bf16.
// DQ-LABEL: func @matmul_kn
// DQ-DAG: %[[CODES:.*]] = arith.constant dense<{{.*}}> : tensor<6xi8>
// DQ-DAG: %[[S2:.*]] = arith.constant dense<{{.*}}> : tensor<1xf32>
// DQ: %[[C:.*]] = qf.dequantize %[[CODES]], %[[S2]] {axis = 0 : i64, block_size = 256 : i64}
// DQ: %[[A:.*]] = arith.addf %[[C]], %{{.*}} : tensor<6xf32>
// DQ: %[[T:.*]] = arith.truncf %[[A]] : tensor<6xf32> to tensor<6xbf16>
// DQ: %[[E:.*]] = tensor.expand_shape %[[T]] {{\[\[}}0, 1]] output_shape [3, 2] : tensor<6xbf16> into tensor<3x2xbf16>
// DQ: qf.matmul #qf.scheme<"nf4g2-bf16-dq"> %arg0, %{{.*}} scale(%[[E]]) {{.*}} : (tensor<2x4xf32>, tensor<3x4xui4>, tensor<3x2xbf16>) -> tensor<2x3xf32>

// FP8-LABEL: func @matmul_kn
// FP8: qf.matmul #qf.scheme<"fp8-tensor"> {{.*}} : (tensor<2x4xf32>, tensor<3x4xf8E4M3FN>, tensor<f32>) -> tensor<2x3xf32>

// A8-LABEL: func @matmul_kn
// A8: qf.matmul #qf.scheme<"a8w8"> {{.*}} : (tensor<2x4xf32>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @matmul_kn(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[1.0, 0.5, -1.0], [2.0, 0.0, 0.25], [-0.5, 1.5, 3.0], [0.1, -2.0, 1.0]]> : tensor<4x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Weight already [N, K] (transposed B), a weight behind linalg.transpose, and
// a non-zero accumulator that becomes the residual: all give the same codes.
// W8-LABEL: func @forms
// W8-SAME: (%[[X:.*]]: tensor<2x4xf32>, %[[ACC:.*]]: tensor<2x3xf32>)
// W8-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}64, 127, -32, 6], [32, 0, 95, -127], [-42, 11, 127, 42]]> : tensor<3x4xi8>
// W8: qf.matmul #qf.scheme<"w8"> %[[X]], %{{.*}} scale
// W8: qf.matmul #qf.scheme<"w8"> %[[X]], %{{.*}} scale({{.*}}) residual(%[[ACC]])
// W8-NOT: linalg.transpose
// W8-NOT: linalg.matmul
#mk = affine_map<(m, n, k) -> (m, k)>
#nk = affine_map<(m, n, k) -> (n, k)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @forms(%x: tensor<2x4xf32>, %acc: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %wt = arith.constant dense<[[1.0, 2.0, -0.5, 0.1], [0.5, 0.0, 1.5, -2.0], [-1.0, 0.25, 3.0, 1.0]]> : tensor<3x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y0 = linalg.matmul indexing_maps = [#mk, #nk, #mn] ins(%x, %wt : tensor<2x4xf32>, tensor<3x4xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  %te = tensor.empty() : tensor<4x3xf32>
  %w = linalg.transpose ins(%wt : tensor<3x4xf32>) outs(%te : tensor<4x3xf32>) permutation = [1, 0]
  %y1 = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y0, %y1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// A batched contraction generic with a shared 2-D weight keeps its batch
// dimension; a matmul of two activations stays float.
// W8-LABEL: func @batched
// W8: qf.matmul #qf.scheme<"w8"> %arg0, %{{.*}} scale(%{{.*}}) {{.*}} : (tensor<2x5x4xf32>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<2x5x3xf32>
// W8: linalg.matmul ins(%arg1, %arg2
#bmk = affine_map<(b, m, n, k) -> (b, m, k)>
#kn = affine_map<(b, m, n, k) -> (k, n)>
#bmn = affine_map<(b, m, n, k) -> (b, m, n)>
func.func @batched(%x: tensor<2x5x4xf32>, %a: tensor<2x4xf32>, %b: tensor<4x3xf32>) -> (tensor<2x5x3xf32>, tensor<2x3xf32>) {
  %w = arith.constant dense<[[1.0, 0.5, -1.0], [2.0, 0.0, 0.25], [-0.5, 1.5, 3.0], [0.1, -2.0, 1.0]]> : tensor<4x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x5x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x5x3xf32>) -> tensor<2x5x3xf32>
  %y = linalg.generic {indexing_maps = [#bmk, #kn, #bmn], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<2x5x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x5x3xf32>) {
  ^bb0(%xv: f32, %wv: f32, %o: f32):
    %p = arith.mulf %xv, %wv : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x5x3xf32>
  %e2 = tensor.empty() : tensor<2x3xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y2 = linalg.matmul ins(%a, %b : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f2 : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y, %y2 : tensor<2x5x3xf32>, tensor<2x3xf32>
}
