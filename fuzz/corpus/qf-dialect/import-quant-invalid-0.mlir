func.func @scalar(%x: f32) -> !quant.uniform<i8:f32, 0.5> {
  // expected-error @+1 {{on scalars or unranked tensors is not supported by qf; use ranked tensors}}
  %q = quant.qcast %x : f32 to !quant.uniform<i8:f32, 0.5>
  return %q : !quant.uniform<i8:f32, 0.5>
}
