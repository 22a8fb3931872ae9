// RUN: qforge-opt %s -split-input-file --qf-outline-loop-nests | FileCheck %s
// RUN: qforge-opt %s -split-input-file --qf-outline-loop-nests=min-nests=3 | FileCheck %s --check-prefix=MIN3

// Two top-level nests: each moves into a private noinline function called in
// its place; constants and global addresses are cloned in, buffers become
// arguments.
memref.global "private" constant @w : memref<8xf32> = dense<2.0>

// CHECK-LABEL: func.func private @two_nest0(
// CHECK-SAME: %[[A:.*]]: memref<8xf32>, %[[B:.*]]: memref<8xf32>)
// CHECK-SAME: attributes {passthrough = ["noinline"]}
// CHECK-DAG: memref.get_global @w
// CHECK-DAG: arith.constant 8 : index
// CHECK: scf.for
// CHECK: arith.mulf
// CHECK-LABEL: func.func private @two_nest1(
// CHECK-SAME: attributes {passthrough = ["noinline"]}
// CHECK: scf.for
// CHECK: arith.addf
// CHECK-LABEL: func.func @two(
// CHECK-SAME: %[[X:.*]]: memref<8xf32>, %[[Y:.*]]: memref<8xf32>)
// CHECK-NOT: scf.for
// CHECK-NOT: scf.execute_region
// CHECK: call @two_nest0(%[[X]], %[[Y]])
// CHECK: call @two_nest1(%[[Y]])
// CHECK-NOT: scf.for
// CHECK: return
// MIN3-LABEL: func.func @two(
// MIN3-NOT: call
// MIN3: scf.for
// MIN3: scf.for
func.func @two(%x: memref<8xf32>, %y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %w = memref.get_global @w : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %a = memref.load %x[%i] : memref<8xf32>
    %b = memref.load %w[%i] : memref<8xf32>
    %p = arith.mulf %a, %b : f32
    memref.store %p, %y[%i] : memref<8xf32>
  }
  scf.for %i = %c0 to %c8 step %c1 {
    %a = memref.load %y[%i] : memref<8xf32>
    %s = arith.addf %a, %a : f32
    memref.store %s, %y[%i] : memref<8xf32>
  }
  return
}

// -----

// One nest: nothing to gain, left as it is.
// CHECK-LABEL: func.func @one(
// CHECK-NOT: call
// CHECK: scf.for
func.func @one(%y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %a = memref.load %y[%i] : memref<8xf32>
    %s = arith.addf %a, %a : f32
    memref.store %s, %y[%i] : memref<8xf32>
  }
  return
}
