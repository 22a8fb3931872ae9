// REQUIRES: onnx
// qforge-compile --scheme auto: the decision, the report (table and JSON),
// the plan file replayed by --scheme-file into the same artifact, the
// calibrated guard, the real timer with its persistent cache, and the
// options that cannot go with it.
// RUN: rm -rf %t && mkdir -p %t
// RUN: printf 'w4g32 4 64 128 5\nw8 4 64 128 10\nw4g32 4 16 64 10\nw8 4 16 64 5\n' > %t/costs.txt
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --scheme auto:w8,w4g32 --autoquant-timer=table --autoquant-costs=%t/costs.txt --autoquant-plan=%t/plan.txt -o %t/auto | FileCheck %s --check-prefix=TABLE
// RUN: FileCheck %s --check-prefix=JSON < %t/auto/report.json
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --scheme-file %t/plan.txt -o %t/replay --quiet
// RUN: cmp %t/auto/mlp.so %t/replay/mlp.so
// RUN: qforge-compile %S/../../examples/mlp_model.mlir -o %t/f32 --quiet
// RUN: run_mlp %t/f32/mlp.so %t/auto/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=OUT
//
// --print-pipeline names qf-autoquant with its options; qforge-opt replays
// it into the same module.
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --scheme auto:w8,w4g32 --autoquant-timer=model --print-pipeline > %t/pipeline.txt
// RUN: FileCheck %s --check-prefix=PIPE < %t/pipeline.txt
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --scheme auto:w8,w4g32 --autoquant-timer=model --emit=llvm-mlir -o %t/emit --quiet
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --pass-pipeline="$(cat %t/pipeline.txt)" -o %t/replay.mlir
// RUN: cmp %t/emit/mlp.llvm.mlir %t/replay.mlir
//
// With calibration rows the guard judges the activation candidates too.
// RUN: %python -c "import numpy as np; rng = np.random.default_rng(1); np.savez(r'%t/samples.npz', x=rng.standard_normal((8, 4, 128)).astype(np.float32))"
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme auto:w8,a8w8 --autoquant-timer=model -o %t/calib | FileCheck %s --check-prefix=CALIB
//
// The real timer on this host (a smoke test: a plan is produced), then the
// same compile again reads every time from the cache.
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --scheme auto:w8,w4g32 --autoquant-cache=%t/cache.jsonl --autoquant-plan=%t/measured.txt -o %t/measured | FileCheck %s --check-prefix=MEASURED
// RUN: FileCheck %s --check-prefix=MPLAN < %t/measured.txt
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --scheme auto:w8,w4g32 --autoquant-cache=%t/cache.jsonl --autoquant-cache-mode=read -o %t/cached | FileCheck %s --check-prefix=CACHED
//
// --autoquant-verify: the plan against every uniform candidate passing the
// guard, end to end; whichever artifact wins is a working one.
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --scheme auto:w8,w4g32 --autoquant-timer=table --autoquant-costs=%t/costs.txt --autoquant-verify -o %t/verify | FileCheck %s --check-prefix=VERIFY
// RUN: FileCheck %s --check-prefix=VJSON < %t/verify/report.json
// RUN: run_mlp %t/f32/mlp.so %t/verify/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=OUT
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --scheme auto --autoquant-verify --target x86_64:znver4 -o %t/bad 2>&1 | FileCheck %s --check-prefix=VHOST
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --scheme auto --scheme-file %t/plan.txt -o %t/bad 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --scheme auto --lowering=reference -o %t/bad 2>&1 | FileCheck %s --check-prefix=REF
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --scheme auto --int8-activations -o %t/bad 2>&1 | FileCheck %s --check-prefix=I8
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --scheme auto:w8,nope --autoquant-timer=model -o %t/bad 2>&1 | FileCheck %s --check-prefix=CAND
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --scheme auto --min-sqnr=-3 -o %t/bad 2>&1 | FileCheck %s --check-prefix=SQNR
// RUN: not ls %t/bad

// TABLE: fc1    w4g32
// TABLE: fc2    w8
// TABLE: autoquant (table times, target {{.*}}; guard: weights only, min SQNR 15.0 dB; cache off: 0 hits, 4 timed; 2 distinct shapes)
// TABLE-NEXT: fc1 [64x128, M 4:1]: w4g32  (fastest passing the guard (5.0 us))
// TABLE: w8+i8act {{.*}}excluded: rounds activations: needs calibration data

// PIPE: qf-attach-target{target=host},qf-autoquant{{{.*}}scheme=auto:w8,w4g32{{.*}}timer=model},qf-quantize{{{.*}}scheme=f32

// JSON: "autoquant": {
// JSON: "chosen": "w4g32",

// OUT: relative error 0.{{[01][0-9]+}}

// CALIB: guard: calibration rows
// CALIB: a8w8 {{.*}} dB
// CALIB-NOT: a8w8 {{.*}}excluded

// MEASURED: autoquant (measured times, target {{.*}}: 0 hits, 4 timed; 2 distinct shapes)
// MPLAN: fc1 {{w8|w4g32|w8\+i8act}} #qf.cpu_kernel<kind =
// MPLAN: fc2 {{w8|w4g32|w8\+i8act}} #qf.cpu_kernel<kind =
// CACHED: autoquant (measured times, target {{.*}}: 4 hits, 0 timed, 4 guard results; 2 distinct shapes)

// VERIFY: autoquant verify (end to end, median of interleaved rounds):
// VERIFY-NEXT: plan {{.*}} us  (p20
// VERIFY-NEXT: w8 {{.*}} us  (p20
// VERIFY-NEXT: w4g32 {{.*}} us  (p20
// VERIFY-NEXT: not compared: w8+i8act: fc1 could not be judged (rounds activations: needs calibration data
// VERIFY-NEXT: {{the plan is used|the plan is slower than uniform w(8|4g32): the artifact is the uniform one}}
// VJSON: "autoquant_verify": {
// VJSON: "artifact": "plan",
// VJSON: "used": "{{plan|w8|w4g32}}"
// VHOST: error: --autoquant-verify runs the artifacts: it needs the host target, not x86_64:znver4

// BOTH: error: --scheme auto and --scheme-file both choose
// REF: error: --scheme auto times the CPU kernels
// I8: error: --scheme auto decides int8 activations per layer
// CAND: unknown candidate 'nope'
// SQNR: min-sqnr must be between 0 and 150 dB
