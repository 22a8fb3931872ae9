func.func @matmul_bias_shape(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{bias must have shape [64], got [32]}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) bias(%b) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>, tensor<32xf32>) -> tensor<8x64xf32>
  return
}
