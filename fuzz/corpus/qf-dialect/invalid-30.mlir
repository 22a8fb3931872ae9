func.func @matmul_f32_no_scale(%x: tensor<8x256xf32>, %w: tensor<64x256xf32>, %s: tensor<64xf32>) {
  // expected-error @+1 {{scheme 'f32' takes no weight scale or zero point}}
  %y = qf.matmul #qf.scheme<"f32"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  return
}
