// Packing and lowering read the kernel config and make no decision of their
// own: an op without one, or with one that cannot run it on the target, is
// a located error.
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3 --qf-lower-to-cpu -verify-diagnostics
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3 --qf-pack-weights -verify-diagnostics

func.func @no_config(%x: tensor<2x8xf32>, %w: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{has no qf.cpu.kernel kernel config (run --qf-cpu-select-kernels first)}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<2x8xf32>, tensor<4x8xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @int8_for_weight_only(%x: tensor<2x8xf32>, %w: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{cannot run #qf.cpu_kernel<kind = int8, layout = unpacked, nr = 4>: the int8 kernel runs a8w8 schemes only, not 'w8'}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = int8, layout = unpacked, nr = 4>} : (tensor<2x8xf32>, tensor<4x8xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @float_for_a8w8(%x: tensor<2x32xf32>, %w: tensor<4x32xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{the float kernel does not run a8w8 schemes ('a8w8'): use kind = int8}}
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4>} : (tensor<2x32xf32>, tensor<4x32xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @int8_activations_for_w4g32(%x: tensor<2x64xf32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<1> : tensor<8x64xi4>
  %s = arith.constant dense<0.5> : tensor<8x2xf32>
  // expected-error @+1 {{the int8_activations kernel takes weight-only 4- and 8-bit integer, NF4 and FP4 schemes (groups of a multiple of its block), not 'w4g32'}}
  %y = qf.matmul #qf.scheme<"w4g32"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64>} : (tensor<2x64xf32>, tensor<8x64xi4>, tensor<8x2xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

func.func @block_not_whole_vectors(%x: tensor<2x64xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<1> : tensor<4x64xi8>
  %s = arith.constant dense<0.5> : tensor<4xf32>
  // expected-error @+1 {{the float kernel's blocks must be a multiple of 8 elements on this target (8 f32 lanes), not 12}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 12>} : (tensor<2x64xf32>, tensor<4x64xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @other_tile_rows(%x: tensor<2x8xf32>, %w: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{the kernels are built for tiles of 4 rows on this target, not 6}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 6>} : (tensor<2x8xf32>, tensor<4x8xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @large_m_unreadable(%x: tensor<2x40xf32>, %w: tensor<4x40xi4>, %s: tensor<4x2xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{the large-M kernel cannot read unpacked groups of 20 (not a multiple of 8 lanes): large_m must be 0}}
  %y = qf.matmul #qf.scheme<"w4g20"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4, large_m = 32>} : (tensor<2x40xf32>, tensor<4x40xi4>, tensor<4x2xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
