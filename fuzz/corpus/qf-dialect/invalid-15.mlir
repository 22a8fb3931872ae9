func.func @observe_empty_id(%x: tensor<4xf32>) {
  // expected-error @+1 {{needs a non-empty id}}
  %y = qf.observe %x id "" : tensor<4xf32>
  return
}
