func.func @dequantize_float_input(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{storage element type must be}}
  %q = qf.dequantize %x, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  return
}
