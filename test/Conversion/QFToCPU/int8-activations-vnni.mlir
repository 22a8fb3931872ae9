// int8-activations on a VNNI target: the kernel's 4-byte dots of unsigned
// codes and signed activation bytes accumulate straight into the i32 lanes
// (tagged, then vpdpbusd), with no i16 pair sums, and 8-bit codes and NF4
// levels are multiplied whole (no nibble split). AVX-VNNI gives the VEX
// form, AVX512-VNNI (+ VL) the EVEX form of the same 256-bit instruction.
// RUN: qforge-opt %s --qf-attach-target=target=x86_64:znver3+avx2+fma+avxvnni \
// RUN:   --qf-cpu-select-kernels=int8-activations=always --qf-pack-weights \
// RUN:   --qf-lower-to-cpu \
// RUN: | FileCheck %s --check-prefix=IR
// RUN: qforge-opt %s \
// RUN:   --qf-cpu-to-llvm="int8-activations=always target=x86_64:znver3+avx2+fma+avxvnni" \
// RUN: | tee %t.avxvnni.mlir | FileCheck %s --check-prefix=LLVM
// RUN: mlir-translate --mlir-to-llvmir %t.avxvnni.mlir \
// RUN: | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver3 -mattr=+avxvnni \
// RUN: | FileCheck %s --check-prefix=AVXVNNI
// RUN: qforge-opt %s \
// RUN:   --qf-cpu-to-llvm="int8-activations=always target=x86_64:znver4+avx2+fma+avx512+avx512vnni" \
// RUN: | mlir-translate --mlir-to-llvmir \
// RUN: | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=znver4 \
// RUN: | FileCheck %s --check-prefix=AVX512VNNI

// The NF4 table (@nf4g64 below) holds levels + 128.
// IR: memref.global "private" constant @__qf_nf4_int8_levels_plus128 : memref<16xi8> = dense<[1, 40, 61, 78, 92, 105, 116, -128, -118, -108, -97, -85, -72, -57, -36, -1]>
// IR-LABEL: func.func @w4g128
// IR-NOT: qf.cpu.maddubs
// IR: arith.addi {{.*}} {qf.cpu.dpbusd} : vector<8xi32>
// IR-NOT: qf.cpu.maddubs
// LLVM-LABEL: llvm.func internal @w4g128_parallel0(
// LLVM-NOT: pmadd
// LLVM: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"({{.*}}) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// LLVM-NOT: pmadd
// LLVM: llvm.func @w4g128(
// AVXVNNI-LABEL: w4g128_parallel0:
// AVXVNNI-NOT: vpmaddubsw
// AVXVNNI: {vex} vpdpbusd
// AVXVNNI-NOT: vpmaddubsw
// AVXVNNI: .cfi_endproc
// AVX512VNNI-LABEL: w4g128_parallel0:
// AVX512VNNI-NOT: {vex}
// AVX512VNNI: vpdpbusd %ymm
// AVX512VNNI-NOT: vpmaddubsw
// AVX512VNNI: .cfi_endproc
func.func @w4g128(%x: tensor<?x256xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<3> : tensor<8x256xi4>
  %s = arith.constant dense<0.5> : tensor<8x2xf32>
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) : (tensor<?x256xf32>, tensor<8x256xi4>, tensor<8x2xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// 8-bit codes: the unsigned code byte is the dot's operand as loaded, no
// nibble masks or shifts, no x16.
// IR-LABEL: func.func @w8
// IR-NOT: arith.shrui {{.*}} : vector<32xi8>
// IR: arith.addi {{.*}} {qf.cpu.dpbusd} : vector<8xi32>
// IR-NOT: arith.shrui {{.*}} : vector<32xi8>
// IR-NOT: arith.shli {{.*}} : vector<8xi32>
// IR: return
// AVXVNNI-LABEL: w8_parallel0:
// AVXVNNI-NOT: vpsrlw
// AVXVNNI: {vex} vpdpbusd
// AVXVNNI-NOT: vpsrlw
// AVXVNNI: .cfi_endproc
func.func @w8(%x: tensor<?x96xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<-5> : tensor<8x96xi8>
  %s = arith.constant dense<0.5> : tensor<8xf32>
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<?x96xf32>, tensor<8x96xi8>, tensor<8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// NF4 codes: each looked up (vpshufb) as its level + 128 (an unsigned byte,
// as vpdpbusd wants: the table global at the top), and the level byte
// multiplied whole.
// IR-LABEL: func.func @nf4g64
// IR: vector.gather
// IR-NOT: arith.shli {{.*}} : vector<8xi32>
// IR: arith.addi {{.*}} {qf.cpu.dpbusd} : vector<8xi32>
// IR-NOT: arith.shli {{.*}} : vector<8xi32>
// IR: return
// AVXVNNI-LABEL: nf4g64_parallel0:
// AVXVNNI: vpshufb
// AVXVNNI-NOT: vpmaddubsw
// AVXVNNI: {vex} vpdpbusd
// AVXVNNI-NOT: vpmaddubsw
// AVXVNNI: .cfi_endproc
func.func @nf4g64(%x: tensor<?x128xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<3> : tensor<8x128xui4>
  %s = arith.constant dense<0.5> : tensor<8x2xf32>
  %y = qf.matmul #qf.scheme<"nf4g64"> %x, %w scale(%s) : (tensor<?x128xf32>, tensor<8x128xui4>, tensor<8x2xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
