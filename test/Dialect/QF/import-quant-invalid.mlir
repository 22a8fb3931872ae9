// RUN: qforge-opt %s -split-input-file --qf-import-quant -verify-diagnostics

func.func @scalar(%x: f32) -> !quant.uniform<i8:f32, 0.5> {
  // expected-error @+1 {{on scalars or unranked tensors is not supported by qf; use ranked tensors}}
  %q = quant.qcast %x : f32 to !quant.uniform<i8:f32, 0.5>
  return %q : !quant.uniform<i8:f32, 0.5>
}

// -----

func.func @narrow_range(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>> {
  // expected-error @+1 {{narrowed storage range [-127, 127] is not supported; qf saturates to the storage type's range}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>>
}

// -----

func.func @signedness(%i: tensor<4xi8>) -> tensor<4x!quant.uniform<u8:f32, 0.5>> {
  // expected-error @+1 {{casts 'tensor<4xi8>' to 'tensor<4xui8>', whose signedness differs; qf cannot reinterpret it}}
  %q = quant.scast %i : tensor<4xi8> to tensor<4x!quant.uniform<u8:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<u8:f32, 0.5>>
}
