// A zero point of 0 everywhere is left out; unsigned storage becomes uiN.
func.func @round_trip_unsigned(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 0.25>>
  %d = quant.dcast %q : tensor<4x!quant.uniform<u8:f32, 0.25>> to tensor<4xf32>
  return %d : tensor<4xf32>
}
