// Bad options and inputs of qf-autoquant are errors that say what is wrong.
// RUN: not qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="scheme=auto:w8,bogus timer=model quiet" 2>&1 | FileCheck %s --check-prefix=CAND
// RUN: not qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="scheme=auto:w4g32+i8act timer=model quiet" 2>&1 | FileCheck %s --check-prefix=I8
// RUN: not qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="m-profile=1:0.5,1:0.5 timer=model quiet" 2>&1 | FileCheck %s --check-prefix=PROFILE
// RUN: not qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="min-sqnr=200 timer=model quiet" 2>&1 | FileCheck %s --check-prefix=SQNR
// RUN: not qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="cache-mode=sometimes quiet" 2>&1 | FileCheck %s --check-prefix=MODE
// RUN: not qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="timer=table quiet" 2>&1 | FileCheck %s --check-prefix=COSTS
// RUN: not qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="timer=stopwatch quiet" 2>&1 | FileCheck %s --check-prefix=TIMER
// RUN: printf 'w8 4 64\n' > %t.costs
// RUN: not qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="timer=table costs=%t.costs quiet" 2>&1 | FileCheck %s --check-prefix=TABLE
// RUN: not qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="stats=%t.missing quiet" 2>&1 | FileCheck %s --check-prefix=STATS

// CAND: error: qf-autoquant: unknown candidate 'bogus'
// I8: error: qf-autoquant: candidate 'w4g32+i8act': scheme 'w4g32' has no int8-activation kernel
// PROFILE: error: qf-autoquant: invalid M profile '1:0.5,1:0.5': M = 1 appears twice
// SQNR: error: qf-autoquant: min-sqnr must be between 0 and 150 dB, not 200
// MODE: error: qf-autoquant: unknown cache-mode 'sometimes' (expected off, read, readwrite or refresh)
// COSTS: error: qf-autoquant: timer=table needs costs=FILE
// TIMER: error: qf-autoquant: unknown timer 'stopwatch' (expected measure, model or table)
// TABLE: error: qf-autoquant: {{.*}}.costs:1: expected 'CANDIDATE M N K MICROSECONDS', got 'w8 4 64'
// STATS: error: qf-autoquant: {{.*}}missing
