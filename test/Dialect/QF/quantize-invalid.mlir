// Bad options and files: a clear error naming the problem, non-zero exit.
// RUN: not qforge-opt %s --qf-quantize="scheme=w5" 2>&1 | FileCheck %s --check-prefix=SCHEME
// RUN: not qforge-opt %s --qf-quantize="scheme=w8 algorithm=magic" 2>&1 | FileCheck %s --check-prefix=ALGO
// RUN: not qforge-opt %s --qf-quantize="scheme=w8 skip=nothing*" 2>&1 | FileCheck %s --check-prefix=SKIP
// RUN: not qforge-opt %s --qf-quantize="scheme=w8 layers=fc9" 2>&1 | FileCheck %s --check-prefix=LAYERS
// RUN: not qforge-opt %s --qf-quantize="scheme=a8w8-static" 2>&1 | FileCheck %s --check-prefix=STATIC
// RUN: not qforge-opt %s --qf-quantize="scheme-file=%t.missing" 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: printf 'fc1 w8\nfc1 w9g3\n' > %t.bad
// RUN: not qforge-opt %s --qf-quantize="scheme-file=%t.bad" 2>&1 | FileCheck %s --check-prefix=BADLINE
// RUN: printf 'fc1 w8 extra\n' > %t.fields
// RUN: not qforge-opt %s --qf-quantize="scheme-file=%t.fields" 2>&1 | FileCheck %s --check-prefix=FIELDS
// RUN: printf 'fc1 a8w8+i8act\n' > %t.i8
// RUN: not qforge-opt %s --qf-quantize="scheme-file=%t.i8" 2>&1 | FileCheck %s --check-prefix=I8
// RUN: printf 'fc1 w8 #qf.cpu_kernel<kind = bogus, layout = tiled, nr = 4>\n' > %t.kernel
// RUN: not qforge-opt %s --qf-quantize="scheme-file=%t.kernel" 2>&1 | FileCheck %s --check-prefix=KERNEL
// RUN: not qforge-opt %s --qf-quantize="scheme=w4g32 algorithm=gptq" 2>&1 | FileCheck %s --check-prefix=NOSTATS
// RUN: printf 'not a stats file' > %t.corrupt
// RUN: not qforge-opt %s --qf-quantize="scheme=w4g32 algorithm=gptq stats=%t.corrupt" 2>&1 | FileCheck %s --check-prefix=CORRUPT
// RUN: not qforge-opt %s --qf-quantize="scheme=a8w8 smoothquant-alpha=nan" 2>&1 | FileCheck %s --check-prefix=ALPHA
// RUN: not qforge-opt %s --qf-quantize="scheme=w4g32 gptq-damp=inf" 2>&1 | FileCheck %s --check-prefix=ALPHA
// RUN: not qforge-opt %s --qf-quantize="scheme=w4g32 sensitive-layers=some" 2>&1 | FileCheck %s --check-prefix=SENSITIVE
// RUN: not qforge-opt %s --qf-quantize="scheme=w4g32 sensitive-min-sqnr=nan" 2>&1 | FileCheck %s --check-prefix=MINSQNR
// RUN: printf 'fc1 w8\nfc2 w4g32\n' > %t.unused
// RUN: not qforge-opt %s --qf-quantize="scheme-file=%t.unused" 2>&1 | FileCheck %s --check-prefix=UNUSED

// SENSITIVE: error: qf-quantize: sensitive-layers='some' is not one of keep, quantize
// MINSQNR: error: qf-quantize: sensitive-min-sqnr must be a number of dB
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
