// REQUIRES: onnx
// qforge-run: inputs from .npy files (in order or NAME=FILE) or one .npz,
// outputs to .npy files or one .npz, checked against numpy; --bench,
// --signature; and every kind of bad input refused with a message naming
// the input and the expected shape, a non-zero exit and no output file.
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-compile %s -o %t/art --quiet
// RUN: %python %S/Inputs/arrays.py make %t
// RUN: qforge-run %t/art/pair.so --signature | FileCheck %s --check-prefix=SIG
// RUN: qforge-run %t/art/pair.so --input %t/a.npy --input %t/b.npy --output %t/s.npy --output %t/p.npy
// RUN: %python %S/Inputs/arrays.py check %t sum=%t/s.npy prod=%t/p.npy | FileCheck %s --check-prefix=BOTH
// RUN: qforge-run %t/art/pair.so -i b=%t/b.npy -i a=%t/a.npy -o %t/out.npz
// RUN: %python %S/Inputs/arrays.py check %t sum=%t/out.npz prod=%t/out.npz | FileCheck %s --check-prefix=BOTH
// RUN: qforge-run %t/art/pair.so --input %t/ab.npz --output prod=%t/p2.npy
// RUN: %python %S/Inputs/arrays.py check %t prod=%t/p2.npy | FileCheck %s --check-prefix=PROD
// RUN: test ! -e %t/s2.npy
// RUN: qforge-run %t/art/pair.so --input %t/ba-compressed.npz | FileCheck %s --check-prefix=SUMMARY
// RUN: qforge-run %t/art/pair.so --input %t/ab.npz --bench 5 --threads 1 | FileCheck %s --check-prefix=BENCH
// RUN: qforge-run --help | FileCheck %s --check-prefix=HELP

// Bad input: a message, exit 1, nothing written.
// RUN: not qforge-run %t/art/pair.so --input %t/missing.npy --input %t/b.npy -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qforge-run %t/art/pair.so --input %t/truncated.npy --input %t/b.npy -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: not qforge-run %t/art/pair.so --input %t/garbage.npy --input %t/b.npy -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=GARBAGE
// RUN: not qforge-run %t/art/pair.so --input %t/a-f64.npy --input %t/b.npy -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not qforge-run %t/art/pair.so --input %t/a.npy --input %t/a-3x2.npy -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not qforge-run %t/art/pair.so --input %t/a-rank1.npy --input %t/b.npy -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=RANK
// RUN: not qforge-run %t/art/pair.so --input %t/a.npy -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=FEWER
// RUN: not qforge-run %t/art/pair.so --input %t/a.npy --input %t/b.npy --input %t/b.npy -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=MORE
// RUN: not qforge-run %t/art/pair.so --input %t/only-a.npz -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=NPZ-MISSING
// RUN: not qforge-run %t/art/pair.so --input %t/abc.npz -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=NPZ-EXTRA
// RUN: not qforge-run %t/art/pair.so --input a=%t/a.npy --input a=%t/b.npy -o %t/e.npz 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: not qforge-run %t/art/pair.so --input %t/ab.npz -o %t/1.npy -o %t/2.npy -o %t/3.npy 2>&1 | FileCheck %s --check-prefix=OUTPUTS
// RUN: not qforge-run %t/a.npy --input %t/ab.npz 2>&1 | FileCheck %s --check-prefix=NOT-ARTIFACT
// RUN: not qforge-run %t/art/pair.h --input %t/ab.npz 2>&1 | FileCheck %s --check-prefix=NOT-ARTIFACT
// RUN: not qforge-run %t/art/missing.so --input %t/ab.npz 2>&1 | FileCheck %s --check-prefix=NO-ARTIFACT
// RUN: test ! -e %t/e.npz && test ! -e %t/1.npy

// SIG: model 'pair'
// SIG-NEXT: input 0 ('a'): float32 [2, 3]
// SIG-NEXT: input 1 ('b'): float32 [2, 3]
// SIG-NEXT: output 0 ('sum'): float32 [2, 3]
// SIG-NEXT: output 1 ('prod'): float32 [2, 3]
// BOTH: sum: ok
// BOTH-NEXT: prod: ok
// PROD: prod: ok
// SUMMARY: output 0 ('sum'): float32 [2, 3] min {{.*}} max {{.*}} mean
// SUMMARY-NEXT: output 1 ('prod'): float32 [2, 3] min
// BENCH: bench: 5 runs after 3 warm-up, threads 1: median {{[0-9.]+}} ms (min {{[0-9.]+}}, max {{[0-9.]+}}), {{[0-9.]+}} samples/s
// HELP: qforge-run: run an artifact written by qforge-compile on numpy arrays
// HELP: --bench=<N>
// HELP: --input=<[NAME=]FILE>
// HELP: --output=<[NAME=]FILE>
// MISSING: qforge-run: error: {{.*}}missing.npy: cannot read: No such file or directory
// TRUNCATED: qforge-run: error: {{.*}}truncated.npy: truncated .npy data: float32 (2, 3) needs 24 bytes, 19 present
// GARBAGE: qforge-run: error: {{.*}}garbage.npy: neither a .npy array nor a .npz (zip) archive
// DTYPE: qforge-run: error: {{.*}}a-f64.npy: input 0 ('a') must be float32 [2, 3], got float64 [2, 3]
// SHAPE: qforge-run: error: {{.*}}a-3x2.npy: input 1 ('b') must have shape [2, 3], got [3, 2]
// RANK: qforge-run: error: {{.*}}a-rank1.npy: input 0 ('a') must have shape [2, 3], got [6]
// FEWER: qforge-run: error: the model takes 2 inputs, 1 given; missing input 1 ('b'): float32 [2, 3]
// MORE: qforge-run: error: too many inputs: the model takes 2 ({{.*}}b.npy is extra)
// NPZ-MISSING: qforge-run: error: {{.*}}only-a.npz: no array named 'b' for input 1 ('b') (float32 [2, 3]); the archive has 'a'
// NPZ-EXTRA: qforge-run: error: {{.*}}abc.npz: array 'c' is not an input of the model
// TWICE: qforge-run: error: input 0 ('a') is given twice
// OUTPUTS: qforge-run: error: too many outputs: the model has 2 ({{.*}}3.npy is extra)
// NOT-ARTIFACT: qforge-run: error: cannot load
// NO-ARTIFACT: qforge-run: error: cannot load '{{.*}}missing.so'

func.func @pair(%a: tensor<2x3xf32> {qf.name = "a"}, %b: tensor<2x3xf32> {qf.name = "b"})
    -> (tensor<2x3xf32> {qf.name = "sum"}, tensor<2x3xf32> {qf.name = "prod"}) {
  %e = tensor.empty() : tensor<2x3xf32>
  %s = linalg.add ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %p = linalg.mul ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %s, %p : tensor<2x3xf32>, tensor<2x3xf32>
}
