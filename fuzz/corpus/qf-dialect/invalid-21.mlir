func.func @matmul_missing_scale(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>) {
  // expected-error @+1 {{scheme 'w8' needs a weight scale}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w : (tensor<8x256xf32>, tensor<64x256xi8>) -> tensor<8x64xf32>
  return
}
