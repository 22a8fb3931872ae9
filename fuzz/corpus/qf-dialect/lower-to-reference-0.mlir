// Blocked int4 quantize: the scale and zero point are indexed by the block;
// the body is roundeven(x / s) + zp, clamped, NaN to the zero point; uiN
// becomes iN everywhere, signature included.
func.func @quantize_blocked(%x: tensor<4x70xf32>, %s: tensor<4x3xf32>, %z: tensor<4x3xui4>) -> tensor<4x70xui4> {
  %q = qf.quantize %x, %s, %z {axis = 1 : i64, block_size = 32 : i64} : (tensor<4x70xf32>, tensor<4x3xf32>, tensor<4x3xui4>) -> tensor<4x70xui4>
  return %q : tensor<4x70xui4>
}
