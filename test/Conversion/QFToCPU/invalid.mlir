// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3 --qf-cpu-select-kernels --qf-lower-to-cpu -verify-diagnostics
// RUN: not qforge-opt %s --qf-attach-target=target=sm_90 --qf-lower-to-cpu 2>&1 | FileCheck %s --check-prefix=GPU
// RUN: not qforge-opt %s --qf-attach-target=target=x86_64+sse9 --qf-lower-to-cpu 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not qforge-opt %s --qf-attach-target=target=x86_64:zen99 2>&1 | FileCheck %s --check-prefix=CPU

// GPU: error: qf-lower-to-cpu: target 'sm_90' is not a CPU target
// BAD: error: qf-attach-target: invalid target 'x86_64+sse9': unknown feature 'sse9'
// CPU: error: qf-attach-target: invalid target 'x86_64:zen99': unknown CPU 'zen99' for x86_64

func.func @dynamic_k(%x: tensor<2x?xf32>, %w: tensor<4x?xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{qf-lower-to-cpu needs static N and K, got weight 'tensor<4x?xi8>'}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<2x?xf32>, tensor<4x?xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @dynamic_n(%x: tensor<2x8xf32>, %w: tensor<?x8xi8>, %s: tensor<?xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{qf-lower-to-cpu needs static N and K, got weight 'tensor<?x8xi8>'}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<2x8xf32>, tensor<?x8xi8>, tensor<?xf32>) -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}

// -----

func.func @packed_missing_global(%x: tensor<1x8xf32>, %w: tensor<1x8xi4>, %s: tensor<1xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{has an invalid qf.cpu.packed: no memref.global @missing}}
  %y = qf.matmul #qf.scheme<"w4"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>, qf.cpu.packed = {bits = 4 : i64, global = @missing, group = 0 : i64, k = 8 : i64, kb = 32 : i64, n = 1 : i64, nr = 4 : i64, zero_term = true}} : (tensor<1x8xf32>, tensor<1x8xi4>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

memref.global "private" constant @blob : memref<16xi8> = dense<0>
func.func @packed_wrong_size(%x: tensor<1x8xf32>, %w: tensor<1x8xi4>, %s: tensor<1xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{has an invalid qf.cpu.packed: the global's size does not match the layout}}
  %y = qf.matmul #qf.scheme<"w4"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>, qf.cpu.packed = {bits = 4 : i64, global = @blob, group = 0 : i64, k = 8 : i64, kb = 32 : i64, n = 1 : i64, nr = 4 : i64, zero_term = true}} : (tensor<1x8xf32>, tensor<1x8xi4>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

func.func @packed_malformed(%x: tensor<1x8xf32>, %w: tensor<1x8xi4>, %s: tensor<1xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{has a malformed qf.cpu.packed attribute}}
  %y = qf.matmul #qf.scheme<"w4"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>, qf.cpu.packed = {bits = 4 : i64}} : (tensor<1x8xf32>, tensor<1x8xi4>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
