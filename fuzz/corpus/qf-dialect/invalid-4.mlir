func.func @block_without_axis(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'block_size' needs an 'axis'}}
  %q = qf.quantize %x, %s {block_size = 4 : i64} : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xi8>
  return
}
