// RUN: qforge-opt %s --qf-reference-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s

// qf.dynamic_quantize: ui8 is ONNX DynamicQuantizeLinear (this is ONNX's own
// test case); i8 is symmetric absmax / 127, here per row.

func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %one = arith.constant dense<1.0> : tensor<f32>
  %x = arith.constant dense<[0.0, 2.0, -3.0, -2.5, 1.34, 0.5]> : tensor<6xf32>
  %q, %s, %z = qf.dynamic_quantize %x : tensor<6xf32> -> tensor<6xui8>, tensor<f32>, tensor<ui8>
  %qf = qf.dequantize %q, %one : (tensor<6xui8>, tensor<f32>) -> tensor<6xf32>
  %zf = qf.dequantize %z, %one : (tensor<ui8>, tensor<f32>) -> tensor<f32>
  // CHECK: [153, 255, 0, 26, 221, 179]
  %u0 = tensor.cast %qf : tensor<6xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()
  // CHECK: [0.0196078
  %u1 = tensor.cast %s : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()
  // CHECK: [153]
  %u2 = tensor.cast %zf : tensor<f32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()

  // Per row, symmetric int8; an all-zero row gets scale 1.
  %r = arith.constant dense<[[127.0, -63.5, 1.0], [0.0, 0.0, 0.0], [-2.54, 1.0, 0.5]]> : tensor<3x3xf32>
  %qr, %sr, %zr = qf.dynamic_quantize %r per_row : tensor<3x3xf32> -> tensor<3x3xi8>, tensor<3xf32>, tensor<3xi8>
  %qrf = qf.dequantize %qr, %one : (tensor<3x3xi8>, tensor<f32>) -> tensor<3x3xf32>
  // CHECK:      [127, -64, 1]
  // CHECK-NEXT: [0, 0, 0]
  // CHECK-NEXT: [-127, 50, 25]
  %u3 = tensor.cast %qrf : tensor<3x3xf32> to tensor<*xf32>
  call @printMemrefF32(%u3) : (tensor<*xf32>) -> ()
  // CHECK: [1, 1, 0.02]
  %u4 = tensor.cast %sr : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%u4) : (tensor<*xf32>) -> ()
  return
}
