// The qf dialect, passes and pipelines in stock mlir-opt-22, loaded as a
// plugin: parse and print qf IR, run qf passes, and run the whole CPU
// pipeline whose output mlir-runner executes.
// RUN: mlir-opt %s --load-dialect-plugin=%qforge_plugin --load-pass-plugin=%qforge_plugin \
// RUN:   --pass-pipeline="builtin.module(qf-attach-target{target=x86_64:znver3},qf-cpu-select-kernels)" \
// RUN: | FileCheck %s
// RUN: mlir-opt %S/../Integration/matmul.mlir --load-dialect-plugin=%qforge_plugin \
// RUN:   --load-pass-plugin=%qforge_plugin --pass-pipeline="builtin.module(qf-cpu-to-llvm)" \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %S/../Integration/matmul.mlir
// Without the plugin mlir-opt knows no qf.
// RUN: not mlir-opt %s 2>&1 | FileCheck %s --check-prefix=NOPLUGIN

// CHECK: module attributes {qf.target = #qf.target<"x86_64:znver3">}
// CHECK: qf.matmul #qf.scheme<"w4g32"> {{.*}} {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>}
// NOPLUGIN: error: {{.*}}qf.matmul

func.func @w4g32(%x: tensor<?x64xf32>) -> tensor<?x4xf32> {
  %w = arith.constant dense<3> : tensor<4x64xi4>
  %s = arith.constant dense<0.5> : tensor<4x2xf32>
  %y = qf.matmul #qf.scheme<"w4g32"> %x, %w scale(%s) : (tensor<?x64xf32>, tensor<4x64xi4>, tensor<4x2xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
