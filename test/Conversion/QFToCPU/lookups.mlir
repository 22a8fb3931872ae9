// NF4 codes are looked up in registers on AVX2: packed weights (lookup
// order) through four vpshufb byte-plane lookups and in-lane unpacks,
// unpacked weights through two vpermps and a blend. No memory gathers.
// RUN: qforge-opt %s --qf-cpu-to-llvm=target=x86_64:znver3+avx2+fma | FileCheck %s
// RUN: qforge-opt %s --qf-cpu-to-llvm=target=x86_64:znver3+avx2+fma \
// RUN: | mlir-translate --mlir-to-llvmir \
// RUN: | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver3 \
// RUN: | FileCheck %s --check-prefix=ASM
// Without AVX2 the gathers stay (portable, slower).
// RUN: qforge-opt %s --qf-cpu-to-llvm=target=x86_64 | FileCheck %s --check-prefix=SSE

// The kernels' loops live in the functions outlined for the thread pool.
// CHECK-LABEL: llvm.func internal @packed_parallel0(
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.pshuf.b"
// CHECK-NOT: llvm.intr.masked.gather
// CHECK-LABEL: llvm.func internal @unpacked_parallel0(
// CHECK: llvm.call_intrinsic "llvm.x86.avx2.permps"
// CHECK-NOT: llvm.intr.masked.gather
// CHECK: llvm.return
// ASM-LABEL: packed_parallel0:
// ASM: vpshufb
// ASM: vpunpcklbw
// ASM: vpunpcklwd
// ASM: vfmadd
// ASM-NOT: vgatherdps
// ASM-LABEL: unpacked_parallel0:
// ASM: vperm{{d|ps}}
// ASM: vblendvps
// ASM-NOT: vgatherdps
// ASM: .cfi_endproc
// SSE: llvm.intr.masked.gather
// SSE-NOT: llvm.x86.avx2
func.func @packed(%x: tensor<1x128xf32>) -> tensor<1x8xf32> {
  %w = arith.constant dense<5> : tensor<8x128xui4>
  %s = arith.constant dense<0.25> : tensor<8x2xf32>
  %y = qf.matmul #qf.scheme<"nf4g64"> %x, %w scale(%s) : (tensor<1x128xf32>, tensor<8x128xui4>, tensor<8x2xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}
func.func @unpacked(%x: tensor<1x128xf32>, %w: tensor<8x128xui4>, %s: tensor<8x2xf32>) -> tensor<1x8xf32> {
  %y = qf.matmul #qf.scheme<"nf4g64"> %x, %w scale(%s) : (tensor<1x128xf32>, tensor<8x128xui4>, tensor<8x2xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}
