// The a8w8 kernel's int8 dot product is written with plain vector ops
// (sign-extend, multiply, add adjacent pairs); on an AVX2 target LLVM must
// select vpmaddwd for it, with no 32-bit multiplies left in the loop.
// RUN: qforge-opt %s --qf-cpu-to-llvm=target=x86_64:znver3+avx2+fma \
// RUN: | mlir-translate --mlir-to-llvmir \
// RUN: | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver3 \
// RUN: | FileCheck %s

// The kernel's loop is the function outlined for the thread pool.
// CHECK-LABEL: a8w8_parallel0:
// CHECK: vpmaddwd
// CHECK-NOT: vpmulld
// CHECK: .cfi_endproc
func.func @a8w8(%x: tensor<?x256xf32>, %w: tensor<16x256xi8>, %s: tensor<16xf32>) -> tensor<?x16xf32> {
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) : (tensor<?x256xf32>, tensor<16x256xi8>, tensor<16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
