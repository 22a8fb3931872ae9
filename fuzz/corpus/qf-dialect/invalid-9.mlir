func.func @float_storage_zero_point(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<f8E4M3FN>) {
  // expected-error @+1 {{takes no zero point with float storage}}
  %q = qf.quantize %x, %s, %z : (tensor<4x8xf32>, tensor<f32>, tensor<f8E4M3FN>) -> tensor<4x8xf8E4M3FN>
  return
}
