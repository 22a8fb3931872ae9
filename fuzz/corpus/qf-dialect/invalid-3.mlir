func.func @blocked_scale_shape(%x: tensor<4x70xf32>, %s: tensor<4x2xf32>) {
  // expected-error @+1 {{blocked scale must have shape [4, 3] (dimension 1 divided by block_size 32, rounded up), got [4, 2]}}
  %q = qf.quantize %x, %s {axis = 1 : i64, block_size = 32 : i64} : (tensor<4x70xf32>, tensor<4x2xf32>) -> tensor<4x70xi4>
  return
}
