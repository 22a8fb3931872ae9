func.func @f(%x: tensor<2x8xf32>, %w: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qf.matmul' op 'qf.cpu.kernel' must be a #qf.cpu_kernel}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) {qf.cpu.kernel = "float"} : (tensor<2x8xf32>, tensor<4x8xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
