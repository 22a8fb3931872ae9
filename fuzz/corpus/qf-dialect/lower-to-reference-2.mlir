// a8w8: per-row absmax, scale = absmax / 127 (1 when zero), int8 quantize,
// i32 accumulation, then acc * lhs_scale[row] * w_scale[n]; bias and relu
// in one epilogue.
func.func @matmul_a8w8(%x: tensor<8x64xf32>, %w: tensor<16x64xi8>, %s: tensor<16xf32>, %b: tensor<16xf32>) -> tensor<8x16xf32> {
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) bias(%b) activation(relu) : (tensor<8x64xf32>, tensor<16x64xi8>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}
