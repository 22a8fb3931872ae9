func.func @codebook_storage(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{with codebook 'nf4' needs 'ui4' storage, got 'i4'}}
  %q = qf.quantize %x, %s {codebook = #qf.codebook<nf4>} : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xi4>
  return
}
