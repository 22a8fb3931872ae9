// The kernels' outer loop, through the three stages of threading
// (docs/KERNELS.md, "Threads"):
// RUN: qforge-opt %s --qf-attach-target=target=x86_64:znver3 --qf-cpu-select-kernels=pack=false --qf-lower-to-cpu --canonicalize --cse | FileCheck %s --check-prefix=LOOP
// RUN: qforge-opt %s --qf-attach-target=target=x86_64:znver3 --qf-cpu-select-kernels=pack=false --qf-lower-to-cpu --qf-cpu-outline-parallel --canonicalize --cse | FileCheck %s --check-prefix=OUTLINE
// RUN: qforge-opt %s --qf-cpu-to-llvm=target=x86_64:znver3+avx2+fma | FileCheck %s --check-prefix=LLVM

// --qf-lower-to-cpu: a dynamic M chooses at run time between the large-M
// kernel (one range of 16-column panels here: its single-iteration loop
// folds away) and the small-M kernel, whose scf.parallel runs over (N tile,
// 64-row M block) pairs, count = ceil(N / 4) * ceil(M / 64) =
// 3 * ceil(M / 64), with its grain: 32768 / (4 * 256) = 32 iterations.
// LOOP-LABEL: func.func @w4g128
// LOOP: %[[M:.*]] = tensor.dim %arg0, %c0 : tensor<?x256xf32>
// LOOP: scf.if
// LOOP: } else {
// LOOP: %[[BLOCKS:.*]] = arith.ceildivui %[[M]], %c64
// LOOP: %[[COUNT:.*]] = arith.muli %[[BLOCKS]], %c3
// LOOP: scf.parallel (%[[I:.*]]) = (%c0{{.*}}) to (%[[COUNT]]) step (%c1{{.*}}) {
// LOOP: arith.divui %[[I]], %[[BLOCKS]]
// LOOP: arith.remui %[[I]], %[[BLOCKS]]
// LOOP: vector.fma
// LOOP: vector.transfer_write
// LOOP: } {qf.cpu.parallel_grain = 32 : i64}
// LOOP-NOT: scf.parallel

// --qf-cpu-outline-parallel: each loop body becomes a private function over
// an iteration range, called over [0, count) (parallel0: the large-M
// kernel's, parallel1: the small-M kernel's).
// OUTLINE-LABEL: func.func private @w4g128_parallel1(
// OUTLINE-SAME: %[[B:[^:]*]]: index, %[[E:[^:]*]]: index,
// OUTLINE-SAME: attributes {llvm.linkage = #llvm.linkage<internal>, qf.cpu.parallel_grain = 32 : i64}
// OUTLINE: scf.for %{{.*}} = %[[B]] to %[[E]] step
// OUTLINE: vector.fma
// OUTLINE-LABEL: func.func @w4g128(
// OUTLINE-NOT: scf.parallel
// OUTLINE: call @w4g128_parallel1(%c0{{.*}}, %{{.*}}) :

// --qf-cpu-to-llvm: the call goes through the module's weak hook globals, or
// the serial helper while they are unbound.
// LLVM-DAG: llvm.mlir.global weak @qforge_parallel_for() {{.*}} : !llvm.ptr
// LLVM-DAG: llvm.mlir.global weak @qforge_parallel_pool() {{.*}} : !llvm.ptr
// LLVM-LABEL: llvm.func internal @w4g128_parallel1(%{{.*}}: i64, %{{.*}}: i64,
// LLVM-LABEL: llvm.func internal @w4g128_parallel1_task(%{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64)
// LLVM: llvm.load %{{.*}} : !llvm.ptr -> !llvm.struct<(
// LLVM: llvm.call @w4g128_parallel1(
// LLVM-LABEL: llvm.func @w4g128(
// LLVM: llvm.alloca %{{.*}} x !llvm.struct<(
// LLVM: llvm.mlir.addressof @w4g128_parallel0_task
// LLVM: %[[FNADDR:.*]] = llvm.mlir.addressof @qforge_parallel_for : !llvm.ptr
// LLVM: %[[FN:.*]] = llvm.load %[[FNADDR]] : !llvm.ptr -> !llvm.ptr
// LLVM: %[[POOLADDR:.*]] = llvm.mlir.addressof @qforge_parallel_pool : !llvm.ptr
// LLVM: %[[POOL:.*]] = llvm.load %[[POOLADDR]] : !llvm.ptr -> !llvm.ptr
// LLVM: %[[UNBOUND:.*]] = llvm.icmp "eq" %[[FN]], %{{.*}} : !llvm.ptr
// LLVM: %[[SERIAL:.*]] = llvm.mlir.addressof @qforge_parallel_for_serial
// LLVM: %[[CALLEE:.*]] = llvm.select %[[UNBOUND]], %[[SERIAL]], %[[FN]]
// LLVM: %[[TASK:.*]] = llvm.mlir.addressof @w4g128_parallel1_task
// LLVM: %[[GRAIN:.*]] = llvm.mlir.constant(32 : i64) : i64
// LLVM: llvm.call %[[CALLEE]](%[[POOL]], %[[TASK]], %{{.*}}, %{{.*}}, %[[GRAIN]]) : !llvm.ptr, (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64, i64) -> ()
// LLVM-NOT: llvm.call @w4g128_parallel1(
// LLVM-LABEL: llvm.func internal @qforge_parallel_for_serial(
// LLVM: llvm.call %{{.*}}(%{{.*}}, %{{.*}}, %{{.*}}) : !llvm.ptr, (!llvm.ptr, i64, i64) -> ()
func.func @w4g128(%x: tensor<?x256xf32>, %w: tensor<12x256xi4>, %s: tensor<12x2xf32>) -> tensor<?x12xf32> {
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) : (tensor<?x256xf32>, tensor<12x256xi4>, tensor<12x2xf32>) -> tensor<?x12xf32>
  return %y : tensor<?x12xf32>
}
