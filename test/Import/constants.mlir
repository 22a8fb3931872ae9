// REQUIRES: onnx
// RUN: %python %S/Inputs/onnx_models.py ir_constants %t.onnx
// RUN: qforge-import %t.onnx | FileCheck %s
// RUN: qforge-import %t.onnx --max-dense-elements=0 | FileCheck %s --check-prefix=ALLRES
// RUN: qforge-import %t.onnx -o %t.mlir
// RUN: qforge-opt %t.mlir | FileCheck %s --check-prefix=ROUNDTRIP
// RUN: qforge-import %t.onnx --emit-bytecode -o %t.mlirbc
// RUN: qforge-opt %t.mlirbc | FileCheck %s --check-prefix=ROUNDTRIP

// Initializers larger than 16 elements become dense_resource blobs holding
// the f32 data; small ones and Constant nodes stay dense. Transpose and
// Reshape of constants are folded at import time: only the result is
// emitted, as one blob.

// CHECK-LABEL: func.func @main(
// CHECK-NOT: linalg.transpose
// CHECK: %[[BIG:.*]] = arith.constant dense_resource<bigR> : tensor<20xf32>
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%arg0, %[[BIG]] : tensor<16x20xf32>, tensor<20xf32>)
// 16 elements: dense.
// CHECK: %[[S16:.*]] = arith.constant dense<{{\[\[}}{{.*}}]]> : tensor<16x1xf32>
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[S16]] : tensor<16x20xf32>, tensor<16x1xf32>)
// The Constant node's value_floats.
// CHECK: %[[C:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK: linalg.generic {{.*}} ins(%arg1, %[[C]] : tensor<2x3xf32>, tensor<3xf32>)
// The blob: the alignment (4), then the data: big = arange(20) / 2 as 4x5,
// transposed: 0.0, 2.5, 5.0, 7.5, 0.5, ... (little-endian f32).
// CHECK: dialect_resources: {
// CHECK-NEXT: builtin: {
// CHECK-NEXT: bigR: "0x0400000000000000000020400000A0400000F0400000003F{{[0-9A-F]+}}"
// CHECK-NOT: big{{[^R]}}

// ALLRES: dense_resource<bigR> : tensor<20xf32>
// ALLRES: dense_resource<small16> : tensor<16x1xf32>
// ALLRES: dense_resource<small> : tensor<3xf32>

// ROUNDTRIP: arith.constant dense_resource<bigR> : tensor<20xf32>
// ROUNDTRIP: bigR: "0x04000000
