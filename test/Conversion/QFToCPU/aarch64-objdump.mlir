// AArch64 object code, cross-compiled (it cannot run here): llvm-objdump shows
// the NEON instructions the kernels are meant to use.
// RUN: qforge-opt %s --qf-cpu-to-llvm=target=aarch64+neon+dotprod \
// RUN: | mlir-translate --mlir-to-llvmir \
// RUN: | llc -O3 -mtriple=aarch64-unknown-linux-gnu -mattr=+neon,+dotprod -filetype=obj -o %t.dotprod.o
// RUN: llvm-objdump -d --no-show-raw-insn %t.dotprod.o | FileCheck %s --check-prefixes=COMMON,DOT
// RUN: qforge-opt %s --qf-cpu-to-llvm=target=aarch64+neon \
// RUN: | mlir-translate --mlir-to-llvmir \
// RUN: | llc -O3 -mtriple=aarch64-unknown-linux-gnu -mattr=+neon -filetype=obj -o %t.neon.o
// RUN: llvm-objdump -d --no-show-raw-insn %t.neon.o | FileCheck %s --check-prefixes=COMMON,NEON
// Before LLVM, with dotprod: arm_neon.intr.sdot on 16-byte halves.
// RUN: qforge-opt %s --qf-attach-target=target=aarch64+neon+dotprod --qf-cpu-select-kernels=pack=false --qf-lower-to-cpu | FileCheck %s --check-prefix=IR

// Float path (w4g128, packed constant weights): nibbles widened in registers
// and 4-lane f32 FMAs.
// COMMON-LABEL: <w4g128_parallel0>:
// COMMON: ushr
// COMMON: scvtf v{{[0-9]+}}.4s
// COMMON: fmla v{{[0-9]+}}.4s
// COMMON-NOT: bl
// COMMON: ret

// Integer path (a8w8): with dotprod, sdot on 16 int8 pairs per instruction
// and no widening multiplies; plain NEON widens and multiplies instead.
// COMMON-LABEL: <a8w8_parallel0>:
// DOT: sdot v{{[0-9]+}}.4s, v{{[0-9]+}}.16b, v{{[0-9]+}}.16b
// DOT-NOT: smull
// NEON-NOT: sdot
// NEON: smull
// COMMON: ret

// IR-LABEL: func.func @a8w8
// IR: arm_neon.intr.sdot %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi8>, vector<16xi8> to vector<4xi32>
// IR: arm_neon.intr.sdot %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi8>, vector<16xi8> to vector<4xi32>

func.func @w4g128(%x: tensor<1x256xf32>) -> tensor<1x16xf32> {
  %w = arith.constant dense<3> : tensor<16x256xi4>
  %s = arith.constant dense<0.5> : tensor<16x2xf32>
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) : (tensor<1x256xf32>, tensor<16x256xi4>, tensor<16x2xf32>) -> tensor<1x16xf32>
  return %y : tensor<1x16xf32>
}

func.func @a8w8(%x: tensor<?x256xf32>) -> tensor<?x16xf32> {
  %w = arith.constant dense<-7> : tensor<16x256xi8>
  %s = arith.constant dense<0.01> : tensor<16xf32>
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) : (tensor<?x256xf32>, tensor<16x256xi8>, tensor<16xf32>) -> tensor<?x16xf32>
  return %y : tensor<?x16xf32>
}
