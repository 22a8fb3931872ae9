func.func @matmul_weight_only(%x: tensor<8x256xf32>, %x3: tensor<2x8x256xf32>,
    %w4: tensor<64x256xi4>, %s4: tensor<64x2xf32>, %b: tensor<64xf32>,
    %u4: tensor<64x256xui4>, %z4: tensor<64x2xui4>, %r: tensor<8x64xf32>,
    %w8: tensor<64x256xi8>, %s8: tensor<64xf32>, %sbf: tensor<64x4xbf16>,
    %wf8: tensor<64x256xf8E4M3FN>, %w2: tensor<64x256xi2>, %s2: tensor<64x4xf32>,
    %wf: tensor<64x256xf32>) {
  %0 = qf.matmul #qf.scheme<"w4g128"> %x, %w4 scale(%s4) bias(%b) activation(gelu) : (tensor<8x256xf32>, tensor<64x256xi4>, tensor<64x2xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  %1 = qf.matmul #qf.scheme<"w4g128asym"> %x, %u4 scale(%s4) zero_point(%z4) residual(%r) : (tensor<8x256xf32>, tensor<64x256xui4>, tensor<64x2xf32>, tensor<64x2xui4>, tensor<8x64xf32>) -> tensor<8x64xf32>
  %2 = qf.matmul #qf.scheme<"w8"> %x3, %w8 scale(%s8) : (tensor<2x8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<2x8x64xf32>
  %3 = qf.matmul #qf.scheme<"nf4g64-bf16"> %x, %u4 scale(%sbf) activation(silu) : (tensor<8x256xf32>, tensor<64x256xui4>, tensor<64x4xbf16>) -> tensor<8x64xf32>
  %4 = qf.matmul #qf.scheme<"fp8"> %x, %wf8 scale(%s8) : (tensor<8x256xf32>, tensor<64x256xf8E4M3FN>, tensor<64xf32>) -> tensor<8x64xf32>
  %5 = qf.matmul #qf.scheme<"w2g64"> %x, %w2 scale(%s2) : (tensor<8x256xf32>, tensor<64x256xi2>, tensor<64x4xf32>) -> tensor<8x64xf32>
  %6 = qf.matmul #qf.scheme<"f32"> %x, %wf : (tensor<8x256xf32>, tensor<64x256xf32>) -> tensor<8x64xf32>
  return
}
