// qforge-run --output on a full disk (issue 16 #10): each output goes to a
// temporary file in its folder that is renamed into place only when every
// write and the close succeeded. A failed write is an error naming the file
// and the OS reason, exit 1, no file at the final path (a previous one left
// byte for byte), no temporary left, and no LLVM crash report. `ulimit -f`
// stands in for a full disk without root: past the limit a write fails with
// EFBIG ("File too large"); /dev/full gives ENOSPC for the in-place write of
// a device. The output is 64 KiB, the limit 8 KiB.
// RUN: rm -rf %t && mkdir -p %t/out
// RUN: qforge-compile %s -o %t/art --quiet

// A new file.
// RUN: not bash -c 'ulimit -f 8; trap "" XFSZ; exec qforge-run %t/art/big.so -o %t/out/y.npy' 2>&1 | FileCheck %s --check-prefix=NPY --implicit-check-not=LLVM --implicit-check-not=PLEASE
// RUN: ls -A %t/out | count 0
// NPY: qforge-run: error: {{.*}}out/y.npy: cannot write: File too large

// A previous file is left as it was; an .npz likewise, and without the
// `trap` (the tool itself turns SIGXFSZ into EFBIG instead of dying).
// RUN: echo previous > %t/out/y.npz && cp %t/out/y.npz %t/before.npz
// RUN: not bash -c 'ulimit -f 8; trap "" XFSZ; exec qforge-run %t/art/big.so -o %t/out/y.npz' 2>&1 | FileCheck %s --check-prefix=NPZ --implicit-check-not=LLVM --implicit-check-not=PLEASE
// RUN: not bash -c 'ulimit -f 8; exec qforge-run %t/art/big.so -o %t/out/y.npz' 2>&1 | FileCheck %s --check-prefix=NPZ --implicit-check-not=LLVM --implicit-check-not=PLEASE
// RUN: cmp %t/out/y.npz %t/before.npz
// RUN: ls -A %t/out | count 1
// NPZ: qforge-run: error: {{.*}}out/y.npz: cannot write: File too large

// A device is written in place, not replaced by a rename (a symlink to it,
// so that a regression cannot replace the real /dev/full when run as root).
// RUN: ln -s /dev/full %t/out/full && ln -s /dev/null %t/out/null
// RUN: not qforge-run %t/art/big.so -o %t/out/full 2>&1 | FileCheck %s --check-prefix=FULL --implicit-check-not=LLVM --implicit-check-not=PLEASE
// RUN: qforge-run %t/art/big.so -o %t/out/null
// RUN: test -L %t/out/full && test -L %t/out/null
// RUN: ls -A %t/out | count 3
// FULL: qforge-run: error: {{.*}}out/full: cannot write: No space left on device

// Without a limit the same run replaces the previous file.
// RUN: qforge-run %t/art/big.so -o %t/out/y.npz
// RUN: not cmp -s %t/out/y.npz %t/before.npz
// RUN: ls -A %t/out | count 3

// Temporaries of a killed run (SIGKILL: no handler runs) are removed by
// the next run writing to that folder once their process is gone; a live
// process's (pid 1: a concurrent run) and names that are not ours stay.
// RUN: rm -rf %t/stale && mkdir -p %t/stale/.y.npy.qforge-tmp-999999999-dir0
// RUN: echo partial > %t/stale/.y.npy.qforge-tmp-999999999-abc123
// RUN: echo partial > %t/stale/.z.npz.qforge-tmp-999999999-def456
// RUN: echo live > %t/stale/.y.npy.qforge-tmp-1-ghi789
// RUN: echo other > %t/stale/.y.npy.qforge-tmp-x-jkl012
// RUN: echo other > %t/stale/y.npy.qforge-tmp-999999999-mno345
// RUN: qforge-run %t/art/big.so -o %t/stale/y.npy
// RUN: test ! -e %t/stale/.y.npy.qforge-tmp-999999999-abc123
// RUN: test ! -e %t/stale/.z.npz.qforge-tmp-999999999-def456
// RUN: test -f %t/stale/.y.npy.qforge-tmp-1-ghi789
// RUN: test -f %t/stale/.y.npy.qforge-tmp-x-jkl012
// RUN: test -f %t/stale/y.npy.qforge-tmp-999999999-mno345
// RUN: test -d %t/stale/.y.npy.qforge-tmp-999999999-dir0
// RUN: test -f %t/stale/y.npy
// RUN: ls -A %t/stale | count 5

func.func @big() -> (tensor<64x256xf32> {qf.name = "y"}) {
  %c = arith.constant 1.5 : f32
  %e = tensor.empty() : tensor<64x256xf32>
  %y = linalg.fill ins(%c : f32) outs(%e : tensor<64x256xf32>) -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
