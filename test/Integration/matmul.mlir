// RUN: qforge-opt %s --qf-reference-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s

// qf.matmul through the reference lowering, for each family of schemes and
// each epilogue, on numbers that are exact in f32 so that the expected
// values below are the math, not a previous run.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print3(%t: tensor<1x2x3xf32>) {
  %u = tensor.cast %t : tensor<1x2x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @print(%t: tensor<?x?xf32>) {
  %u = tensor.cast %t : tensor<?x?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  // w8 per channel, batched lhs [1, 2, 4]: W = codes * [0.5, 1, 0.25].
  %x = arith.constant dense<[[[1.0, 2.0, 3.0, 4.0], [-1.0, 0.0, 1.0, 2.0]]]> : tensor<1x2x4xf32>
  %w8 = arith.constant dense<[[1, 0, -1, 2], [3, 1, 0, -2], [-4, 2, 1, 0]]> : tensor<3x4xi8>
  %s8 = arith.constant dense<[0.5, 1.0, 0.25]> : tensor<3xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y0 = qf.matmul #qf.scheme<"w8"> %x, %w8 scale(%s8) : (tensor<1x2x4xf32>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<1x2x3xf32>
  // CHECK:      [3, -3, 0.75]
  // CHECK-NEXT: [1, -7, 1.25]
  call @print3(%y0) : (tensor<1x2x3xf32>) -> ()
  %y1 = qf.matmul #qf.scheme<"w8"> %x, %w8 scale(%s8) bias(%b) activation(relu) : (tensor<1x2x4xf32>, tensor<3x4xi8>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x2x3xf32>
  // CHECK:      [4, 0, 3.75]
  // CHECK-NEXT: [2, 0, 4.25]
  call @print3(%y1) : (tensor<1x2x3xf32>) -> ()

  // w4g2asym with K = 5: the last group is partial.
  %x5 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 1.0]]> : tensor<1x5xf32>
  %w4 = arith.constant dense<[[8, 10, 3, 5, 12], [15, 0, 7, 9, 4]]> : tensor<2x5xui4>
  %s4 = arith.constant dense<[[1.0, 0.5, 0.5], [0.25, 2.0, 1.0]]> : tensor<2x3xf32>
  %z4 = arith.constant dense<[[8, 8, 8], [7, 8, 4]]> : tensor<2x3xui4>
  %r = arith.constant dense<[[10.0, 10.0]]> : tensor<1x2xf32>
  %y2 = qf.matmul #qf.scheme<"w4g2asym"> %x5, %w4 scale(%s4) zero_point(%z4) residual(%r) : (tensor<1x5xf32>, tensor<2x5xui4>, tensor<2x3xf32>, tensor<2x3xui4>, tensor<1x2xf32>) -> tensor<1x2xf32>
  // CHECK: [2.5, 10.5]
  %c2 = tensor.cast %y2 : tensor<1x2xf32> to tensor<?x?xf32>
  call @print(%c2) : (tensor<?x?xf32>) -> ()

  // a8w8, dynamic per-row activation scales: row 0 has max|x| = 127 (scale
  // 1), row 1 has 254 (scale 2, and 127 / 2 = 63.5 rounds to 64).
  %xa = arith.constant dense<[[127.0, -64.0, 0.0, 1.0], [254.0, 127.0, -127.0, 0.0]]> : tensor<2x4xf32>
  %wa = arith.constant dense<[[1, 2, 3, 4], [-1, 1, -1, 1]]> : tensor<2x4xi8>
  %sa = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %xd = tensor.cast %xa : tensor<2x4xf32> to tensor<?x4xf32>
  %y3 = qf.matmul #qf.scheme<"a8w8"> %xd, %wa scale(%sa) : (tensor<?x4xf32>, tensor<2x4xi8>, tensor<2xf32>) -> tensor<?x2xf32>
  // CHECK:      [1.5, -47.5]
  // CHECK-NEXT: [63, 0.5]
  %c3 = tensor.cast %y3 : tensor<?x2xf32> to tensor<?x?xf32>
  call @print(%c3) : (tensor<?x?xf32>) -> ()

  // a8w8-static with activation scale 2, requantized to ui8 with scale 0.5
  // and zero point 128: y = [[0, -48], [63, 0.5]].
  %two = arith.constant dense<2.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %oz = arith.constant dense<128> : tensor<ui8>
  %y4 = qf.matmul #qf.scheme<"a8w8-static"> %xa, %wa scale(%sa) lhs_scale(%two) output_scale(%half) output_zero_point(%oz) : (tensor<2x4xf32>, tensor<2x4xi8>, tensor<2xf32>, tensor<f32>, tensor<f32>, tensor<ui8>) -> tensor<2x2xui8>
  %one = arith.constant dense<1.0> : tensor<f32>
  %y4f = qf.dequantize %y4, %one : (tensor<2x2xui8>, tensor<f32>) -> tensor<2x2xf32>
  // CHECK:      [128, 32]
  // CHECK-NEXT: [254, 129]
  %c4 = tensor.cast %y4f : tensor<2x2xf32> to tensor<?x?xf32>
  call @print(%c4) : (tensor<?x?xf32>) -> ()

  // Already-quantized i8 lhs with per-row scales [1, 2].
  %xq = arith.constant dense<[[127, -64, 0, 1], [127, 64, -64, 0]]> : tensor<2x4xi8>
  %rows = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y5 = qf.matmul #qf.scheme<"a8w8"> %xq, %wa scale(%sa) lhs_scale(%rows) : (tensor<2x4xi8>, tensor<2x4xi8>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  // CHECK:      [1.5, -47.5]
  // CHECK-NEXT: [63, 0.5]
  %c5 = tensor.cast %y5 : tensor<2x2xf32> to tensor<?x?xf32>
  call @print(%c5) : (tensor<?x?xf32>) -> ()

  // fp8 weights, per-channel scales [2, 0.5].
  %x2 = arith.constant dense<[[1.0, 1.0]]> : tensor<1x2xf32>
  %wf8 = arith.constant dense<[[1.5, -2.0], [0.25, 448.0]]> : tensor<2x2xf8E4M3FN>
  %sf8 = arith.constant dense<[2.0, 0.5]> : tensor<2xf32>
  %y6 = qf.matmul #qf.scheme<"fp8"> %x2, %wf8 scale(%sf8) : (tensor<1x2xf32>, tensor<2x2xf8E4M3FN>, tensor<2xf32>) -> tensor<1x2xf32>
  // CHECK: [-1, 224.125]
  %c6 = tensor.cast %y6 : tensor<1x2xf32> to tensor<?x?xf32>
  call @print(%c6) : (tensor<?x?xf32>) -> ()

  // nf4, groups of 2, bf16 scales [2, 4]: levels 1, -1 and 0, 0.4407098.
  %x12 = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %wn = arith.constant dense<[[15, 0], [7, 12]]> : tensor<2x2xui4>
  %sn = arith.constant dense<[[2.0], [4.0]]> : tensor<2x1xbf16>
  %y7 = qf.matmul #qf.scheme<"nf4g2-bf16"> %x12, %wn scale(%sn) : (tensor<1x2xf32>, tensor<2x2xui4>, tensor<2x1xbf16>) -> tensor<1x2xf32>
  // CHECK: [-2, 3.52568]
  %c7 = tensor.cast %y7 : tensor<1x2xf32> to tensor<?x?xf32>
  call @print(%c7) : (tensor<?x?xf32>) -> ()

  // w2g4 per group, f32 activations: codes in [-2, 1].
  %w2 = arith.constant dense<[[1, -2, 0, -1], [1, 1, 1, 1]]> : tensor<2x4xi2>
  %s2 = arith.constant dense<[[0.5], [3.0]]> : tensor<2x1xf32>
  %x4 = arith.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %y8 = qf.matmul #qf.scheme<"w2g4"> %x4, %w2 scale(%s2) : (tensor<1x4xf32>, tensor<2x4xi2>, tensor<2x1xf32>) -> tensor<1x2xf32>
  // CHECK: [-3.5, 30]
  %c8 = tensor.cast %y8 : tensor<1x2xf32> to tensor<?x?xf32>
  call @print(%c8) : (tensor<?x?xf32>) -> ()

  // f32 weights (the float baseline) with gelu and silu epilogues.
  %xi = arith.constant dense<[[1.0, -1.0]]> : tensor<1x2xf32>
  %eye = arith.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %g = qf.matmul #qf.scheme<"f32"> %xi, %eye activation(gelu) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  // CHECK: [0.8413{{[0-9]*}}, -0.1586{{[0-9]*}}]
  %cg = tensor.cast %g : tensor<1x2xf32> to tensor<?x?xf32>
  call @print(%cg) : (tensor<?x?xf32>) -> ()
  %si = qf.matmul #qf.scheme<"f32"> %xi, %eye activation(silu) : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  // CHECK: [0.7310{{[0-9]*}}, -0.2689{{[0-9]*}}]
  %cs = tensor.cast %si : tensor<1x2xf32> to tensor<?x?xf32>
  call @print(%cs) : (tensor<?x?xf32>) -> ()
  return
}
