// A plan (autoquant's, or written by hand) as a scheme file: '+i8act' marks
// a layer for the int8-activation kernel, a #qf.cpu_kernel after the
// scheme is set on the qf.matmul as its kernel config; qf-cpu-select-kernels
// keeps the config and honours the mark; a config the target cannot run is
// a located error when it is read.
// The int8-activation kernel cannot take w4g32 (groups of 32): a mark on
// it is an error, not silently the float kernel.

// QUANT: qf.matmul #qf.scheme<"w4g64"> {{.*}}{qf.algorithm = "rtn", qf.cpu.int8_activations}
// QUANT: qf.matmul #qf.scheme<"w8"> {{.*}}{qf.algorithm = "rtn", qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4, large_m = 32>}

// SELECT: qf.matmul #qf.scheme<"w4g64"> {{.*}}qf.cpu.int8_activations, qf.cpu.kernel = #qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64>}
// SELECT: qf.matmul #qf.scheme<"w8"> {{.*}}qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4, large_m = 32>}

// WRONG: error: loc("fc2"): 'qf.matmul' op cannot run #qf.cpu_kernel<kind = float, layout = unpacked, nr = 3>: the kernels are built for tiles of {{[0-9]+}} rows on this target, not 3

// NOI8: <stdin>:{{[0-9]+}}:{{[0-9]+}}: error: 'qf.matmul' op asks for int8 activations (qf.cpu.int8_activations) but the int8-activation kernel cannot take it on this target

func.func @main(%x: tensor<2x128xf32>) -> tensor<2x8xf32> {
  %w1 = arith.constant dense<0.5> : tensor<128x16xf32>
  %w2 = arith.constant dense<0.25> : tensor<16x8xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<2x16xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<2x16xf32>) -> tensor<2x16xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<2x128xf32>, tensor<128x16xf32>) outs(%f1 : tensor<2x16xf32>) -> tensor<2x16xf32> loc("fc1")
  %e2 = tensor.empty() : tensor<2x8xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<2x16xf32>, tensor<16x8xf32>) outs(%f2 : tensor<2x8xf32>) -> tensor<2x8xf32> loc("fc2")
  return %y : tensor<2x8xf32>
}
