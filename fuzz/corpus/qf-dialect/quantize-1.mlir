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
