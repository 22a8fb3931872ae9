func.func @matmul_k_mismatch(%x: tensor<8x128xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{reduction sizes differ: lhs has K = 128, weight has K = 256}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<8x128xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x64xf32>
  return
}
