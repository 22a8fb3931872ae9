// Bad options and files: a clear error naming the problem, non-zero exit.

// SCHEME: error: qf-quantize: invalid scheme 'w5': unknown weight format 'w5'
// ALGO: error: qf-quantize: unknown algorithm 'magic' (expected rtn, gptq, awq, smoothquant or hqq)
// SKIP: error: qf-quantize: skip pattern 'nothing*' matches no layer
// LAYERS: error: qf-quantize: layers pattern 'fc9' matches no layer
// STATIC: error: loc("fc1"): static scheme 'a8w8-static' needs activation statistics: pass stats=FILE from qforge-calibrate
// NOFILE: error: qf-quantize: cannot read scheme-file '{{.*}}.missing'
// BADLINE: error: qf-quantize: {{.*}}.bad:2: invalid scheme 'w9g3': unknown weight format 'w9'
// FIELDS: error: qf-quantize: {{.*}}.fields:1: expected a #qf.cpu_kernel<...> after the scheme, got 'extra'
// I8: error: qf-quantize: {{.*}}.i8:1: '+i8act' applies to weight-only quantized schemes, not 'a8w8'
// KERNEL: error: qf-quantize: {{.*}}.kernel:1: expected a #qf.cpu_kernel<...> after the scheme, got '#qf.cpu_kernel<kind = bogus, layout = tiled, nr = 4>'
// UNUSED: error: qf-quantize: scheme-file pattern 'fc2' matches no layer
// ALPHA: error: qf-quantize: smoothquant-alpha must be in [0, 1] and gptq-damp a positive number
// NOSTATS: error: qf-quantize: algorithm 'gptq' needs calibration statistics: pass stats=FILE from qforge-calibrate
// CORRUPT: error: qf-quantize: {{.*}}.corrupt{{.*}}

func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("fc1")
  return %y : tensor<2x4xf32>
}
