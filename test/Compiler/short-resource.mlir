// A dense_resource blob shorter than its tensor type (or missing) is a
// located error in every tool that reads constants, never a read past the
// blob (issue 16 #5).
// RUN: rm -rf %t && mkdir -p %t
// RUN: not qforge-opt %s --qf-quantize=scheme=w8 2>&1 | FileCheck %s
// RUN: not qforge-compile %s -o %t/f32 --quiet 2>&1 | FileCheck %s --check-prefixes=CHECK,COMPILE
// RUN: not qforge-compile %s --scheme w8 -o %t/w8 --quiet 2>&1 | FileCheck %s --check-prefixes=CHECK,COMPILE
// RUN: test ! -e %t/f32 && test ! -e %t/w8
// RUN: not qforge-calibrate %s --inputs %t/none.npz -o %t/stats 2>&1 | FileCheck %s

// CHECK: short-resource.mlir:[[@LINE+4]]:8: error: dense_resource<w1> : 'tensor<64x8xf32>' holds 8 bytes, but its type needs 2048
// CHECK: short-resource.mlir:[[@LINE+5]]:8: error: dense_resource<gone> : 'tensor<8xf32>' has no data (its blob is missing from dialect_resources)
// COMPILE: error: the model's constants do not match their types
func.func @mlp(%x: tensor<2x64xf32> {qf.name = "x"}) -> (tensor<2x8xf32> {qf.name = "y"}) {
  %w = arith.constant dense_resource<w1> : tensor<64x8xf32>
  %z = arith.constant 0.0 : f32
  %b = arith.constant dense_resource<gone> : tensor<8xf32>
  %e = tensor.empty() : tensor<2x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x64xf32>, tensor<64x8xf32>) outs(%f : tensor<2x8xf32>) -> tensor<2x8xf32> loc("fc1")
  %s = arith.addf %y, %y : tensor<2x8xf32>
  return %s : tensor<2x8xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w1: "0x040000000000803F0000803F"
    }
  }
#-}
