// A weight behind linalg.transpose, and an accumulator that is not zero:
// it becomes the residual.
func.func @transposed_with_acc(%x: tensor<2x4xf32>, %acc: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %wnk = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0], [9.0, 10.0, 11.0, 12.0]]> : tensor<3x4xf32>
  %t0 = tensor.empty() : tensor<4x3xf32>
  %wkn = linalg.transpose ins(%wnk : tensor<3x4xf32>) outs(%t0 : tensor<4x3xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %wkn : tensor<2x4xf32>, tensor<4x3xf32>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
