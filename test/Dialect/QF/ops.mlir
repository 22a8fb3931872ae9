// RUN: qforge-opt %s -split-input-file | FileCheck %s
// Round trip of every qf op and attribute; the second run checks that the
// printed form parses back to the same thing.
// RUN: qforge-opt %s -split-input-file | qforge-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func @quantize_per_tensor
// CHECK: qf.quantize %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x8xui8>
// CHECK: qf.dequantize %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x8xf32>
func.func @quantize_per_tensor(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<ui8>) -> tensor<4x8xf32> {
  %q = qf.quantize %x, %s, %z : (tensor<4x8xf32>, tensor<f32>, tensor<ui8>) -> tensor<4x8xui8>
  %d = qf.dequantize %q, %s, %z : (tensor<4x8xui8>, tensor<f32>, tensor<ui8>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @quantize_per_axis
// CHECK: qf.quantize %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<16x8xf32>, tensor<16xf32>) -> tensor<16x8xi8>
// CHECK: qf.dequantize %{{.*}}, %{{.*}} {axis = 0 : i64} : (tensor<16x8xi8>, tensor<16xf32>) -> tensor<16x8xbf16>
func.func @quantize_per_axis(%x: tensor<16x8xf32>, %s: tensor<16xf32>) -> tensor<16x8xbf16> {
  %q = qf.quantize %x, %s {axis = 0 : i64} : (tensor<16x8xf32>, tensor<16xf32>) -> tensor<16x8xi8>
  %d = qf.dequantize %q, %s {axis = 0 : i64} : (tensor<16x8xi8>, tensor<16xf32>) -> tensor<16x8xbf16>
  return %d : tensor<16x8xbf16>
}

// -----

// CHECK-LABEL: func @quantize_blocked
// CHECK: qf.quantize %{{.*}}, %{{.*}}, %{{.*}} {axis = 1 : i64, block_size = 32 : i64} : (tensor<4x70xf32>, tensor<4x3xf16>, tensor<4x3xui4>) -> tensor<4x70xui4>
// CHECK: qf.quantize %{{.*}}, %{{.*}} {axis = 1 : i64, block_size = 64 : i64, codebook = #qf.codebook<nf4>} : (tensor<4x70xf32>, tensor<4x2xf32>) -> tensor<4x70xui4>
// CHECK: qf.quantize %{{.*}}, %{{.*}} {axis = 1 : i64, block_size = 32 : i64} : (tensor<4x70xf32>, tensor<4x3xf32>) -> tensor<4x70xf4E2M1FN>
// CHECK: qf.quantize %{{.*}}, %{{.*}} : (tensor<4x70xf32>, tensor<f32>) -> tensor<4x70xf8E4M3FN>
// CHECK: qf.quantize %{{.*}}, %{{.*}} : (tensor<4x70xf32>, tensor<f32>) -> tensor<4x70xf8E5M2>
// CHECK: qf.quantize %{{.*}}, %{{.*}} : (tensor<4x70xf32>, tensor<f32>) -> tensor<4x70xi2>
func.func @quantize_blocked(%x: tensor<4x70xf32>, %s: tensor<4x3xf16>, %z: tensor<4x3xui4>, %s64: tensor<4x2xf32>, %s32: tensor<4x3xf32>, %t: tensor<f32>) {
  %a = qf.quantize %x, %s, %z {axis = 1 : i64, block_size = 32 : i64} : (tensor<4x70xf32>, tensor<4x3xf16>, tensor<4x3xui4>) -> tensor<4x70xui4>
  %b = qf.quantize %x, %s64 {axis = 1 : i64, block_size = 64 : i64, codebook = #qf.codebook<nf4>} : (tensor<4x70xf32>, tensor<4x2xf32>) -> tensor<4x70xui4>
  %c = qf.quantize %x, %s32 {axis = 1 : i64, block_size = 32 : i64} : (tensor<4x70xf32>, tensor<4x3xf32>) -> tensor<4x70xf4E2M1FN>
  %d = qf.quantize %x, %t : (tensor<4x70xf32>, tensor<f32>) -> tensor<4x70xf8E4M3FN>
  %e = qf.quantize %x, %t : (tensor<4x70xf32>, tensor<f32>) -> tensor<4x70xf8E5M2>
  %f = qf.quantize %x, %t : (tensor<4x70xf32>, tensor<f32>) -> tensor<4x70xi2>
  return
}

// -----

// CHECK-LABEL: func @dynamic_quantize
// CHECK: qf.dynamic_quantize %{{.*}} : tensor<2x3x8xf32> -> tensor<2x3x8xui8>, tensor<f32>, tensor<ui8>
// CHECK: qf.dynamic_quantize %{{.*}} per_row : tensor<2x3x8xf32> -> tensor<2x3x8xi8>, tensor<2x3xf32>, tensor<2x3xi8>
func.func @dynamic_quantize(%x: tensor<2x3x8xf32>) {
  %q, %s, %z = qf.dynamic_quantize %x : tensor<2x3x8xf32> -> tensor<2x3x8xui8>, tensor<f32>, tensor<ui8>
  %q2, %s2, %z2 = qf.dynamic_quantize %x per_row : tensor<2x3x8xf32> -> tensor<2x3x8xi8>, tensor<2x3xf32>, tensor<2x3xi8>
  return
}

// -----

// CHECK-LABEL: func @observe
// CHECK: qf.observe %{{.*}} id "fc1.input" : tensor<?x512xf32>
func.func @observe(%x: tensor<?x512xf32>) -> tensor<?x512xf32> {
  %y = qf.observe %x id "fc1.input" : tensor<?x512xf32>
  return %y : tensor<?x512xf32>
}

// -----

// CHECK-LABEL: func @matmul_weight_only
// CHECK: qf.matmul #qf.scheme<"w4g128"> %{{.*}}, %{{.*}} scale(%{{.*}}) bias(%{{.*}}) activation(gelu) : (tensor<8x256xf32>, tensor<64x256xi4>, tensor<64x2xf32>, tensor<64xf32>) -> tensor<8x64xf32>
// CHECK: qf.matmul #qf.scheme<"w4g128asym"> %{{.*}}, %{{.*}} scale(%{{.*}}) zero_point(%{{.*}}) residual(%{{.*}}) : (tensor<8x256xf32>, tensor<64x256xui4>, tensor<64x2xf32>, tensor<64x2xui4>, tensor<8x64xf32>) -> tensor<8x64xf32>
// CHECK: qf.matmul #qf.scheme<"w8"> %{{.*}}, %{{.*}} scale(%{{.*}}) : (tensor<2x8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<2x8x64xf32>
// CHECK: qf.matmul #qf.scheme<"nf4g64-bf16"> %{{.*}}, %{{.*}} scale(%{{.*}}) activation(silu) : (tensor<8x256xf32>, tensor<64x256xui4>, tensor<64x4xbf16>) -> tensor<8x64xf32>
// CHECK: qf.matmul #qf.scheme<"fp8"> %{{.*}}, %{{.*}} scale(%{{.*}}) : (tensor<8x256xf32>, tensor<64x256xf8E4M3FN>, tensor<64xf32>) -> tensor<8x64xf32>
// CHECK: qf.matmul #qf.scheme<"w2g64"> %{{.*}}, %{{.*}} scale(%{{.*}}) : (tensor<8x256xf32>, tensor<64x256xi2>, tensor<64x4xf32>) -> tensor<8x64xf32>
// CHECK: qf.matmul #qf.scheme<"f32"> %{{.*}}, %{{.*}} : (tensor<8x256xf32>, tensor<64x256xf32>) -> tensor<8x64xf32>
func.func @matmul_weight_only(%x: tensor<8x256xf32>, %x3: tensor<2x8x256xf32>,
    %w4: tensor<64x256xi4>, %s4: tensor<64x2xf32>, %b: tensor<64xf32>,
    %u4: tensor<64x256xui4>, %z4: tensor<64x2xui4>, %r: tensor<8x64xf32>,
    %w8: tensor<64x256xi8>, %s8: tensor<64xf32>, %sbf: tensor<64x4xbf16>,
    %wf8: tensor<64x256xf8E4M3FN>, %w2: tensor<64x256xi2>, %s2: tensor<64x4xf32>,
    %wf: tensor<64x256xf32>) {
  %0 = qf.matmul #qf.scheme<"w4g128"> %x, %w4 scale(%s4) bias(%b) activation(gelu) : (tensor<8x256xf32>, tensor<64x256xi4>, tensor<64x2xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  %1 = qf.matmul #qf.scheme<"w4g128asym"> %x, %u4 scale(%s4) zero_point(%z4) residual(%r) : (tensor<8x256xf32>, tensor<64x256xui4>, tensor<64x2xf32>, tensor<64x2xui4>, tensor<8x64xf32>) -> tensor<8x64xf32>
  %2 = qf.matmul #qf.scheme<"w8"> %x3, %w8 scale(%s8) : (tensor<2x8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<2x8x64xf32>
  %3 = qf.matmul #qf.scheme<"nf4g64-bf16"> %x, %u4 scale(%sbf) activation(silu) : (tensor<8x256xf32>, tensor<64x256xui4>, tensor<64x4xbf16>) -> tensor<8x64xf32>
  %4 = qf.matmul #qf.scheme<"fp8"> %x, %wf8 scale(%s8) : (tensor<8x256xf32>, tensor<64x256xf8E4M3FN>, tensor<64xf32>) -> tensor<8x64xf32>
  %5 = qf.matmul #qf.scheme<"w2g64"> %x, %w2 scale(%s2) : (tensor<8x256xf32>, tensor<64x256xi2>, tensor<64x4xf32>) -> tensor<8x64xf32>
  %6 = qf.matmul #qf.scheme<"f32"> %x, %wf : (tensor<8x256xf32>, tensor<64x256xf32>) -> tensor<8x64xf32>
  return
}

// -----

// CHECK-LABEL: func @matmul_int8_activations
// CHECK: qf.matmul #qf.scheme<"a8w8"> %{{.*}}, %{{.*}} scale(%{{.*}}) : (tensor<?x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<?x64xf32>
// CHECK: qf.matmul #qf.scheme<"a8w8-static"> %{{.*}}, %{{.*}} scale(%{{.*}}) lhs_scale(%{{.*}}) bias(%{{.*}}) activation(relu) : (tensor<?x256xf32>, tensor<64x256xi8>, tensor<64xf32>, tensor<f32>, tensor<64xf32>) -> tensor<?x64xf32>
// CHECK: qf.matmul #qf.scheme<"a8w8"> %{{.*}}, %{{.*}} scale(%{{.*}}) lhs_scale(%{{.*}}) output_scale(%{{.*}}) output_zero_point(%{{.*}}) : (tensor<8x256xi8>, tensor<64x256xi8>, tensor<64xf32>, tensor<8xf32>, tensor<f32>, tensor<ui8>) -> tensor<8x64xui8>
func.func @matmul_int8_activations(%x: tensor<?x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>,
    %xs: tensor<f32>, %b: tensor<64xf32>, %xq: tensor<8x256xi8>, %rows: tensor<8xf32>, %oz: tensor<ui8>) {
  %0 = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) : (tensor<?x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<?x64xf32>
  %1 = qf.matmul #qf.scheme<"a8w8-static"> %x, %w scale(%s) lhs_scale(%xs) bias(%b) activation(relu) : (tensor<?x256xf32>, tensor<64x256xi8>, tensor<64xf32>, tensor<f32>, tensor<64xf32>) -> tensor<?x64xf32>
  %2 = qf.matmul #qf.scheme<"a8w8"> %xq, %w scale(%s) lhs_scale(%rows) output_scale(%xs) output_zero_point(%oz) : (tensor<8x256xi8>, tensor<64x256xi8>, tensor<64xf32>, tensor<8xf32>, tensor<f32>, tensor<ui8>) -> tensor<8x64xui8>
  return
}

// -----

// Scheme spellings parse to one canonical form.
// CHECK-LABEL: func @scheme_attrs
// CHECK-SAME: s0 = #qf.scheme<"w4g128asym">
// CHECK-SAME: s1 = #qf.scheme<"w4g128asym">
// CHECK-SAME: s2 = #qf.scheme<"a8w8">
// CHECK-SAME: s3 = #qf.scheme<"a8w8-static">
// CHECK-SAME: s4 = #qf.scheme<"w8-tensor">
// CHECK-SAME: s5 = #qf.scheme<"nf4g64-bf16-dq">
// CHECK-SAME: s6 = #qf.scheme<"fp8e5m2-f16">
// CHECK-SAME: s7 = #qf.scheme<"f32">
// CHECK-SAME: s8 = #qf.scheme<"w8">
// CHECK-SAME: s9 = #qf.scheme<"fp4g32">
func.func @scheme_attrs() attributes {
    s0 = #qf.scheme<"w4g128asym">, s1 = #qf.scheme<"w4g128-asym">,
    s2 = #qf.scheme<"a8w8-dynamic">, s3 = #qf.scheme<"a8w8-static">,
    s4 = #qf.scheme<"w8-tensor">, s5 = #qf.scheme<"nf4g64-dq-bf16">,
    s6 = #qf.scheme<"fp8e5m2-f16">, s7 = #qf.scheme<"f32">,
    s8 = #qf.scheme<"w8-channel-sym">, s9 = #qf.scheme<"fp4g32-f32">} {
  return
}

// -----

// CHECK-LABEL: func @target_attrs
// CHECK-SAME: t0 = #qf.target<"host">
// CHECK-SAME: t1 = #qf.target<"x86_64+avx2+fma">
// CHECK-SAME: t2 = #qf.target<"x86_64:znver3+avx2+f16c+fma">
// CHECK-SAME: t3 = #qf.target<"aarch64+dotprod+neon">
// CHECK-SAME: t4 = #qf.target<"sm_90a">
// CHECK-SAME: t5 = #qf.target<"x86_64+avx512+vnni">
func.func @target_attrs() attributes {
    t0 = #qf.target<"host">, t1 = #qf.target<"x86-64+fma+avx2">,
    t2 = #qf.target<"x86_64:znver3+avx2+fma+f16c">,
    t3 = #qf.target<"arm64+neon+dotprod">, t4 = #qf.target<"sm_90a">,
    t5 = #qf.target<"x86_64+vnni+avx512+avx512">} {
  return
}

// -----

// CHECK-LABEL: func @cpu_kernel_attrs
// CHECK-SAME: k0 = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>
// CHECK-SAME: k1 = #qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64>
// CHECK-SAME: k2 = #qf.cpu_kernel<kind = int8, layout = unpacked, nr = 4>
// CHECK-SAME: k3 = #qf.cpu_kernel<kind = float, layout = lookup, nr = 4, kb = 32>
func.func @cpu_kernel_attrs() attributes {
    k0 = #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>,
    k1 = #qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64, large_m = 0>,
    k2 = #qf.cpu_kernel<kind = int8, layout = unpacked, nr = 4>,
    k3 = #qf.cpu_kernel<layout = lookup, kind = float, kb = 32, nr = 4>} {
  return
}

// -----

// The module's target and a matmul's kernel config as discardable
// attributes (QFAttrNames.h).
// CHECK-LABEL: module attributes {qf.target = #qf.target<"x86_64+avx2+fma">}
// CHECK: qf.matmul {{.*}} {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4, large_m = 32>}
module attributes {qf.target = #qf.target<"x86_64+fma+avx2">} {
  func.func @configured(%x: tensor<2x8xf32>, %w: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
    %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4, large_m = 32>} : (tensor<2x8xf32>, tensor<4x8xi8>, tensor<4xf32>) -> tensor<2x4xf32>
    return %y : tensor<2x4xf32>
  }
}
