// RUN: qforge-opt %s -split-input-file --qf-lower-to-cpu -verify-diagnostics
// RUN: not qforge-opt %s --qf-lower-to-cpu=target=sm_90 2>&1 | FileCheck %s --check-prefix=GPU
// RUN: not qforge-opt %s --qf-lower-to-cpu=target=x86_64+sse9 2>&1 | FileCheck %s --check-prefix=BAD

// GPU: error: qf-lower-to-cpu: target 'sm_90' is not a CPU target
// BAD: error: qf-lower-to-cpu: invalid target 'x86_64+sse9': unknown feature 'sse9'

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
