// Two top-level nests: each moves into a private noinline function called in
// its place; constants and global addresses are cloned in, buffers become
// arguments.
memref.global "private" constant @w : memref<8xf32> = dense<2.0>

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
