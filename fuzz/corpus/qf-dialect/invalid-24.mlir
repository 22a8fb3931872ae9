func.func @matmul_static_needs_lhs_scale(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{static scheme 'a8w8-static' needs a rank-0 lhs_scale}}
  %y = qf.matmul #qf.scheme<"a8w8-static"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x64xf32>
  return
}
