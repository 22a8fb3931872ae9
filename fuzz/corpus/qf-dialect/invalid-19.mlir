func.func @matmul_group_scale_shape(%x: tensor<8x200xf32>, %w: tensor<64x200xi4>, %s: tensor<64x1xf32>) {
  // expected-error @+1 {{scheme 'w4g128' needs weight scales of shape [64, 2], got [64, 1]}}
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) : (tensor<8x200xf32>, tensor<64x200xi4>, tensor<64x1xf32>) -> tensor<8x64xf32>
  return
}
