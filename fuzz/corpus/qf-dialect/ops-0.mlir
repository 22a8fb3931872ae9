// Round trip of every qf op and attribute; the second run checks that the
// printed form parses back to the same thing.

func.func @quantize_per_tensor(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<4x8xf32> {
  %q = qf.quantize %x, %s, %z : (tensor<4x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x8xui8>
  %d = qf.dequantize %q, %s, %z : (tensor<4x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}
