func.func @dynamic_quantize(%x: tensor<2x3x8xf32>) {
  %q, %s, %z = qf.dynamic_quantize %x : tensor<2x3x8xf32> -> tensor<2x3x8xui8>, tensor<f32>, tensor<ui8>
  %q2, %s2, %z2 = qf.dynamic_quantize %x per_row : tensor<2x3x8xf32> -> tensor<2x3x8xi8>, tensor<2x3xf32>, tensor<2x3xi8>
  return
}
