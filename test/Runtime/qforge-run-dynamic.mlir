// REQUIRES: onnx
// qforge-run on an artifact with a dynamic batch: any batch size runs, the
// outputs take the bound shape, --signature names the dimension, and a
// static dimension that differs is refused naming the input.
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-compile %s -o %t/art --quiet
// RUN: qforge-run %t/art/double.so --signature | FileCheck %s --check-prefix=SIG
// RUN: %python -c "import numpy as n; [n.save('%t/x%%d.npy' %% b, n.arange(b * 3, dtype=n.float32).reshape(b, 3)) for b in (1, 5)]; n.save('%t/bad.npy', n.zeros((2, 4), n.float32))"
// RUN: qforge-run %t/art/double.so --input %t/x1.npy --output %t/y1.npy
// RUN: qforge-run %t/art/double.so --input %t/x5.npy --output %t/y5.npy --bench 3 | FileCheck %s --check-prefix=BENCH
// RUN: %python -c "import numpy as n; [print(b, n.load('%t/y%%d.npy' %% b).shape, bool((n.load('%t/y%%d.npy' %% b) == 2 * n.load('%t/x%%d.npy' %% b)).all())) for b in (1, 5)]" | FileCheck %s --check-prefix=RESULT
// RUN: not qforge-run %t/art/double.so --input %t/bad.npy --output %t/e.npy 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: test ! -e %t/e.npy

// SIG: input 0 ('x'): float32 [batch, 3]
// SIG: output 0 ('y'): float32 [batch, 3]
// BENCH: bench: 3 runs after 3 warm-up, threads {{[0-9]+}}: median {{.*}} ms {{.*}}, {{.*}} samples/s
// RESULT: 1 (1, 3) True
// RESULT: 5 (5, 3) True
// BAD: bad.npy: input 0 ('x') must have shape [batch, 3], got [2, 4]

func.func @double(%x: tensor<?x3xf32> {qf.name = "x", qf.dim_names = ["batch", ""]})
    -> (tensor<?x3xf32> {qf.name = "y"}) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x3xf32>
  %e = tensor.empty(%n) : tensor<?x3xf32>
  %y = linalg.add ins(%x, %x : tensor<?x3xf32>, tensor<?x3xf32>) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}
