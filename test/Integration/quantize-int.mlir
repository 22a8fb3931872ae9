// RUN: qforge-opt %s --qf-reference-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s

// Integer quantization end to end: round half to even, saturation, NaN to
// the zero point, every integer storage type. Codes are printed through a
// dequantize with scale 1 and no zero point, which is exact.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @codes_i8(%q: tensor<12xi8>) {
  %one = arith.constant dense<1.0> : tensor<f32>
  %f = qf.dequantize %q, %one : (tensor<12xi8>, tensor<f32>) -> tensor<12xf32>
  %u = tensor.cast %f : tensor<12xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @main() {
  // Ties (x.5) go to even; beyond the range saturates; NaN -> zero point.
  %x = arith.constant dense<[0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 300.0, -300.0, 0x7FC00000, 0x7F800000, 0xFF800000]> : tensor<12xf32>
  %one = arith.constant dense<1.0> : tensor<f32>

  // CHECK: [0, 2, 2, 0, -2, -2, 2, 127, -128, 0, 127, -128]
  %q8 = qf.quantize %x, %one : (tensor<12xf32>, tensor<f32>) -> tensor<12xi8>
  call @codes_i8(%q8) : (tensor<12xi8>) -> ()

  // Zero point 3, uint8: rounding happens before the zero point is added.
  // CHECK: [3, 5, 5, 3, 1, 1, 5, 255, 0, 3, 255, 0]
  %z3 = arith.constant dense<3> : tensor<ui8>
  %qu8 = qf.quantize %x, %one, %z3 : (tensor<12xf32>, tensor<f32>, tensor<ui8>) -> tensor<12xui8>
  %fu8 = qf.dequantize %qu8, %one : (tensor<12xui8>, tensor<f32>) -> tensor<12xf32>
  %uu8 = tensor.cast %fu8 : tensor<12xf32> to tensor<*xf32>
  call @printMemrefF32(%uu8) : (tensor<*xf32>) -> ()

  // int4 saturates to [-8, 7]; uint4 to [0, 15]; int2 to [-2, 1].
  // CHECK: [0, 2, 2, 0, -2, -2, 2, 7, -8, 0, 7, -8]
  %q4 = qf.quantize %x, %one : (tensor<12xf32>, tensor<f32>) -> tensor<12xi4>
  %f4 = qf.dequantize %q4, %one : (tensor<12xi4>, tensor<f32>) -> tensor<12xf32>
  %u4 = tensor.cast %f4 : tensor<12xf32> to tensor<*xf32>
  call @printMemrefF32(%u4) : (tensor<*xf32>) -> ()

  // CHECK: [8, 10, 10, 8, 6, 6, 10, 15, 0, 8, 15, 0]
  %z8 = arith.constant dense<8> : tensor<ui4>
  %qu4 = qf.quantize %x, %one, %z8 : (tensor<12xf32>, tensor<f32>, tensor<ui4>) -> tensor<12xui4>
  %fu4 = qf.dequantize %qu4, %one : (tensor<12xui4>, tensor<f32>) -> tensor<12xf32>
  %uu4 = tensor.cast %fu4 : tensor<12xf32> to tensor<*xf32>
  call @printMemrefF32(%uu4) : (tensor<*xf32>) -> ()

  // CHECK: [0, 1, 1, 0, -2, -2, 1, 1, -2, 0, 1, -2]
  %q2 = qf.quantize %x, %one : (tensor<12xf32>, tensor<f32>) -> tensor<12xi2>
  %f2 = qf.dequantize %q2, %one : (tensor<12xi2>, tensor<f32>) -> tensor<12xf32>
  %u2 = tensor.cast %f2 : tensor<12xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()

  // x / scale is a true division: 0.3 / 0.1 = 2.9999998 in f32 -> 3.
  // CHECK: [3, -3]
  %y = arith.constant dense<[0.3, -0.3]> : tensor<2xf32>
  %tenth = arith.constant dense<0.1> : tensor<f32>
  %qy = qf.quantize %y, %tenth : (tensor<2xf32>, tensor<f32>) -> tensor<2xi8>
  %fy = qf.dequantize %qy, %one : (tensor<2xi8>, tensor<f32>) -> tensor<2xf32>
  %uy = tensor.cast %fy : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%uy) : (tensor<*xf32>) -> ()
  return
}
