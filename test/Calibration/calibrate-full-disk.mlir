// qforge-calibrate -o and --json on a full disk (issue 16 #10): the stats
// file and the report go to a temporary file in their folder, renamed into
// place only when every write and the close succeeded. A failed write is an
// error naming the file and the OS reason, exit 1, no file at the final
// path (a previous one left byte for byte), no temporary left, and no LLVM
// crash report. `ulimit -f` stands in for a full disk without root (EFBIG,
// "File too large"); the stats file is about 21 KiB, the limit 8 KiB, and
// the report gets a limit of 0 (stdout and stderr are pipes: unaffected).

// RUN: rm -rf %t && mkdir -p %t/out
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t/x.npz --shape 4x8 --count 16 --seed 1 --scale 2
// RUN: not bash -c 'ulimit -f 8; trap "" XFSZ; exec qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/x.npz -o %t/out/s.st' 2>&1 | FileCheck %s --check-prefix=NEW --implicit-check-not=LLVM --implicit-check-not=PLEASE
// RUN: ls -A %t/out | count 0
// NEW: qforge-calibrate: error: cannot write '{{.*}}out/s.st': File too large

// A previous stats file is left as it was (also without the `trap`: the
// tool turns SIGXFSZ into EFBIG itself).
// RUN: echo previous > %t/out/s.st && cp %t/out/s.st %t/before.st
// RUN: not bash -c 'ulimit -f 8; exec qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/x.npz -o %t/out/s.st' 2>&1 | FileCheck %s --check-prefix=OLD --implicit-check-not=LLVM --implicit-check-not=PLEASE
// RUN: cmp %t/out/s.st %t/before.st
// RUN: ls -A %t/out | count 1
// OLD: qforge-calibrate: error: cannot write '{{.*}}out/s.st': File too large

// --compare's report and its -o statistics.
// RUN: echo previous > %t/out/r.json && cp %t/out/r.json %t/before.json
// RUN: not bash -c 'ulimit -f 0; trap "" XFSZ; exec qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/x.npz --compare %S/Inputs/mlp.mlir --json %t/out/r.json' 2>&1 | FileCheck %s --check-prefix=JSON --implicit-check-not=LLVM --implicit-check-not=PLEASE
// RUN: not bash -c 'ulimit -f 8; trap "" XFSZ; exec qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/x.npz --compare %S/Inputs/mlp.mlir -o %t/out/c.st' 2>&1 | FileCheck %s --check-prefix=COMPARE-STATS --implicit-check-not=LLVM --implicit-check-not=PLEASE
// RUN: cmp %t/out/r.json %t/before.json
// RUN: ls -A %t/out | count 2
// JSON: qforge-calibrate: error: cannot write '{{.*}}out/r.json': File too large
// COMPARE-STATS: qforge-calibrate: error: cannot write '{{.*}}out/c.st': File too large

// Without a limit the same run replaces the previous file.
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/x.npz -o %t/out/s.st > /dev/null
// RUN: qforge-calibrate --dump %t/out/s.st | FileCheck %s --check-prefix=DUMP
// RUN: ls -A %t/out | count 2
// DUMP: samples: 16

// Temporaries of a killed run (SIGKILL: no handler runs) are removed by
// the next run writing to that folder once their process is gone; a live
// process's (pid 1: a concurrent run) and names that are not ours stay.
// Both -o's and --json's folders are cleaned.
// RUN: rm -rf %t/stale %t/stale2 && mkdir -p %t/stale %t/stale2
// RUN: echo partial > %t/stale/.s.st.qforge-tmp-999999999-abc123
// RUN: echo live > %t/stale/.s.st.qforge-tmp-1-def456
// RUN: echo other > %t/stale/s.st.qforge-tmp-999999999-ghi789
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/x.npz -o %t/stale/s.st > /dev/null
// RUN: test ! -e %t/stale/.s.st.qforge-tmp-999999999-abc123
// RUN: test -f %t/stale/.s.st.qforge-tmp-1-def456
// RUN: test -f %t/stale/s.st.qforge-tmp-999999999-ghi789
// RUN: ls -A %t/stale | count 3
// RUN: echo partial > %t/stale/.s.st.qforge-tmp-999999999-jkl012
// RUN: echo partial > %t/stale2/.r.json.qforge-tmp-999999999-mno345
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/x.npz --compare %S/Inputs/mlp.mlir -o %t/stale/s.st --json %t/stale2/r.json > /dev/null
// RUN: test ! -e %t/stale/.s.st.qforge-tmp-999999999-jkl012
// RUN: test ! -e %t/stale2/.r.json.qforge-tmp-999999999-mno345
// RUN: ls -A %t/stale2 | count 1
