func.func @bad_storage(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{storage element type must be i8, ui8, i4, ui4, i2, ui2, f8E4M3FN, f8E5M2 or f4E2M1FN, got 'i16'}}
  %q = qf.quantize %x, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xi16>
  return
}
