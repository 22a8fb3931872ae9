func.func @shape_mismatch(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{result shape [4, 9] must match the input shape [4, 8]}}
  %q = qf.quantize %x, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x9xi8>
  return
}
