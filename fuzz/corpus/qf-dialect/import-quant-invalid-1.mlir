func.func @narrow_range(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>> {
  // expected-error @+1 {{narrowed storage range [-127, 127] is not supported; qf saturates to the storage type's range}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>>
}
