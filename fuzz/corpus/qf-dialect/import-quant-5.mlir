// scast is a no-op once types are storage types; calls are converted too.
!qc = !quant.uniform<i8:f32, 1.0>
func.func @callee(%q: tensor<4x!qc>) -> tensor<4x!qc> {
  return %q : tensor<4x!qc>
}
func.func @caller(%i: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %i : tensor<4xi8> to tensor<4x!qc>
  %r = call @callee(%q) : (tensor<4x!qc>) -> tensor<4x!qc>
  %o = quant.scast %r : tensor<4x!qc> to tensor<4xi8>
  return %o : tensor<4xi8>
}
