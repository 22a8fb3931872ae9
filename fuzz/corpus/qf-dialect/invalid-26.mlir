func.func @matmul_weight_only_int_lhs(%x: tensor<8x256xi8>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{scheme 'w8' is weight-only: lhs must be float and take no lhs_scale}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<8x256xi8>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x64xf32>
  return
}
