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
