// Two blocked dimensions: block along the one that shrinks most (dim 1, by
// 4) and repeat the scales along dim 0.
!qs2 = !quant.uniform<i4:f32:{0:2, 1:4}, {{2.0}, {4.0}}>
func.func @sub_channel_two_dims(%q: tensor<4x4x!qs2>) -> tensor<4x4xf32> {
  %x = quant.dcast %q : tensor<4x4x!qs2> to tensor<4x4xf32>
  return %x : tensor<4x4xf32>
}
