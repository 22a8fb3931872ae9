func.func @dynamic_zero_point_type(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{zero point element type 'i8' must match the result's 'ui8'}}
  %q, %s, %z = qf.dynamic_quantize %x : tensor<4x8xf32> -> tensor<4x8xui8>, tensor<f32>, tensor<i8>
  return
}
