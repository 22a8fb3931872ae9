// RUN: qforge-opt %s --qf-reference-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s

// float8 (e4m3fn, e5m2), FP4 (e2m1) and NF4 end to end: encode with round to
// nearest even and saturation, decode exactly.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<12xf32>) {
  %u = tensor.cast %t : tensor<12xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  %one = arith.constant dense<1.0> : tensor<f32>

  // e4m3fn: spacing 32 in [256, 448]; 300 -> 288; 304 is a tie between 288
  // (odd mantissa) and 320 (even); 464 and 1e9 and Inf saturate to 448;
  // 2^-10 is a tie between 0 and 2^-9 (-> 0); 3 * 2^-10 a tie between
  // 2^-9 and 2^-8 (-> 2^-8, even).
  %x = arith.constant dense<[300.0, 304.0, 464.0, 1.0e9, 0x7F800000, 0xFF800000, 0x7FC00000, 0.0009765625, 0.0029296875, -2.75, 0.1, -0.0]> : tensor<12xf32>
  // CHECK: [288, 320, 448, 448, 448, -448, nan, 0, 0.00390625, -2.75, 0.101562, -0]
  %q = qf.quantize %x, %one : (tensor<12xf32>, tensor<f32>) -> tensor<12xf8E4M3FN>
  %d = qf.dequantize %q, %one : (tensor<12xf8E4M3FN>, tensor<f32>) -> tensor<12xf32>
  call @print(%d) : (tensor<12xf32>) -> ()

  // e5m2: max 57344; 2 mantissa bits.
  %y = arith.constant dense<[57344.0, 61440.0, 1.0e9, 0x7F800000, 0xFF800000, 0x7FC00000, 1.125, 1.375, 0.1, -3.0, 1.5258789e-05, 7.6293945e-06]> : tensor<12xf32>
  // CHECK: [57344, 57344, 57344, 57344, -57344, nan, 1, 1.5, 0.09375, -3, 1.52588e-05, 0]
  %qy = qf.quantize %y, %one : (tensor<12xf32>, tensor<f32>) -> tensor<12xf8E5M2>
  %dy = qf.dequantize %qy, %one : (tensor<12xf8E5M2>, tensor<f32>) -> tensor<12xf32>
  call @print(%dy) : (tensor<12xf32>) -> ()

  // Scales divide first: 600 / 2 = 300 -> 288 -> * 2 = 576.
  %two = arith.constant dense<2.0> : tensor<f32>
  %z = arith.constant dense<[600.0, 1.0, -1.0, 0.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0]> : tensor<12xf32>
  // CHECK: [576, 1, -1, 0, 2, 4, 8, 16, 32, 64, 128, 256]
  %qz = qf.quantize %z, %two : (tensor<12xf32>, tensor<f32>) -> tensor<12xf8E4M3FN>
  %dz = qf.dequantize %qz, %two : (tensor<12xf8E4M3FN>, tensor<f32>) -> tensor<12xf32>
  call @print(%dz) : (tensor<12xf32>) -> ()

  // FP4 e2m1: levels 0, 0.5, 1, 1.5, 2, 3, 4, 6; 2.5 ties to 2 (even),
  // 5 ties to 4; beyond 6 saturates; 0.25 ties to 0.
  %f = arith.constant dense<[0.25, 0.75, 1.25, 2.5, 3.5, 5.0, 7.0, 100.0, -0.6, -5.5, 0x7F800000, 1.75]> : tensor<12xf32>
  // CHECK: [0, 1, 1, 2, 4, 4, 6, 6, -0.5, -6, 6, 2]
  %qf4 = qf.quantize %f, %one : (tensor<12xf32>, tensor<f32>) -> tensor<12xf4E2M1FN>
  %df4 = qf.dequantize %qf4, %one : (tensor<12xf4E2M1FN>, tensor<f32>) -> tensor<12xf32>
  call @print(%df4) : (tensor<12xf32>) -> ()

  // NF4, blocks of 6 with scales 1 and 2: the nearest of the 16 levels of
  // x / scale, times the scale.
  %n = arith.constant dense<[[1.0, -1.0, 0.0, 0.5, -0.2, 0.04], [2.0, 0.1, -0.5, 1.2, 3.0, -3.0]]> : tensor<2x6xf32>
  %ns = arith.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %qn = qf.quantize %n, %ns {axis = 1 : i64, block_size = 6 : i64, codebook = #qf.codebook<nf4>} : (tensor<2x6xf32>, tensor<2x1xf32>) -> tensor<2x6xui4>
  %dn = qf.dequantize %qn, %ns {axis = 1 : i64, block_size = 6 : i64, codebook = #qf.codebook<nf4>} : (tensor<2x6xui4>, tensor<2x1xf32>) -> tensor<2x6xf32>
  %un = tensor.cast %dn : tensor<2x6xf32> to tensor<*xf32>
  // CHECK:      [1, -1, 0, 0.440{{[0-9]*}}, -0.184{{[0-9]*}}, 0.0795{{[0-9]*}}]
  // CHECK-NEXT: [2, 0.159{{[0-9]*}}, -0.5688{{[0-9]*}}, 1.125{{[0-9]*}}, 2, -2]
  call @printMemrefF32(%un) : (tensor<*xf32>) -> ()
  // Codes themselves (times the scale): 15 0 7 12 5 8 / 15 8 4 13 15 0.
  %qnc = qf.quantize %n, %ns {axis = 1 : i64, block_size = 6 : i64, codebook = #qf.codebook<nf4>} : (tensor<2x6xf32>, tensor<2x1xf32>) -> tensor<2x6xui4>
  %dc = qf.dequantize %qnc, %ns {axis = 1 : i64, block_size = 6 : i64} : (tensor<2x6xui4>, tensor<2x1xf32>) -> tensor<2x6xf32>
  %uc = tensor.cast %dc : tensor<2x6xf32> to tensor<*xf32>
  // CHECK:      [15, 0, 7, 12, 5, 8]
  // CHECK-NEXT: [30, 16, 8, 26, 30, 0]
  call @printMemrefF32(%uc) : (tensor<*xf32>) -> ()
  return
}
