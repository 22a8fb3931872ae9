func.func @zero_point_shape(%x: tensor<4x8xf32>, %s: tensor<4xf32>, %z: tensor<8xui8>) {
  // expected-error @+1 {{zero point shape [8] must match the scale shape [4]}}
  %q = qf.quantize %x, %s, %z {axis = 0 : i64} : (tensor<4x8xf32>, tensor<4xf32>, tensor<8xui8>) -> tensor<4x8xui8>
  return
}
