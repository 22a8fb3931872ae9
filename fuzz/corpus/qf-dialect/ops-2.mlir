func.func @quantize_blocked(%x: tensor<4x70xf32>, %s: tensor<4x3xf16>, %z: tensor<4x3xui4>, %s64: tensor<4x2xf32>, %s32: tensor<4x3xf32>, %t: tensor<f32>) {
  %a = qf.quantize %x, %s, %z {axis = 1 : i64, block_size = 32 : i64} : (tensor<4x70xf32>, tensor<4x3xf16>, tensor<4x3xui4>) -> tensor<4x70xui4>
  %b = qf.quantize %x, %s64 {axis = 1 : i64, block_size = 64 : i64, codebook = #qf.codebook<nf4>} : (tensor<4x70xf32>, tensor<4x2xf32>) -> tensor<4x70xui4>
  %c = qf.quantize %x, %s32 {axis = 1 : i64, block_size = 32 : i64} : (tensor<4x70xf32>, tensor<4x3xf32>) -> tensor<4x70xf4E2M1FN>
  %d = qf.quantize %x, %t : (tensor<4x70xf32>, tensor<f32>) -> tensor<4x70xf8E4M3FN>
  %e = qf.quantize %x, %t : (tensor<4x70xf32>, tensor<f32>) -> tensor<4x70xf8E5M2>
  %f = qf.quantize %x, %t : (tensor<4x70xf32>, tensor<f32>) -> tensor<4x70xi2>
  return
}
