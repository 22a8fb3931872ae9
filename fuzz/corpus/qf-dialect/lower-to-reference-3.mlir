// float8 encode is integer bit manipulation ending in a bitcast; decode is a
// table lookup of all 256 codes.
func.func @fp8(%x: tensor<8xf32>, %s: tensor<f32>) -> tensor<8xf32> {
  %q = qf.quantize %x, %s : (tensor<8xf32>, tensor<f32>) -> tensor<8xf8E4M3FN>
  %d = qf.dequantize %q, %s : (tensor<8xf8E4M3FN>, tensor<f32>) -> tensor<8xf32>
  return %d : tensor<8xf32>
}
