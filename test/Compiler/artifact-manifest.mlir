// An artifact's files come with a manifest, NAME.manifest, moved into
// OUTDIR after them: every file with its size and SHA-256 (issue 16 #10).
// qforge_load checks the library against it before dlopen and refuses one
// that is not the library the manifest lists (truncated, changed, or of
// another compile: what a compile killed while publishing leaves); a torn
// set (report.json of another compile) is visible to any reader of the
// manifest. A library without a manifest loads as before.
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-compile %s -o %t/out --quiet
// RUN: FileCheck %s --check-prefix=MANIFEST < %t/out/tiny.manifest
// RUN: %python %S/Inputs/manifest.py %t/out tiny | FileCheck %s --check-prefix=CHECKED
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.full((2, 8), 3, np.float32))"
// RUN: qforge-run %t/out/tiny.so --input %t/x.npy --output %t/y.npy
// RUN: %python -c "import numpy as np; assert (np.load('%t/y.npy') == 6).all()"
// RUN: cp %t/out/tiny.so %t/good.so && cp %t/out/tiny.manifest %t/good.manifest
// Only the artifact (a library and what comes with it) has a manifest; a
// single file is one rename.
// RUN: qforge-compile %s --emit=obj -o %t/obj --quiet
// RUN: ls %t/obj | FileCheck %s --check-prefix=OBJ

// MANIFEST: qforge-manifest 1
// MANIFEST-NEXT: name tiny
// MANIFEST-NEXT: file tiny.h {{[0-9]+}} {{[0-9a-f]{64}$}}
// MANIFEST-NEXT: file report.json {{[0-9]+}} {{[0-9a-f]{64}$}}
// MANIFEST-NEXT: file report.svg {{[0-9]+}} {{[0-9a-f]{64}$}}
// MANIFEST-NEXT: file tiny.so {{[0-9]+}} {{[0-9a-f]{64}$}}
// MANIFEST-NOT: {{.}}
// CHECKED: tiny.h {{[0-9]+}} ok
// CHECKED-NEXT: report.json {{[0-9]+}} ok
// CHECKED-NEXT: report.svg {{[0-9]+}} ok
// CHECKED-NEXT: tiny.so {{[0-9]+}} ok
// OBJ: tiny.o
// OBJ-NOT: manifest

// One byte changed, the size the same: the hash tells.
// RUN: %python -c "f = open('%t/out/tiny.so', 'r+b'); f.seek(5000); b = f.read(1); f.seek(5000); f.write(bytes([b[0] ^ 1]))"
// RUN: not qforge-run %t/out/tiny.so --input %t/x.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=HASH
// HASH: error: cannot load '{{.*}}out/tiny.so': its SHA-256 is not the one its manifest '{{.*}}out/tiny.manifest' records: it was changed, truncated or replaced after qforge-compile wrote it, or a compile into its folder did not finish; recompile it

// Truncated beside its manifest: the size, before anything is hashed.
// RUN: cp %t/good.so %t/out/tiny.so && %python -c "import os; os.truncate('%t/out/tiny.so', 2000)"
// RUN: not qforge-run %t/out/tiny.so --input %t/x.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=SIZE
// SIZE: error: cannot load '{{.*}}out/tiny.so': it has 2000 bytes, its manifest '{{.*}}out/tiny.manifest' says {{[0-9]+}}: it was changed, truncated or replaced

// The library of another compile of the same name beside this manifest.
// RUN: sed -e 's/linalg.add/linalg.mul/' -e 's/"y"/"z"/' %s > %t/other.mlir
// RUN: qforge-compile %t/other.mlir -o %t/other --quiet
// RUN: cp %t/other/tiny.so %t/out/tiny.so
// RUN: not qforge-run %t/out/tiny.so --input %t/x.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=OTHER
// OTHER: error: cannot load '{{.*}}out/tiny.so': {{.*}} its manifest '{{.*}}out/tiny.manifest' {{.*}}; recompile it
// RUN: test ! -e %t/bad.npy

// A torn set: report.json of the other compile. The library is its own
// and loads; the manifest tells that report.json is not this artifact's.
// RUN: cp %t/good.so %t/out/tiny.so && cp %t/other/report.json %t/out/report.json
// RUN: not %python %S/Inputs/manifest.py %t/out tiny | FileCheck %s --check-prefix=TORN
// RUN: qforge-run %t/out/tiny.so --input %t/x.npy --output %t/y.npy
// TORN: tiny.h {{[0-9]+}} ok
// TORN-NEXT: report.json: MISMATCH
// TORN-NEXT: report.svg {{[0-9]+}} ok
// TORN-NEXT: tiny.so {{[0-9]+}} ok

// A manifest that does not list the library, of a format this runtime does
// not read, or malformed: refused. Records of other kinds are skipped.
// RUN: grep -v '^file tiny.so ' %t/good.manifest > %t/out/tiny.manifest
// RUN: not qforge-run %t/out/tiny.so --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=UNLISTED
// UNLISTED: error: cannot load '{{.*}}out/tiny.so': its manifest '{{.*}}out/tiny.manifest' does not list 'tiny.so': it was changed
// RUN: sed 's/^qforge-manifest 1$/qforge-manifest 2/' %t/good.manifest > %t/out/tiny.manifest
// RUN: not qforge-run %t/out/tiny.so --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=VERSION
// VERSION: error: cannot load '{{.*}}out/tiny.so': its manifest '{{.*}}out/tiny.manifest' has format version 2, which this runtime (version 1) does not read; use a newer runtime or recompile the artifact
// RUN: cp %t/good.manifest %t/out/tiny.manifest && echo 'file tiny.so many 00' >> %t/out/tiny.manifest
// RUN: not qforge-run %t/out/tiny.so --input %t/x.npy 2>&1 | FileCheck %s --check-prefix=MALFORMED
// MALFORMED: error: cannot load '{{.*}}out/tiny.so': its manifest '{{.*}}out/tiny.manifest' is malformed (line 7)
// RUN: cp %t/good.manifest %t/out/tiny.manifest && echo 'signed-by someone' >> %t/out/tiny.manifest
// RUN: qforge-run %t/out/tiny.so --input %t/x.npy --output %t/y.npy

// Without a manifest (an artifact of an older compiler, a library copied on
// its own), a library loads as it always did.
// RUN: rm %t/out/tiny.manifest
// RUN: qforge-run %t/out/tiny.so --input %t/x.npy --output %t/y.npy
// RUN: %python -c "import numpy as np; assert (np.load('%t/y.npy') == 6).all()"

func.func @tiny(%x: tensor<2x8xf32> {qf.name = "x"}) -> (tensor<2x8xf32> {qf.name = "y"}) {
  %e = tensor.empty() : tensor<2x8xf32>
  %y = linalg.add ins(%x, %x : tensor<2x8xf32>, tensor<2x8xf32>) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
