// RUN: qforge-opt %s --qf-cpu-share-kernels -split-input-file | FileCheck %s

// Two private functions that differ only in the constant global they read
// (same type and alignment) become one: the differing address is a new
// noalias read-only argument, each call passes its own global. An address
// both share (@scale) stays inside; a function of another global type
// (@w2), one with other code (@other_code), an exported one (@exported) and
// one whose address is taken (@address_taken) keep their own bodies.

llvm.mlir.global private constant @w0(dense<1.0> : tensor<4xf32>) {addr_space = 0 : i32, alignment = 64 : i64} : !llvm.array<4 x f32>
llvm.mlir.global private constant @w1(dense<2.0> : tensor<4xf32>) {addr_space = 0 : i32, alignment = 64 : i64} : !llvm.array<4 x f32>
llvm.mlir.global private constant @w2(dense<3.0> : tensor<8xf32>) {addr_space = 0 : i32, alignment = 64 : i64} : !llvm.array<8 x f32>
llvm.mlir.global private constant @scale(2.0 : f32) {addr_space = 0 : i32} : f32

llvm.func @k0(%out: !llvm.ptr, %i: i64) attributes {sym_visibility = "private"} {
  %w = llvm.mlir.addressof @w0 : !llvm.ptr
  %s = llvm.mlir.addressof @scale : !llvm.ptr
  %p = llvm.getelementptr %w[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p : !llvm.ptr -> f32
  %f = llvm.load %s : !llvm.ptr -> f32
  %r = llvm.fmul %v, %f : f32
  llvm.store %r, %out : f32, !llvm.ptr
  llvm.return
}
llvm.func @k1(%out: !llvm.ptr, %i: i64) attributes {sym_visibility = "private"} {
  %w = llvm.mlir.addressof @w1 : !llvm.ptr
  %s = llvm.mlir.addressof @scale : !llvm.ptr
  %p = llvm.getelementptr %w[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p : !llvm.ptr -> f32
  %f = llvm.load %s : !llvm.ptr -> f32
  %r = llvm.fmul %v, %f : f32
  llvm.store %r, %out : f32, !llvm.ptr
  llvm.return
}
llvm.func @w2_reader(%out: !llvm.ptr, %i: i64) attributes {sym_visibility = "private"} {
  %w = llvm.mlir.addressof @w2 : !llvm.ptr
  %s = llvm.mlir.addressof @scale : !llvm.ptr
  %p = llvm.getelementptr %w[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p : !llvm.ptr -> f32
  %f = llvm.load %s : !llvm.ptr -> f32
  %r = llvm.fmul %v, %f : f32
  llvm.store %r, %out : f32, !llvm.ptr
  llvm.return
}
llvm.func @other_code(%out: !llvm.ptr, %i: i64) attributes {sym_visibility = "private"} {
  %w = llvm.mlir.addressof @w1 : !llvm.ptr
  %s = llvm.mlir.addressof @scale : !llvm.ptr
  %p = llvm.getelementptr %w[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p : !llvm.ptr -> f32
  %f = llvm.load %s : !llvm.ptr -> f32
  %r = llvm.fadd %v, %f : f32
  llvm.store %r, %out : f32, !llvm.ptr
  llvm.return
}
llvm.func @exported(%out: !llvm.ptr, %i: i64) {
  %w = llvm.mlir.addressof @w1 : !llvm.ptr
  %s = llvm.mlir.addressof @scale : !llvm.ptr
  %p = llvm.getelementptr %w[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p : !llvm.ptr -> f32
  %f = llvm.load %s : !llvm.ptr -> f32
  %r = llvm.fmul %v, %f : f32
  llvm.store %r, %out : f32, !llvm.ptr
  llvm.return
}
llvm.func internal @address_taken(%out: !llvm.ptr, %i: i64) {
  %w = llvm.mlir.addressof @w1 : !llvm.ptr
  %s = llvm.mlir.addressof @scale : !llvm.ptr
  %p = llvm.getelementptr %w[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p : !llvm.ptr -> f32
  %f = llvm.load %s : !llvm.ptr -> f32
  %r = llvm.fmul %v, %f : f32
  llvm.store %r, %out : f32, !llvm.ptr
  llvm.return
}

llvm.func @main(%out: !llvm.ptr, %i: i64) -> !llvm.ptr {
  llvm.call @k0(%out, %i) : (!llvm.ptr, i64) -> ()
  llvm.call @k1(%out, %i) : (!llvm.ptr, i64) -> ()
  llvm.call @k1(%out, %i) : (!llvm.ptr, i64) -> ()
  llvm.call @w2_reader(%out, %i) : (!llvm.ptr, i64) -> ()
  llvm.call @other_code(%out, %i) : (!llvm.ptr, i64) -> ()
  llvm.call @exported(%out, %i) : (!llvm.ptr, i64) -> ()
  %f = llvm.mlir.addressof @address_taken : !llvm.ptr
  llvm.return %f : !llvm.ptr
}

// CHECK-LABEL: llvm.func @k0(
// CHECK-SAME: %{{.*}}: !llvm.ptr, %{{.*}}: i64, %[[W:.*]]: !llvm.ptr {llvm.align = 64 : i64, llvm.noalias, llvm.readonly})
// CHECK-NOT: addressof @w0
// CHECK: %[[S:.*]] = llvm.mlir.addressof @scale
// CHECK: llvm.getelementptr %[[W]][
// CHECK-NOT: llvm.func @k1(
// CHECK: llvm.func @w2_reader(%{{[^,]*}}: !llvm.ptr, %{{[^,]*}}: i64) attributes
// CHECK: llvm.mlir.addressof @w2
// CHECK: llvm.func @other_code(%{{[^,]*}}: !llvm.ptr, %{{[^,]*}}: i64) attributes
// CHECK: llvm.func @exported(%{{[^,]*}}: !llvm.ptr, %{{[^,]*}}: i64) {
// CHECK: llvm.func internal @address_taken(%{{[^,]*}}: !llvm.ptr, %{{[^,]*}}: i64) {
// CHECK-LABEL: llvm.func @main(
// CHECK: %[[A0:.*]] = llvm.mlir.addressof @w0 : !llvm.ptr
// CHECK-NEXT: llvm.call @k0(%{{.*}}, %{{.*}}, %[[A0]]) : (!llvm.ptr, i64, !llvm.ptr) -> ()
// CHECK-NEXT: %[[A1:.*]] = llvm.mlir.addressof @w1 : !llvm.ptr
// CHECK-NEXT: llvm.call @k0(%{{.*}}, %{{.*}}, %[[A1]])
// CHECK-NEXT: %[[A2:.*]] = llvm.mlir.addressof @w1 : !llvm.ptr
// CHECK-NEXT: llvm.call @k0(%{{.*}}, %{{.*}}, %[[A2]])
// CHECK-NEXT: llvm.call @w2_reader(%{{[^,]*}}, %{{[^,]*}}) :
// CHECK-NEXT: llvm.call @other_code(
// CHECK-NEXT: llvm.call @exported(

// -----

// Functions with several blocks match when their branches do (block
// arguments paired, successors in the same order); identical functions
// with no differing address merge without new arguments. A branch to
// another block, or a mutable global in place of a constant, is different
// code.

llvm.mlir.global private constant @a(1.0 : f32) {addr_space = 0 : i32} : f32
llvm.mlir.global private constant @b(2.0 : f32) {addr_space = 0 : i32} : f32
llvm.mlir.global internal @mutable(3.0 : f32) {addr_space = 0 : i32} : f32

llvm.func internal @loop0(%n: i64, %out: !llvm.ptr) {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c1 = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^head(%c0 : i64)
^head(%i: i64):
  %done = llvm.icmp "sge" %i, %n : i64
  llvm.cond_br %done, ^exit, ^body
^body:
  %g = llvm.mlir.addressof @a : !llvm.ptr
  %v = llvm.load %g : !llvm.ptr -> f32
  %p = llvm.getelementptr %out[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %v, %p : f32, !llvm.ptr
  %next = llvm.add %i, %c1 : i64
  llvm.br ^head(%next : i64)
^exit:
  llvm.return
}
llvm.func internal @loop1(%n: i64, %out: !llvm.ptr) {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c1 = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^head(%c0 : i64)
^head(%i: i64):
  %done = llvm.icmp "sge" %i, %n : i64
  llvm.cond_br %done, ^exit, ^body
^body:
  %g = llvm.mlir.addressof @a : !llvm.ptr
  %v = llvm.load %g : !llvm.ptr -> f32
  %p = llvm.getelementptr %out[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %v, %p : f32, !llvm.ptr
  %next = llvm.add %i, %c1 : i64
  llvm.br ^head(%next : i64)
^exit:
  llvm.return
}
llvm.func internal @swapped(%n: i64, %out: !llvm.ptr) {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c1 = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^head(%c0 : i64)
^head(%i: i64):
  %done = llvm.icmp "sge" %i, %n : i64
  llvm.cond_br %done, ^body, ^exit
^body:
  %g = llvm.mlir.addressof @a : !llvm.ptr
  %v = llvm.load %g : !llvm.ptr -> f32
  %p = llvm.getelementptr %out[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %v, %p : f32, !llvm.ptr
  %next = llvm.add %i, %c1 : i64
  llvm.br ^head(%next : i64)
^exit:
  llvm.return
}
llvm.func internal @reads_mutable(%n: i64, %out: !llvm.ptr) {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c1 = llvm.mlir.constant(1 : i64) : i64
  llvm.br ^head(%c0 : i64)
^head(%i: i64):
  %done = llvm.icmp "sge" %i, %n : i64
  llvm.cond_br %done, ^exit, ^body
^body:
  %g = llvm.mlir.addressof @mutable : !llvm.ptr
  %v = llvm.load %g : !llvm.ptr -> f32
  %p = llvm.getelementptr %out[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.store %v, %p : f32, !llvm.ptr
  %next = llvm.add %i, %c1 : i64
  llvm.br ^head(%next : i64)
^exit:
  llvm.return
}

llvm.func @run(%n: i64, %out: !llvm.ptr) {
  llvm.call @loop0(%n, %out) : (i64, !llvm.ptr) -> ()
  llvm.call @loop1(%n, %out) : (i64, !llvm.ptr) -> ()
  llvm.call @swapped(%n, %out) : (i64, !llvm.ptr) -> ()
  llvm.call @reads_mutable(%n, %out) : (i64, !llvm.ptr) -> ()
  llvm.return
}

// CHECK-LABEL: llvm.func internal @loop0(%{{[^,]*}}: i64, %{{[^,]*}}: !llvm.ptr) {
// CHECK: llvm.mlir.addressof @a
// CHECK-NOT: llvm.func internal @loop1
// CHECK: llvm.func internal @swapped(
// CHECK: llvm.func internal @reads_mutable(
// CHECK-LABEL: llvm.func @run(
// CHECK-NEXT: llvm.call @loop0(%{{[^,]*}}, %{{[^,]*}}) : (i64, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.call @loop0(%{{[^,]*}}, %{{[^,]*}}) : (i64, !llvm.ptr) -> ()
// CHECK-NEXT: llvm.call @swapped(
// CHECK-NEXT: llvm.call @reads_mutable(

// -----

// Arguments that already carry attributes keep them; two differing
// addresses become two arguments, in the order the body reads them.

llvm.mlir.global private constant @wa(dense<1.0> : tensor<4xf32>) {addr_space = 0 : i32, alignment = 16 : i64} : !llvm.array<4 x f32>
llvm.mlir.global private constant @wb(dense<2.0> : tensor<4xf32>) {addr_space = 0 : i32, alignment = 16 : i64} : !llvm.array<4 x f32>
llvm.mlir.global private constant @ba(1.0 : f32) {addr_space = 0 : i32} : f32
llvm.mlir.global private constant @bb(2.0 : f32) {addr_space = 0 : i32} : f32

llvm.func internal @layer0(%out: !llvm.ptr {llvm.noalias}, %i: i64) {
  %w = llvm.mlir.addressof @wa : !llvm.ptr
  %b = llvm.mlir.addressof @ba : !llvm.ptr
  %p = llvm.getelementptr %w[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p : !llvm.ptr -> f32
  %c = llvm.load %b : !llvm.ptr -> f32
  %r = llvm.fadd %v, %c : f32
  llvm.store %r, %out : f32, !llvm.ptr
  llvm.return
}
llvm.func internal @layer1(%out: !llvm.ptr {llvm.noalias}, %i: i64) {
  %w = llvm.mlir.addressof @wb : !llvm.ptr
  %b = llvm.mlir.addressof @bb : !llvm.ptr
  %p = llvm.getelementptr %w[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %p : !llvm.ptr -> f32
  %c = llvm.load %b : !llvm.ptr -> f32
  %r = llvm.fadd %v, %c : f32
  llvm.store %r, %out : f32, !llvm.ptr
  llvm.return
}
llvm.func @two_layers(%out: !llvm.ptr, %i: i64) {
  llvm.call @layer0(%out, %i) : (!llvm.ptr, i64) -> ()
  llvm.call @layer1(%out, %i) : (!llvm.ptr, i64) -> ()
  llvm.return
}

// CHECK-LABEL: llvm.func internal @layer0(
// CHECK-SAME: %{{[^:]*}}: !llvm.ptr {llvm.noalias}, %{{[^:]*}}: i64,
// CHECK-SAME: %[[W:[^:]*]]: !llvm.ptr {llvm.align = 16 : i64, llvm.noalias, llvm.readonly},
// CHECK-SAME: %[[B:[^:]*]]: !llvm.ptr {llvm.noalias, llvm.readonly})
// CHECK: llvm.getelementptr %[[W]][
// CHECK: llvm.load %[[B]]
// CHECK-NOT: @layer1(
// CHECK-LABEL: llvm.func @two_layers(
// CHECK: %[[WA:.*]] = llvm.mlir.addressof @wa
// CHECK: %[[BA:.*]] = llvm.mlir.addressof @ba
// CHECK: llvm.call @layer0(%{{[^,]*}}, %{{[^,]*}}, %[[WA]], %[[BA]])
// CHECK: %[[WB:.*]] = llvm.mlir.addressof @wb
// CHECK: %[[BB:.*]] = llvm.mlir.addressof @bb
// CHECK: llvm.call @layer0(%{{[^,]*}}, %{{[^,]*}}, %[[WB]], %[[BB]])
