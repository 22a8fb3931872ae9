func.func @dynamic_scale_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{scale must have shape [4], got []}}
  %q, %s, %z = qf.dynamic_quantize %x per_row : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<f32>, tensor<i8>
  return
}
