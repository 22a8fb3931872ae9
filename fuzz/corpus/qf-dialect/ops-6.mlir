func.func @matmul_int8_activations(%x: tensor<?x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>,
    %xs: tensor<f32>, %b: tensor<64xf32>, %xq: tensor<8x256xi8>, %rows: tensor<8xf32>, %oz: tensor<ui8>) {
  %0 = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) : (tensor<?x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<?x64xf32>
  %1 = qf.matmul #qf.scheme<"a8w8-static"> %x, %w scale(%s) lhs_scale(%xs) bias(%b) activation(relu) : (tensor<?x256xf32>, tensor<64x256xi8>, tensor<64xf32>, tensor<f32>, tensor<64xf32>) -> tensor<?x64xf32>
  %2 = qf.matmul #qf.scheme<"a8w8"> %xq, %w scale(%s) lhs_scale(%rows) output_scale(%xs) output_zero_point(%oz) : (tensor<8x256xi8>, tensor<64x256xi8>, tensor<64xf32>, tensor<8xf32>, tensor<f32>, tensor<ui8>) -> tensor<8x64xui8>
  return
}
