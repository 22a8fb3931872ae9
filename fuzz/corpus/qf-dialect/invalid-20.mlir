func.func @matmul_scale_dtype(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{scheme 'w8-f16' has 'f16' scales, got 'f32'}}
  %y = qf.matmul #qf.scheme<"w8-f16"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x64xf32>
  return
}
