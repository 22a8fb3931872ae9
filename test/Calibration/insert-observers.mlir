// RUN: qforge-opt %s --split-input-file --qf-insert-observers | FileCheck %s
// RUN: qforge-opt %s --split-input-file --qf-insert-observers="outputs=true" | FileCheck %s --check-prefix=OUT
// Idempotence: a second run (locations kept, so names are stable) adds nothing.
// RUN: qforge-opt %s --split-input-file --qf-insert-observers="outputs=true" --mlir-print-debuginfo \
// RUN:   | qforge-opt --split-input-file --qf-insert-observers="outputs=true" | FileCheck %s --check-prefix=OUT

// Named layers (locations) and unnamed ones (<function>.matmul<i>); the
// transposed-B form (x W^T) observes x as is.

// CHECK-LABEL: func.func @mlp
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>
// CHECK: %[[O1:.*]] = qf.observe %[[X]] id "fc1.input" : tensor<4x8xf32>
// CHECK-NOT: qf.channel_dim
// CHECK: %[[H:.*]] = linalg.matmul {{.*}}ins(%[[O1]],
// CHECK: %[[O2:.*]] = qf.observe %[[H]] id "mlp.matmul1.input" : tensor<4x5xf32>
// CHECK: linalg.matmul ins(%[[O2]],
// CHECK-NOT: qf.observe
// CHECK: return

// OUT-LABEL: func.func @mlp
// OUT: qf.observe %{{.*}} id "fc1.input"
// OUT: %[[H:.*]] = linalg.matmul
// OUT: %[[HO:.*]] = qf.observe %[[H]] id "fc1.output" : tensor<4x5xf32>
// OUT: %[[I2:.*]] = qf.observe %[[HO]] id "mlp.matmul1.input"
// OUT: %[[Y:.*]] = linalg.matmul ins(%[[I2]],
// OUT: %[[YO:.*]] = qf.observe %[[Y]] id "mlp.matmul1.output"
// OUT-NOT: qf.observe
// OUT: return %[[YO]]
func.func @mlp(%x: tensor<4x8xf32>, %w1: tensor<5x8xf32>, %w2: tensor<5x3xf32>) -> tensor<4x3xf32> {
  %c0 = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x5xf32>
  %z1 = linalg.fill ins(%c0 : f32) outs(%e1 : tensor<4x5xf32>) -> tensor<4x5xf32>
  %h = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%x, %w1 : tensor<4x8xf32>, tensor<5x8xf32>) outs(%z1 : tensor<4x5xf32>) -> tensor<4x5xf32> loc("fc1")
  %e2 = tensor.empty() : tensor<4x3xf32>
  %z2 = linalg.fill ins(%c0 : f32) outs(%e2 : tensor<4x3xf32>) -> tensor<4x3xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<4x5xf32>, tensor<5x3xf32>) outs(%z2 : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// Transposed A: the contraction dimension is the lhs's dim 0, recorded on
// the observer so that per-channel statistics and X^T X use it.

// CHECK-LABEL: func.func @transposed_a
// CHECK: qf.observe %{{.*}} id "ta.input" {qf.channel_dim = 0 : i64} : tensor<8x4xf32>
// OUT-LABEL: func.func @transposed_a
// OUT: qf.observe %{{.*}} id "ta.output" : tensor<4x5xf32>
func.func @transposed_a(%xt: tensor<8x4xf32>, %w: tensor<8x5xf32>, %z: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%xt, %w : tensor<8x4xf32>, tensor<8x5xf32>) outs(%z : tensor<4x5xf32>) -> tensor<4x5xf32> loc("ta")
  return %y : tensor<4x5xf32>
}

// -----

// batch_matmul and a contraction written as linalg.generic (fused location:
// the name inside it is found).

// CHECK-LABEL: func.func @batched
// CHECK: qf.observe %{{.*}} id "bmm.input" : tensor<2x4x8xf32>
// CHECK: linalg.batch_matmul
// CHECK: qf.observe %{{.*}} id "gen.input" : tensor<4x8xf32>
// CHECK: linalg.generic
func.func @batched(%a: tensor<2x4x8xf32>, %b: tensor<2x8x3xf32>, %z: tensor<2x4x3xf32>,
                   %x: tensor<4x8xf32>, %w: tensor<8x3xf32>, %z2: tensor<4x3xf32>) -> (tensor<2x4x3xf32>, tensor<4x3xf32>) {
  %y = linalg.batch_matmul ins(%a, %b : tensor<2x4x8xf32>, tensor<2x8x3xf32>) outs(%z : tensor<2x4x3xf32>) -> tensor<2x4x3xf32> loc("bmm")
  %g = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<8x3xf32>) outs(%z2 : tensor<4x3xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x3xf32> loc(fused["model.py":3:1, "gen"])
  return %y, %g : tensor<2x4x3xf32>, tensor<4x3xf32>
}

// -----

// qf.matmul is observed the same way (quantized modules can be instrumented
// for comparisons); an int8 lhs (already quantized) is not observed.

// CHECK-LABEL: func.func @quantized
// CHECK: %[[O:.*]] = qf.observe %{{.*}} id "fc1.input" : tensor<4x8xf32>
// CHECK: qf.matmul #qf.scheme<"w8"> %[[O]],
// CHECK-NOT: qf.observe
// CHECK: qf.matmul #qf.scheme<"a8w8">
// OUT-LABEL: func.func @quantized
// OUT: qf.observe %{{.*}} id "fc1.input"
// OUT: qf.observe %{{.*}} id "fc1.output"
// OUT-NOT: id "fc2.input"
// OUT: qf.observe %{{.*}} id "fc2.output"
func.func @quantized(%x: tensor<4x8xf32>, %w: tensor<5x8xi8>, %s: tensor<5xf32>,
                     %xq: tensor<4x8xi8>, %xs: tensor<f32>) -> (tensor<4x5xf32>, tensor<4x5xf32>) {
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) {qf.algorithm = "gptq"} : (tensor<4x8xf32>, tensor<5x8xi8>, tensor<5xf32>) -> tensor<4x5xf32> loc("fc1")
  %y2 = qf.matmul #qf.scheme<"a8w8"> %xq, %w scale(%s) lhs_scale(%xs) : (tensor<4x8xi8>, tensor<5x8xi8>, tensor<5xf32>, tensor<f32>) -> tensor<4x5xf32> loc("fc2")
  return %y, %y2 : tensor<4x5xf32>, tensor<4x5xf32>
}

// -----

// An existing observer with the expected id is kept, not duplicated.

// CHECK-LABEL: func.func @already
// CHECK: qf.observe %{{.*}} id "fc1.input"
// CHECK-NOT: qf.observe
// CHECK: return
func.func @already(%x: tensor<4x8xf32>, %w: tensor<8x5xf32>, %z: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %o = qf.observe %x id "fc1.input" : tensor<4x8xf32>
  %y = linalg.matmul ins(%o, %w : tensor<4x8xf32>, tensor<8x5xf32>) outs(%z : tensor<4x5xf32>) -> tensor<4x5xf32> loc("fc1")
  return %y : tensor<4x5xf32>
}
