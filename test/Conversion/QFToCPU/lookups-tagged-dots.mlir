// --qf-lower-cpu-lookups on the kernels' tagged dot pieces (KernelLoops.h):
// with VNNI each 4-byte sum tagged qf.cpu.dpbusd becomes one vpdpbusd,
// taking the accumulator it is added to (either operand order) or zero;
// untagged sums, and every sum on AVX2 without VNNI, stay plain vector ops.
// On AVX2 a sign transfer tagged qf.cpu.sign_by becomes vpsignb.
// RUN: qforge-opt %s -split-input-file \
// RUN:   --qf-attach-target=target=x86_64+avx2+fma+avxvnni --qf-lower-cpu-lookups | FileCheck %s
// RUN: qforge-opt %s -split-input-file \
// RUN:   --qf-attach-target=target=x86_64+avx2+fma --qf-lower-cpu-lookups | FileCheck %s --check-prefix=AVX2

// CHECK-LABEL: func.func @accumulated
// CHECK-SAME: (%[[ACC:.*]]: vector<8xi32>, %[[U:.*]]: vector<32xi8>, %[[S:.*]]: vector<32xi8>)
// CHECK: %[[D:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%[[ACC]], %[[U]], %[[S]]) : (vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// CHECK-NOT: arith.addi
// CHECK: return %[[D]]
// AVX2-LABEL: func.func @accumulated
// AVX2-NOT: llvm.call_intrinsic
// AVX2: arith.addi {{.*}} {qf.cpu.dpbusd}
func.func @accumulated(%acc: vector<8xi32>, %u: vector<32xi8>, %s: vector<32xi8>) -> vector<8xi32> {
  %ue = arith.extui %u : vector<32xi8> to vector<32xi32>
  %se = arith.extsi %s : vector<32xi8> to vector<32xi32>
  %p = arith.muli %ue, %se : vector<32xi32>
  %e0 = vector.shuffle %p, %p [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xi32>, vector<32xi32>
  %o0 = vector.shuffle %p, %p [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31] : vector<32xi32>, vector<32xi32>
  %q = arith.addi %e0, %o0 : vector<16xi32>
  %e1 = vector.shuffle %q, %q [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xi32>, vector<16xi32>
  %o1 = vector.shuffle %q, %q [1, 3, 5, 7, 9, 11, 13, 15] : vector<16xi32>, vector<16xi32>
  %d = arith.addi %e1, %o1 {qf.cpu.dpbusd} : vector<8xi32>
  %r = arith.addi %acc, %d : vector<8xi32>
  return %r : vector<8xi32>
}

// -----

// CHECK-LABEL: func.func @accumulator_on_the_right
// CHECK-SAME: (%[[ACC:.*]]: vector<8xi32>, %[[U:.*]]: vector<32xi8>, %[[S:.*]]: vector<32xi8>)
// CHECK: llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%[[ACC]], %[[U]], %[[S]])
func.func @accumulator_on_the_right(%acc: vector<8xi32>, %u: vector<32xi8>, %s: vector<32xi8>) -> vector<8xi32> {
  %ue = arith.extui %u : vector<32xi8> to vector<32xi32>
  %se = arith.extsi %s : vector<32xi8> to vector<32xi32>
  %p = arith.muli %ue, %se : vector<32xi32>
  %e0 = vector.shuffle %p, %p [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xi32>, vector<32xi32>
  %o0 = vector.shuffle %p, %p [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31] : vector<32xi32>, vector<32xi32>
  %q = arith.addi %e0, %o0 : vector<16xi32>
  %e1 = vector.shuffle %q, %q [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xi32>, vector<16xi32>
  %o1 = vector.shuffle %q, %q [1, 3, 5, 7, 9, 11, 13, 15] : vector<16xi32>, vector<16xi32>
  %d = arith.addi %e1, %o1 {qf.cpu.dpbusd} : vector<8xi32>
  %r = arith.addi %d, %acc : vector<8xi32>
  return %r : vector<8xi32>
}

// -----

// The first dot of a zero accumulator: the add folded away upstream.
// CHECK-LABEL: func.func @alone
// CHECK-SAME: (%[[U:.*]]: vector<32xi8>, %[[S:.*]]: vector<32xi8>)
// CHECK: %[[ZERO:.*]] = arith.constant dense<0> : vector<8xi32>
// CHECK: %[[D:.*]] = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.256"(%[[ZERO]], %[[U]], %[[S]])
// CHECK: return %[[D]]
func.func @alone(%u: vector<32xi8>, %s: vector<32xi8>) -> vector<8xi32> {
  %ue = arith.extui %u : vector<32xi8> to vector<32xi32>
  %se = arith.extsi %s : vector<32xi8> to vector<32xi32>
  %p = arith.muli %ue, %se : vector<32xi32>
  %e0 = vector.shuffle %p, %p [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xi32>, vector<32xi32>
  %o0 = vector.shuffle %p, %p [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31] : vector<32xi32>, vector<32xi32>
  %q = arith.addi %e0, %o0 : vector<16xi32>
  %e1 = vector.shuffle %q, %q [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xi32>, vector<16xi32>
  %o1 = vector.shuffle %q, %q [1, 3, 5, 7, 9, 11, 13, 15] : vector<16xi32>, vector<16xi32>
  %d = arith.addi %e1, %o1 {qf.cpu.dpbusd} : vector<8xi32>
  return %d : vector<8xi32>
}

// -----

// CHECK-LABEL: func.func @untagged
// CHECK-NOT: llvm.call_intrinsic
// CHECK: return
func.func @untagged(%acc: vector<8xi32>, %u: vector<32xi8>, %s: vector<32xi8>) -> vector<8xi32> {
  %ue = arith.extui %u : vector<32xi8> to vector<32xi32>
  %se = arith.extsi %s : vector<32xi8> to vector<32xi32>
  %p = arith.muli %ue, %se : vector<32xi32>
  %e0 = vector.shuffle %p, %p [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30] : vector<32xi32>, vector<32xi32>
  %o0 = vector.shuffle %p, %p [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31] : vector<32xi32>, vector<32xi32>
  %q = arith.addi %e0, %o0 : vector<16xi32>
  %e1 = vector.shuffle %q, %q [0, 2, 4, 6, 8, 10, 12, 14] : vector<16xi32>, vector<16xi32>
  %o1 = vector.shuffle %q, %q [1, 3, 5, 7, 9, 11, 13, 15] : vector<16xi32>, vector<16xi32>
  %d = arith.addi %e1, %o1 : vector<8xi32>
  %r = arith.addi %acc, %d : vector<8xi32>
  return %r : vector<8xi32>
}

// -----

// CHECK-LABEL: func.func @sign_by
// CHECK-SAME: (%[[W:.*]]: vector<32xi8>, %[[X:.*]]: vector<32xi8>)
// CHECK: %[[R:.*]] = llvm.call_intrinsic "llvm.x86.avx2.psign.b"(%[[W]], %[[X]]) : (vector<32xi8>, vector<32xi8>) -> vector<32xi8>
// CHECK: return %[[R]]
// AVX2-LABEL: func.func @sign_by
// AVX2: llvm.call_intrinsic "llvm.x86.avx2.psign.b"
func.func @sign_by(%w: vector<32xi8>, %x: vector<32xi8>) -> vector<32xi8> {
  %z = arith.constant dense<0> : vector<32xi8>
  %n = arith.cmpi slt, %x, %z : vector<32xi8>
  %m = arith.subi %z, %w : vector<32xi8>
  %r = arith.select %n, %m, %w {qf.cpu.sign_by} : vector<32xi1>, vector<32xi8>
  return %r : vector<32xi8>
}

// -----

// CHECK-LABEL: func.func @select_untagged
// CHECK-NOT: llvm.call_intrinsic
// CHECK: arith.select
func.func @select_untagged(%w: vector<32xi8>, %x: vector<32xi8>) -> vector<32xi8> {
  %z = arith.constant dense<0> : vector<32xi8>
  %n = arith.cmpi slt, %x, %z : vector<32xi8>
  %m = arith.subi %z, %w : vector<32xi8>
  %r = arith.select %n, %m, %w : vector<32xi1>, vector<32xi8>
  return %r : vector<32xi8>
}
