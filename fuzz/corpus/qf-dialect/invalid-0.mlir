func.func @per_tensor_scale_rank(%x: tensor<4x8xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{per-tensor scale must be rank 0, got shape [4]}}
  %q = qf.quantize %x, %s : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xi8>
  return
}
