// The sensitive-layer policy (sensitive-layers=keep, the default): with a
// whole-model scheme narrower than 8 bits, the first layers (fed by the
// arguments through no other weight layer), the last ones (reaching the
// results through none), layers with K below the group and layers under
// sensitive-min-sqnr keep int8 per-channel weights, and say why.
// RUN: qforge-opt %s -split-input-file -mlir-print-debuginfo -mlir-print-local-scope --qf-quantize="scheme=w4g2" | FileCheck %s --check-prefix=KEEP
// RUN: qforge-opt %s -split-input-file -mlir-print-debuginfo -mlir-print-local-scope --qf-quantize="scheme=w4g2 sensitive-layers=quantize" | FileCheck %s --check-prefix=ALL
// RUN: qforge-opt %s -split-input-file -mlir-print-debuginfo -mlir-print-local-scope --qf-quantize="scheme=w4g8" | FileCheck %s --check-prefix=GROUP
// RUN: qforge-opt %s -split-input-file -mlir-print-debuginfo -mlir-print-local-scope --qf-quantize="scheme=w4g2 sensitive-min-sqnr=100" | FileCheck %s --check-prefix=SQNR
// RUN: qforge-opt %s -split-input-file -mlir-print-debuginfo -mlir-print-local-scope --qf-quantize="scheme=w8" | FileCheck %s --check-prefix=W8
// RUN: printf '* w4g2\n' > %t.schemes
// RUN: qforge-opt %s -split-input-file -mlir-print-debuginfo -mlir-print-local-scope --qf-quantize="scheme-file=%t.schemes" | FileCheck %s --check-prefix=ALL
// RUN: printf 'mid1 w4g2\n' > %t.mixed
// RUN: qforge-opt %s -split-input-file -mlir-print-debuginfo -mlir-print-local-scope --qf-quantize="scheme=w4g2 sensitive-min-sqnr=100 scheme-file=%t.mixed" | FileCheck %s --check-prefix=MIXED

// A chain of four layers, an attention-like product of activations (not a
// weight layer) between the second and the third.

// KEEP-LABEL: func @chain
// KEEP: qf.matmul #qf.scheme<"w8">{{.*}}qf.kept_wider = {reason = "first layer: it reads the model's inputs, every later layer sees its error", requested = "w4g2"}{{.*}}loc("first")
// KEEP: qf.matmul #qf.scheme<"w4g2">
// KEEP-NOT: qf.kept_wider
// KEEP-SAME: loc("mid1")
// KEEP: linalg.matmul
// KEEP: qf.matmul #qf.scheme<"w4g2">
// KEEP-NOT: qf.kept_wider
// KEEP-SAME: loc("mid2")
// KEEP: qf.matmul #qf.scheme<"w8">{{.*}}qf.kept_wider = {reason = "last layer: its error reaches the model's outputs undiluted", requested = "w4g2"}{{.*}}loc("last")

// ALL-LABEL: func @chain
// ALL-COUNT-4: qf.matmul #qf.scheme<"w4g2">
// ALL-NOT: qf.kept_wider

// GROUP-LABEL: func @chain
// GROUP: qf.matmul #qf.scheme<"w8">{{.*}}first layer{{.*}}loc("first")
// GROUP: qf.matmul #qf.scheme<"w8">{{.*}}qf.kept_wider = {reason = "K = 4 is below the group size 8: a small layer, 8 bits cost little", requested = "w4g8"}{{.*}}loc("mid1")
// GROUP: qf.matmul #qf.scheme<"w8">{{.*}}K = 4 is below the group size 8{{.*}}loc("mid2")
// GROUP: qf.matmul #qf.scheme<"w8">{{.*}}last layer{{.*}}loc("last")

// SQNR-LABEL: func @chain
// SQNR: loc("first")
// SQNR: qf.matmul #qf.scheme<"w8">{{.*}}qf.kept_wider = {reason = "SQNR {{[0-9]+\.[0-9]}} dB of the weights is below sensitive-min-sqnr = 100.0 dB", requested = "w4g2"}{{.*}}loc("mid1")
// SQNR: qf.matmul #qf.scheme<"w8">{{.*}}SQNR {{.*}}loc("mid2")

