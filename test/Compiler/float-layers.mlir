// REQUIRES: onnx
// Layers that stay float — a float model, or a layer a scheme file leaves
// at f32 — run on the fused f32 kernels under --lowering=cpu
// (--qf-float-matmul-to-kernel in the CPU pipeline), and the report still
// calls them float: scheme f32, no algorithm, float bytes before and after.
// 40 rows: the large-M kernel. Outputs are checked against numpy for both
// lowerings.
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-compile %s -o %t/cpu | FileCheck %s --check-prefix=TABLE
// RUN: FileCheck %s --check-prefix=JSON < %t/cpu/report.json
// RUN: qforge-compile %s --lowering=reference -o %t/ref --quiet
// RUN: %python %S/Inputs/float_layers.py make %t
// RUN: qforge-run %t/cpu/two.so --input %t/x.npy --output %t/y-cpu.npy
// RUN: qforge-run %t/ref/two.so --input %t/x.npy --output %t/y-ref.npy
// RUN: %python %S/Inputs/float_layers.py check %t %t/y-cpu.npy %t/y-ref.npy | FileCheck %s --check-prefix=NUMPY
// The kernels (a thread-pool task per layer) only with --lowering=cpu.
// RUN: qforge-compile %s --emit=llvm -o %t/cpu-ll --quiet
// RUN: FileCheck %s --check-prefix=KERNELS < %t/cpu-ll/two.ll
// RUN: qforge-compile %s --lowering=reference --emit=llvm -o %t/ref-ll --quiet
// RUN: FileCheck %s --check-prefix=LOOPS < %t/ref-ll/two.ll
// Mixed: fc1 stays f32 on the kernel, fc2 is w8.
// RUN: printf 'fc1 f32\nfc2 w8\n' > %t/schemes
// RUN: qforge-compile %s --scheme-file %t/schemes -o %t/mixed | FileCheck %s --check-prefix=MIXED
// RUN: qforge-run %t/mixed/two.so --input %t/x.npy --output %t/y-mixed.npy

// TABLE: layer  scheme        algorithm   bytes before   bytes after   ratio
// TABLE-NEXT: fc1    f32                                48            48   1.00x
// TABLE-NEXT: fc2    f32                                24            24   1.00x
// TABLE-NEXT: total                                      72            72   1.00x
// JSON: "layers": [
// JSON-NEXT: {
// JSON-NEXT: "algorithm": "",
// JSON-NEXT: "int8_activations": false,
// JSON-NEXT: "kind": "matmul",
// JSON-NEXT: "name": "fc1",
// JSON-NEXT: "scheme": "f32",
// JSON-NEXT: "weight_bytes_after": 48,
// JSON-NEXT: "weight_bytes_before": 48
// JSON: "algorithm": "",
// JSON-NEXT: "int8_activations": false,
// JSON-NEXT: "kind": "matmul",
// JSON-NEXT: "name": "fc2",
// JSON-NEXT: "scheme": "f32",
// JSON-NEXT: "weight_bytes_after": 24,
// JSON-NEXT: "weight_bytes_before": 24
// NUMPY: ok (40, 2)
// NUMPY-NEXT: ok (40, 2)
// KERNELS: @qforge_parallel_for = weak {{.*}}global ptr null
// KERNELS-COUNT-2: define internal void @two_parallel{{[0-9]+}}_task(
// LOOPS-NOT: qforge_parallel
// MIXED: fc1    f32                                48            48   1.00x
// MIXED-NEXT: fc2    w8            rtn

#kn = affine_map<(d0, d1, d2) -> (d0, d2)>
#nk = affine_map<(d0, d1, d2) -> (d1, d2)>
#mn = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @two(%x: tensor<40x4xf32> {qf.name = "x"}) -> (tensor<40x2xf32> {qf.name = "y"}) {
  %z = arith.constant 0.0 : f32
  // fc1: a [K, N] weight, then relu.
  %w1 = arith.constant dense<[[1.0, 0.5, -1.0], [2.0, 0.0, 0.25], [-0.5, 1.5, 3.0], [0.1, -2.0, 1.0]]> : tensor<4x3xf32>
  %e1 = tensor.empty() : tensor<40x3xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<40x3xf32>) -> tensor<40x3xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<40x4xf32>, tensor<4x3xf32>) outs(%f1 : tensor<40x3xf32>) -> tensor<40x3xf32> loc("fc1")
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<40x3xf32>) outs(%e1 : tensor<40x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %z : f32
    linalg.yield %m : f32
  } -> tensor<40x3xf32>
  // fc2: an [N, K] weight (ONNX Gemm transB) accumulating onto 0.75.
  %w2 = arith.constant dense<[[1.0, -1.0, 0.5], [0.25, 2.0, -3.0]]> : tensor<2x3xf32>
  %acc = arith.constant dense<0.75> : tensor<40x2xf32>
  %y = linalg.matmul indexing_maps = [#kn, #nk, #mn] ins(%r, %w2 : tensor<40x3xf32>, tensor<2x3xf32>) outs(%acc : tensor<40x2xf32>) -> tensor<40x2xf32> loc("fc2")
  return %y : tensor<40x2xf32>
}
