// The large-M a8w8 microkernel multiplies broadcast int16 pairs of the lhs
// with int16 pairs of the weights and adds adjacent products: on an AVX2
// target LLVM must select vpmaddwd (with a 32-bit broadcast of the lhs pair),
// with no 32-bit multiplies.
// RUN: qforge-opt %s --qf-cpu-to-llvm=target=x86_64:znver3+avx2+fma \
// RUN: | mlir-translate --mlir-to-llvmir \
// RUN: | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver3 \
// RUN: | FileCheck %s
// On a VNNI target LLVM folds each vpmaddwd and the add after it into one
// vpdpwssd: the a8w8 kernels need no VNNI code of their own.
// RUN: qforge-opt %s --qf-cpu-to-llvm=target=x86_64:znver3+avx2+fma+avxvnni \
// RUN: | mlir-translate --mlir-to-llvmir \
// RUN: | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver3 -mattr=+avxvnni \
// RUN: | FileCheck %s --check-prefix=VNNI

// The microkernel runs in the outlined body of the panel-range loop.
// CHECK-LABEL: a8w8_large_parallel0:
// CHECK: vpbroadcastd
// CHECK: vpmaddwd
// CHECK-NOT: vpmulld
// CHECK: .cfi_endproc
// VNNI-LABEL: a8w8_large_parallel0:
// VNNI-NOT: vpmaddwd
// VNNI: {vex} vpdpwssd
// VNNI-NOT: vpmaddwd
// VNNI: .cfi_endproc
func.func @a8w8_large(%x: tensor<64x256xf32>, %w: tensor<32x256xi8>, %s: tensor<32xf32>) -> tensor<64x32xf32> {
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) : (tensor<64x256xf32>, tensor<32x256xi8>, tensor<32xf32>) -> tensor<64x32xf32>
  return %y : tensor<64x32xf32>
}
