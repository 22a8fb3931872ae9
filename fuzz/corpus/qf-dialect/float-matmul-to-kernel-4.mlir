// Left alone: a weight that is not a constant (activations times
// activations), a dynamic K in the lhs (the kernels need a static K), and a
// batch_matmul (a 3-D weight is not a layer's [K, N]).
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
