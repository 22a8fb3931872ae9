// Weight-only matmul: dequantize the weights by group, then an f32
// contraction over k with W indexed [n, k]; observe is dropped.
func.func @matmul_w4g128(%x: tensor<?x256xf32>, %w: tensor<64x256xi4>, %s: tensor<64x2xf32>) -> tensor<?x64xf32> {
  %o = qf.observe %x id "fc" : tensor<?x256xf32>
  %y = qf.matmul #qf.scheme<"w4g128"> %o, %w scale(%s) : (tensor<?x256xf32>, tensor<64x256xi4>, tensor<64x2xf32>) -> tensor<?x64xf32>
  return %y : tensor<?x64xf32>
}
