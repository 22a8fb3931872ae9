func.func @signedness(%i: tensor<4xi8>) -> tensor<4x!quant.uniform<u8:f32, 0.5>> {
  // expected-error @+1 {{casts 'tensor<4xi8>' to 'tensor<4xui8>', whose signedness differs; qf cannot reinterpret it}}
  %q = quant.scast %i : tensor<4xi8> to tensor<4x!quant.uniform<u8:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5>>
}
