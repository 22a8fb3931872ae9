func.func @bad_block_size(%x: tensor<4x8xf32>, %s: tensor<4x8xf32>) {
  // expected-error @+1 {{block_size must be positive, got 0}}
  %q = qf.quantize %x, %s {axis = 1 : i64, block_size = 0 : i64} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xi8>
  return
}
