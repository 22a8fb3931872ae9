func.func @matmul_requant_type(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>, %os: tensor<f32>) {
  // expected-error @+1 {{a requantized result must be i8 or ui8, got 'f32'}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) output_scale(%os) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>, tensor<f32>) -> tensor<8x64xf32>
  return
}
