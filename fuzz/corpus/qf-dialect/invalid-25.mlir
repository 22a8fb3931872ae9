func.func @matmul_dynamic_no_lhs_scale(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>, %xs: tensor<f32>) {
  // expected-error @+1 {{dynamic scheme 'a8w8' computes activation scales at run time; remove lhs_scale}}
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) lhs_scale(%xs) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>, tensor<f32>) -> tensor<8x64xf32>
  return
}
