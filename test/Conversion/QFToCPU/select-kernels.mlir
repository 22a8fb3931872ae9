// qf-cpu-select-kernels: the one decision per qf.matmul, written as a
// #qf.cpu_kernel that packing and lowering only read. Targets are pinned.
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3 --qf-cpu-select-kernels | FileCheck %s
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3 --qf-cpu-select-kernels | FileCheck %s --check-prefix=NEVER
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3 --qf-cpu-select-kernels=int8-activations=always | FileCheck %s --check-prefix=ALWAYS
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3 --qf-cpu-select-kernels=int8-activations=auto | FileCheck %s --check-prefix=ALWAYS
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64 --qf-cpu-select-kernels=int8-activations=auto | FileCheck %s --check-prefix=GENERIC
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver4 --qf-cpu-select-kernels | FileCheck %s --check-prefix=AVX512
// RUN: qforge-opt %s -split-input-file --qf-attach-target=target=x86_64:znver3 --qf-cpu-select-kernels=pack=false | FileCheck %s --check-prefix=UNPACKED

// CHECK-LABEL: func.func @w4g128
// CHECK: qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>
// ALWAYS-LABEL: func.func @w4g128
// ALWAYS: qf.cpu.kernel = #qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64>
// A target without native int8 dots: auto keeps f32 activations; blocks
// of 16 (2 fields x 4 SSE lanes) would fit, 32 is preferred.
// GENERIC-LABEL: func.func @w4g128
// GENERIC: qf.cpu.int8_activations_not_applied = "the target has no native int8 dot product (int8-activations=auto keeps f32 activations there)"
// GENERIC-SAME: qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>
// AVX512-LABEL: func.func @w4g128
// AVX512: qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>
// UNPACKED-LABEL: func.func @w4g128
// UNPACKED: qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4, large_m = 32>
func.func @w4g128(%x: tensor<?x256xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<3> : tensor<8x256xi4>
  %s = arith.constant dense<0.5> : tensor<8x2xf32>
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) : (tensor<?x256xf32>, tensor<8x256xi4>, tensor<8x2xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// NF4 on AVX2: lookup order for the register lookups; AVX-512's 16 lanes
// need blocks of 32 too but have no lookup path.
// CHECK-LABEL: func.func @nf4g64
// CHECK: qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = lookup, nr = 4, kb = 32, large_m = 32>
// AVX512-LABEL: func.func @nf4g64
// AVX512: qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>
func.func @nf4g64(%x: tensor<?x128xf32>) -> tensor<?x4xf32> {
  %w = arith.constant dense<3> : tensor<4x128xui4>
  %s = arith.constant dense<0.5> : tensor<4x2xf32>
  %y = qf.matmul #qf.scheme<"nf4g64"> %x, %w scale(%s) {codebook = #qf.codebook<nf4>} : (tensor<?x128xf32>, tensor<4x128xui4>, tensor<4x2xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// Weights that are not constants stay unpacked; groups of 20 are no whole
// number of 8-lane steps, so the large-M kernel cannot read them.
// CHECK-LABEL: func.func @w8_argument
// CHECK: qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4, large_m = 32>
// CHECK-LABEL: func.func @w4g20
// CHECK: qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4>
// Asked for int8 activations, each says why it keeps f32 ones (the compile
// report shows it per layer); without the request nothing is said.
// ALWAYS-LABEL: func.func @w8_argument
// ALWAYS: qf.cpu.int8_activations_not_applied = "the weights, scales or zero points are not constants of static shape, which the int8-activation kernel packs at compile time"
// ALWAYS-LABEL: func.func @w4g20
// ALWAYS: qf.cpu.int8_activations_not_applied = "groups of 20 ('w4g20') are not a multiple of the int8-activation kernel's block of 64 for 4-bit codes"
// NEVER-NOT: int8_activations_not_applied
func.func @w8_argument(%x: tensor<2x8xf32>, %w: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<2x8xf32>, tensor<4x8xi8>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @w4g20(%x: tensor<2x40xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<1> : tensor<4x40xi4>
  %s = arith.constant dense<0.25> : tensor<4x2xf32>
  %y = qf.matmul #qf.scheme<"w4g20"> %x, %w scale(%s) : (tensor<2x40xf32>, tensor<4x40xi4>, tensor<4x2xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// a8w8: the int8 kernel, packed in 32-element rows.
// CHECK-LABEL: func.func @a8w8
// CHECK: qf.cpu.kernel = #qf.cpu_kernel<kind = int8, layout = tiled, nr = 4, kb = 32, large_m = 32>
// ALWAYS-LABEL: func.func @a8w8
// ALWAYS: qf.cpu.kernel = #qf.cpu_kernel<kind = int8, layout = tiled, nr = 4, kb = 32, large_m = 32>
func.func @a8w8(%x: tensor<?x64xf32>) -> tensor<?x4xf32> {
  %w = arith.constant dense<2> : tensor<4x64xi8>
  %s = arith.constant dense<0.5> : tensor<4xf32>
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) : (tensor<?x64xf32>, tensor<4x64xi8>, tensor<4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// A config already there (by hand, by autoquant) is kept as it is.
// CHECK-LABEL: func.func @by_hand
// CHECK: qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4>
// ALWAYS-LABEL: func.func @by_hand
// ALWAYS: qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4>
func.func @by_hand(%x: tensor<?x256xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<3> : tensor<8x256xi4>
  %s = arith.constant dense<0.5> : tensor<8x2xf32>
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4>} : (tensor<?x256xf32>, tensor<8x256xi4>, tensor<8x2xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
