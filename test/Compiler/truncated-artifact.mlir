// A truncated artifact (a partial copy, a full disk) is refused with a clear
// error before dlopen, which would otherwise fault with SIGBUS mapping the
// missing bytes (issue 16 #11).
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-compile %s -o %t/out --quiet
// RUN: %python -c "import numpy as np; np.save('%t/x.npy', np.ones((2, 8), np.float32))"
// RUN: qforge-run %t/out/tiny.so --input %t/x.npy --output %t/y.npy
// RUN: %python -c "import shutil, os; cut = lambda name, n: shutil.copy('%t/out/tiny.so', name) and os.truncate(name, n); cut('%t/cut40.so', 40); cut('%t/cut2000.so', 2000); cut('%t/cut_end.so', os.path.getsize('%t/out/tiny.so') - 100)"
// RUN: not qforge-run %t/cut40.so --input %t/x.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=HEADER
// RUN: not qforge-run %t/cut2000.so --input %t/x.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: not qforge-run %t/cut_end.so --input %t/x.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: test ! -e %t/bad.npy

// HEADER: error: cannot load '{{.*}}cut40.so': not a 64-bit ELF file
// TRUNC: error: cannot load '{{.*}}.so': truncated (

func.func @tiny(%x: tensor<2x8xf32> {qf.name = "x"}) -> (tensor<2x8xf32> {qf.name = "y"}) {
  %e = tensor.empty() : tensor<2x8xf32>
  %y = linalg.add ins(%x, %x : tensor<2x8xf32>, tensor<2x8xf32>) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}
