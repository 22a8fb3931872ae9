func.func @matmul_int_result_without_scale(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{result must be float unless output_scale is given, got 'i8'}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x64xi8>
  return
}
