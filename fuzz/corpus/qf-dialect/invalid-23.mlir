func.func @matmul_sym_no_zero_point(%x: tensor<8x256xf32>, %w: tensor<64x256xi4>, %s: tensor<64x2xf32>, %z: tensor<64x2xi4>) {
  // expected-error @+1 {{scheme 'w4g128' is symmetric and takes no zero point}}
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) zero_point(%z) : (tensor<8x256xf32>, tensor<64x256xi4>, tensor<64x2xf32>, tensor<64x2xi4>) -> tensor<8x64xf32>
  return
}
