func.func @matmul_result_shape(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{result shape must be [8, 64], got [8, 32]}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x32xf32>
  return
}
