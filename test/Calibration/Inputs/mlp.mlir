// Two-layer MLP y = relu(x W1^T) W2^T, layers named fc1 / fc2 by location.
// Used by the calibration tests; mlp_tool.py parses its weights.
func.func @forward(%x: tensor<4x8xf32>) -> tensor<4x3xf32> {
  %w1 = arith.constant dense<[[0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8], [0.05, 0.1, -0.15, 0.2, 0.25, -0.3, 0.35, 0.4], [-0.3, 0.2, 0.1, 0.0, 0.1, 0.2, -0.3, 0.4], [0.9, -0.8, 0.7, -0.6, 0.5, -0.4, 0.3, -0.2], [0.11, 0.22, 0.33, 0.44, 0.55, 0.66, 0.77, 0.88]]> : tensor<5x8xf32>
  %w2 = arith.constant dense<[[0.5, -0.25, 0.125, 1.0, -1.0], [0.3, 0.3, -0.3, 0.3, 0.3], [-0.7, 0.2, 0.9, -0.1, 0.4]]> : tensor<3x5xf32>
  %c0 = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x5xf32>
  %z1 = linalg.fill ins(%c0 : f32) outs(%e1 : tensor<4x5xf32>) -> tensor<4x5xf32>
  %h = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w1 : tensor<4x8xf32>, tensor<5x8xf32>) outs(%z1 : tensor<4x5xf32>) -> tensor<4x5xf32> loc("fc1")
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<4x5xf32>) outs(%e1 : tensor<4x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %c0 : f32
    linalg.yield %m : f32
  } -> tensor<4x5xf32>
  %e2 = tensor.empty() : tensor<4x3xf32>
  %z2 = linalg.fill ins(%c0 : f32) outs(%e2 : tensor<4x3xf32>) -> tensor<4x3xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%r, %w2 : tensor<4x5xf32>, tensor<3x5xf32>) outs(%z2 : tensor<4x3xf32>) -> tensor<4x3xf32> loc("fc2")
  return %y : tensor<4x3xf32>
}
