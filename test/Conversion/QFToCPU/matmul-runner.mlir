// The end-to-end matmul cases of test/Integration/matmul.mlir (every scheme
// family and epilogue, exact numbers), through the fused CPU kernels instead
// of the reference lowering: same expected output.
// RUN: qforge-opt %S/../../Integration/matmul.mlir --qf-cpu-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %S/../../Integration/matmul.mlir
// And for a target without AVX2 (128-bit vectors, portable integer dot).
// RUN: qforge-opt %S/../../Integration/matmul.mlir --qf-cpu-to-llvm=target=x86_64 \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %S/../../Integration/matmul.mlir
