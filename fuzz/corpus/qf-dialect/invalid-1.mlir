func.func @per_axis_scale_size(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{per-axis scale must have shape [4] (dimension 0 of the data), got [8]}}
  %q = qf.quantize %x, %s {axis = 0 : i64} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xi8>
  return
}
