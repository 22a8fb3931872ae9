// End to end: calibrate the MLP in Inputs/mlp.mlir on random samples and
// check every statistic against numpy on the same data (mlp_tool.py reads
// the safetensors file itself and recomputes fc1.input = x and
// fc2.input = relu(x W1^T): min/max, absmax, absmean, X^T X, count, histogram).

// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t.npz --shape 4x8 --count 16 --seed 1 --scale 2
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npz -o %t.minmax.st 2> %t.stderr | FileCheck %s
// RUN: %python %S/Inputs/mlp_tool.py check-stats %S/Inputs/mlp.mlir %t.npz %t.minmax.st | FileCheck %s --check-prefix=OK
// Not a terminal: no progress bar, nothing on stderr.
// RUN: FileCheck %s --allow-empty --check-prefix=EMPTY < %t.stderr
// EMPTY-NOT: {{.}}

// CHECK: id channels count min max
// CHECK-NEXT: fc1.input 8 64 -{{[0-9.]+}} {{[0-9.]+}}
// CHECK-NEXT: fc2.input 5 64 0 {{[0-9.]+}}
// CHECK-NEXT: wrote {{.*}}minmax.st (2 observed values, 16 samples, observer minmax)
// OK: stats ok: 2 ids, 16 samples

// The other observers: same per-channel statistics, their own ranges.
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npz -o %t.ema.st --observer ema --momentum 0.5
// RUN: %python %S/Inputs/mlp_tool.py check-stats %S/Inputs/mlp.mlir %t.npz %t.ema.st --observer ema | FileCheck %s --check-prefix=OK
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npz -o %t.pct.st --observer percentile --percentile 90
// RUN: %python %S/Inputs/mlp_tool.py check-stats %S/Inputs/mlp.mlir %t.npz %t.pct.st --observer percentile | FileCheck %s --check-prefix=OK
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npz -o %t.mse.st --observer mse
// RUN: %python %S/Inputs/mlp_tool.py check-stats %S/Inputs/mlp.mlir %t.npz %t.mse.st --observer mse | FileCheck %s --check-prefix=OK
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npz -o %t.kl.st --observer entropy
// RUN: %python %S/Inputs/mlp_tool.py check-stats %S/Inputs/mlp.mlir %t.npz %t.kl.st --observer entropy | FileCheck %s --check-prefix=OK

// --dump shows the metadata; a 90th percentile range is inside the data
// range, the minmax one is the data range.
// RUN: qforge-calibrate --dump %t.pct.st | FileCheck %s --check-prefix=PCT
// PCT: format: qforge-stats version 1
// PCT: observer: percentile
// PCT: momentum: 0.9
// PCT: percentile: 90
// PCT: samples: 16
// PCT: ids: 2
// PCT: fc1.input: min -{{[0-3]\.[0-9]+}} max {{[0-3]\.[0-9]+}} channels 8 count 64 hist 2048 bins [0, {{.*}}] xtx yes
// RUN: qforge-calibrate --dump %t.ema.st | FileCheck %s --check-prefix=EMA
// EMA: observer: ema
// EMA: momentum: 0.5

// --max-samples, a compressed npz, and a .npy for the single argument.
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t.c.npz --shape 4x8 --count 5 --seed 2 --compressed
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.c.npz -o %t.c.st
// RUN: %python %S/Inputs/mlp_tool.py check-stats %S/Inputs/mlp.mlir %t.c.npz %t.c.st | FileCheck %s --check-prefix=OK5
// OK5: stats ok: 2 ids, 5 samples
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t.npy --shape 4x8 --count 7 --seed 3 --npy
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npy -o %t.npy.st --max-samples 3 --entry forward
// RUN: qforge-calibrate --dump %t.npy.st | FileCheck %s --check-prefix=MAX
// MAX: samples: 3
// MAX: fc1.input: {{.*}} count 12

// The fingerprint is that of the model: the same for a module already
// instrumented with qforge-opt (whose observers are used as they are), and
// different for a model with other weights.
// RUN: qforge-opt %S/Inputs/mlp.mlir --qf-insert-observers --mlir-print-debuginfo -o %t.inst.mlir
// RUN: qforge-calibrate %t.inst.mlir --inputs %t.npz -o %t.inst.st
// RUN: sed -e 's/0.5, -0.25/0.5, -0.26/' %S/Inputs/mlp.mlir > %t.other.mlir
// RUN: qforge-calibrate %t.other.mlir --inputs %t.npz -o %t.other.st
// RUN: qforge-calibrate --dump %t.minmax.st > %t.dumps
// RUN: qforge-calibrate --dump %t.inst.st >> %t.dumps
// RUN: qforge-calibrate --dump %t.other.st >> %t.dumps
// RUN: FileCheck %s --check-prefix=FP < %t.dumps
// FP: fingerprint: [[FP:[0-9a-f]+]]
// FP: fingerprint: [[FP]]
// FP: fingerprint:
// FP-NOT: [[FP]]
// FP: observer:

// Output observers on request: no X^T X for them.
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npz -o %t.out.st --observe-outputs
// RUN: qforge-calibrate --dump %t.out.st | FileCheck %s --check-prefix=OUTS
// OUTS: ids: 4
// OUTS: fc1.input: {{.*}} xtx yes
// OUTS: fc1.output: {{.*}} channels 5 {{.*}} xtx no
// OUTS: fc2.input: {{.*}} xtx yes
// OUTS: fc2.output: {{.*}} channels 3 {{.*}} xtx no
