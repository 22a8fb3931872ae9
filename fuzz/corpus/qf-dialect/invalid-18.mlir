func.func @matmul_weight_type(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64x2xf32>) {
  // expected-error @+1 {{scheme 'w4g128' stores weights as 'i4', got 'i8'}}
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64x2xf32>) -> tensor<8x64xf32>
  return
}
