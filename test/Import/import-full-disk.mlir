// REQUIRES: onnx
// qforge-import -o on a full disk (issue 16 #10): the module goes to a
// temporary file in the destination's folder (qforge::writeOutputFile),
// renamed into place only when every write, the fsync and the close
// succeeded. A failed write is an error naming the file and the OS reason,
// exit 1, no temporary left, a previous file left byte for byte, and no
// LLVM crash report. `ulimit -f` stands in for a full disk without root
// (EFBIG, "File too large"); the MLP's text is about 20 KiB, the limit 4 KiB.

// RUN: rm -rf %t && mkdir -p %t/out
// RUN: %python %S/Inputs/onnx_models.py mlp %t/m.onnx
// RUN: not bash -c 'ulimit -f 4; exec qforge-import %t/m.onnx -o %t/out/m.mlir' 2>&1 | FileCheck %s --check-prefix=NEW --implicit-check-not=LLVM --implicit-check-not=PLEASE
// RUN: ls -A %t/out | count 0
// NEW: qforge-import: error: cannot write '{{.*}}out/m.mlir': File too large

// RUN: echo previous > %t/out/m.mlir && cp %t/out/m.mlir %t/before.mlir
// RUN: not bash -c 'ulimit -f 4; exec qforge-import %t/m.onnx --emit-bytecode -o %t/out/m.mlir' 2>&1 | FileCheck %s --check-prefix=NEW --implicit-check-not=LLVM --implicit-check-not=PLEASE
// RUN: cmp %t/out/m.mlir %t/before.mlir
// RUN: ls -A %t/out | count 1

// Without a limit the module replaces the previous file and reads back.
// RUN: qforge-import %t/m.onnx -o %t/out/m.mlir
// RUN: qforge-opt %t/out/m.mlir | FileCheck %s --check-prefix=OK
// RUN: ls -A %t/out | count 1
// OK: func.func @main

// A killed run's temporary (its pid gone) is removed by the next run
// writing to that folder; a live process's (pid 1) and other names stay.
// RUN: echo partial > %t/out/.m.mlir.qforge-tmp-999999999-abc123
// RUN: echo live > %t/out/.m.mlir.qforge-tmp-1-def456
// RUN: echo other > %t/out/m.mlir.tmp-12345678
// RUN: qforge-import %t/m.onnx -o %t/out/m.mlir
// RUN: test ! -e %t/out/.m.mlir.qforge-tmp-999999999-abc123
// RUN: test -f %t/out/.m.mlir.qforge-tmp-1-def456
// RUN: test -f %t/out/m.mlir.tmp-12345678

// To standard output (no temporary): the module itself.
// RUN: qforge-import %t/m.onnx | FileCheck %s --check-prefix=OK