// W8-LABEL: func @chain
// W8-COUNT-4: qf.matmul #qf.scheme<"w8">
// W8-NOT: qf.kept_wider

// The scheme file's line is applied as given; the other layers take the
// whole model's scheme under the policy.
// MIXED-LABEL: func @chain
// MIXED: qf.matmul #qf.scheme<"w8">{{.*}}first layer{{.*}}loc("first")
// MIXED: qf.matmul #qf.scheme<"w4g2">
// MIXED-NOT: qf.kept_wider
// MIXED-SAME: loc("mid1")
// MIXED: qf.matmul #qf.scheme<"w8">{{.*}}SQNR{{.*}}loc("mid2")
func.func @chain(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<[[1.0, 0.5, -1.0, 2.0], [2.0, 0.0, 0.25, 1.0], [-0.5, 1.5, 3.0, 0.0], [0.1, -2.0, 1.0, 4.0]]> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %a = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("first")
  %b = linalg.matmul ins(%a, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("mid1")
  %e2 = tensor.empty() : tensor<2x2xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<2x2xf32>) -> tensor<2x2xf32>
  %e3 = tensor.empty() : tensor<4x2xf32>
  %bt = linalg.transpose ins(%b : tensor<2x4xf32>) outs(%e3 : tensor<4x2xf32>) permutation = [1, 0]
  %s = linalg.matmul ins(%b, %bt : tensor<2x4xf32>, tensor<4x2xf32>) outs(%f2 : tensor<2x2xf32>) -> tensor<2x2xf32> loc("scores")
  %p = linalg.matmul ins(%s, %b : tensor<2x2xf32>, tensor<2x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("context")
  %c = linalg.matmul ins(%p, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("mid2")
  %d = linalg.matmul ins(%c, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("last")
  return %d : tensor<2x4xf32>
}

// -----

// Two inputs, two branches, two outputs: a layer on each input is a first
// layer, a layer on each output a last one; one layer fed by both branches
// and feeding both outputs is neither.

// KEEP-LABEL: func @branches
// KEEP: qf.matmul #qf.scheme<"w8">{{.*}}first layer{{.*}}loc("in_a")
// KEEP: qf.matmul #qf.scheme<"w8">{{.*}}first layer{{.*}}loc("in_b")
// KEEP: qf.matmul #qf.scheme<"w4g2">
// KEEP-NOT: qf.kept_wider
// KEEP-SAME: loc("mid1")
// KEEP: qf.matmul #qf.scheme<"w8">{{.*}}last layer{{.*}}loc("out_a")
// KEEP: qf.matmul #qf.scheme<"w8">{{.*}}last layer{{.*}}loc("out_b")

// A single layer is both first and last.
// KEEP-LABEL: func @single
// KEEP: qf.matmul #qf.scheme<"w8">{{.*}}qf.kept_wider = {reason = "the only layer between the model's inputs and outputs", requested = "w4g2"}
func.func @branches(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %w = arith.constant dense<[[1.0, 0.5, -1.0, 2.0], [2.0, 0.0, 0.25, 1.0], [-0.5, 1.5, 3.0, 0.0], [0.1, -2.0, 1.0, 4.0]]> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %a = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("in_a")
  %b = linalg.matmul ins(%y, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("in_b")
  %sum = linalg.add ins(%a, %b : tensor<2x4xf32>, tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %j = linalg.matmul ins(%sum, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("mid1")
  %c = linalg.matmul ins(%j, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("out_a")
  %d = linalg.matmul ins(%j, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("out_b")
  return %c, %d : tensor<2x4xf32>, tensor<2x4xf32>
}

func.func @single(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<[[1.0, 0.5, -1.0, 2.0], [2.0, 0.0, 0.25, 1.0], [-0.5, 1.5, 3.0, 0.0], [0.1, -2.0, 1.0, 4.0]]> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %a = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %a : tensor<2x4xf32>
}
