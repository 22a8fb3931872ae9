// Sub-channel with one blocked dimension: ONNX-style blocked layout.
!qs = !quant.uniform<i8:f32:{0:1, 1:2}, {{2.0:1, 3.0:2}, {4.0:3, 5.0:4}}>
func.func @sub_channel(%q: tensor<2x4x!qs>) -> tensor<2x4xf32> {
  %x = quant.dcast %q : tensor<2x4x!qs> to tensor<2x4xf32>
  return %x : tensor<2x4xf32>
}
