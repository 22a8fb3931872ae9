func.func @matmul_asym_needs_zero_point(%x: tensor<8x256xf32>, %w: tensor<64x256xui4>, %s: tensor<64x2xf32>) {
  // expected-error @+1 {{scheme 'w4g128asym' is asymmetric and needs a zero point}}
  %y = qf.matmul #qf.scheme<"w4g128asym"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xui4>, tensor<64x2xf32>) -> tensor<8x64xf32>
  return
}
