func.func @quantize_per_axis(%x: tensor<16x8xf32>, %s: tensor<16xf32>) -> tensor<16x8xbf16> {
  %q = qf.quantize %x, %s {axis = 0 : i64} : (tensor<16x8xf32>, tensor<16xf32>) -> tensor<16x8xi8>
  %d = qf.dequantize %q, %s {axis = 0 : i64} : (tensor<16x8xi8>, tensor<16xf32>) -> tensor<16x8xbf16>
  return %d : tensor<16x8xbf16>
}
