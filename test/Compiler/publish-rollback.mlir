// A rename that fails while qforge-compile publishes an artifact puts back
// what it had already moved (issue 16 #10): OUTDIR holds the previous set,
// its manifest included, or no file of the new one, never a new library
// beside an old report. A directory where a file goes makes its rename fail
// (tiny.h, report.json, report.svg, tiny.so and the manifest move in that
// order). The other compile's library and report differ (mul, output z).
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.full((2, 8), 3, np.float32))"
// RUN: sed -e 's/linalg.add/linalg.mul/' -e 's/"y"/"z"/' %s > %t/other.mlir
// RUN: qforge-compile %s -o %t/out --quiet
// RUN: cp -r %t/out %t/before

// report.svg fails after tiny.h and report.json moved.
// RUN: rm %t/out/report.svg && mkdir -p %t/out/report.svg/inside
// RUN: not qforge-compile %t/other.mlir -o %t/out --quiet 2>&1 | FileCheck %s --check-prefix=SVG
// SVG: error: cannot move 'report.svg' into '{{.*}}out': Is a directory
// RUN: cmp %t/out/tiny.h %t/before/tiny.h
// RUN: cmp %t/out/report.json %t/before/report.json
// RUN: cmp %t/out/tiny.so %t/before/tiny.so
// RUN: cmp %t/out/tiny.manifest %t/before/tiny.manifest
// RUN: test -d %t/out/report.svg/inside
// RUN: ls -A %t/out | FileCheck %s --check-prefix=KEPT
// KEPT: report.json
// KEPT-NEXT: report.svg
// KEPT-NEXT: tiny.h
// KEPT-NEXT: tiny.manifest
// KEPT-NEXT: tiny.so
// KEPT-NOT: {{.}}
// RUN: qforge-run %t/out/tiny.so --input %t/x.npy --output %t/y.npy
// RUN: %python -c "import numpy as np; assert (np.load('%t/y.npy') == 6).all()"

// The manifest's rename, the last one, fails: every file goes back.
// RUN: rm -r %t/out/report.svg %t/out/tiny.manifest && cp %t/before/report.svg %t/out/
// RUN: mkdir -p %t/out/tiny.manifest/inside
// RUN: not qforge-compile %t/other.mlir -o %t/out --quiet 2>&1 | FileCheck %s --check-prefix=LAST
// LAST: error: cannot move 'tiny.manifest' into '{{.*}}out': Is a directory
// RUN: cmp %t/out/tiny.h %t/before/tiny.h
// RUN: cmp %t/out/report.json %t/before/report.json
// RUN: cmp %t/out/report.svg %t/before/report.svg
// RUN: cmp %t/out/tiny.so %t/before/tiny.so
// RUN: ls -A %t/out | count 5

// Into a folder without a previous artifact: the files already moved are
// removed again.
// RUN: mkdir -p %t/fresh/report.svg/inside
// RUN: not qforge-compile %s -o %t/fresh --quiet 2>&1 | FileCheck %s --check-prefix=FRESH
// FRESH: error: cannot move 'report.svg' into '{{.*}}fresh': Is a directory
// RUN: ls -A %t/fresh | count 1
// RUN: test -d %t/fresh/report.svg/inside

// Once the obstacle is gone, the other compile replaces the whole set.
// RUN: rm -r %t/out/tiny.manifest
// RUN: qforge-compile %t/other.mlir -o %t/out --quiet
// RUN: %python %S/Inputs/manifest.py %t/out tiny
// RUN: not cmp -s %t/out/report.json %t/before/report.json
// RUN: qforge-run %t/out/tiny.so --input %t/x.npy --output %t/y.npy
// RUN: %python -c "import numpy as np; assert (np.load('%t/y.npy') == 9).all()"
// RUN: ls -A %t/out | count 5

func.func @tiny(%x: tensor<2x8xf32> {qf.name = "x"}) -> (tensor<2x8xf32> {qf.name = "y"}) {
  %e = tensor.empty() : tensor<2x8xf32>
  %y = linalg.add ins(%x, %x : tensor<2x8xf32>, tensor<2x8xf32>) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
