// Leading dimensions of the lhs (batch, tokens) fold into M; f16 weights
// stay f16 (the kernels read f32, f16 and bf16 weights).
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
