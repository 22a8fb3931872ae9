// qf-autoquant with a cost table: each layer's choice (the 5% rule, the
// M of the model), the decision on the ops, qf-quantize applying it, and
// the plan file replaying it.
// RUN: rm -rf %t && mkdir -p %t
// RUN: printf 'w4g32 4 64 128 5\nw8 4 64 128 10\nw4g32 4 16 64 10\nw8 4 16 64 5\n' > %t/costs.txt
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="scheme=auto:w8,w4g32 timer=table costs=%t/costs.txt plan=%t/plan.txt report=%t/report.json quiet" | FileCheck %s --check-prefix=ANNOTATE
// RUN: FileCheck %s --check-prefix=PLAN < %t/plan.txt
// RUN: FileCheck %s --check-prefix=REPORT < %t/report.json
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="scheme=auto:w8,w4g32 timer=table costs=%t/costs.txt quiet" --qf-quantize | FileCheck %s --check-prefix=QUANT
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --qf-quantize="scheme-file=%t/plan.txt" | FileCheck %s --check-prefix=QUANT
// A challenger less than 5% faster does not replace the model's choice.
// RUN: printf 'w4g32 4 0 0 10\nw8 4 0 0 9.7\n' > %t/close.txt
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="scheme=auto:w8,w4g32 timer=table costs=%t/close.txt quiet" | FileCheck %s --check-prefix=CLOSE
// A candidate the table has no time for is listed, not dropped; +i8act
// forms are candidates of their own.
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --qf-autoquant="scheme=auto:w4g32,w4g128 timer=table costs=%t/costs.txt plan=%t/missing.txt quiet" > /dev/null
// RUN: FileCheck %s --check-prefix=MISSING < %t/missing.txt

// ANNOTATE: linalg.matmul {{.*}}qf.autoquant = {scheme = "w4g32"}
// ANNOTATE: linalg.matmul {{.*}}qf.autoquant = {scheme = "w8"}

// PLAN: # autoquant plan for target
// PLAN: # timer: table; guard: weights only, min SQNR 15.0 dB
// PLAN: # fc1 [64 x 128], M 4:1: fastest passing the guard (5.0 us)
// PLAN-NEXT: #   w8: SQNR {{[3-5][0-9]\.[0-9]}} dB, 10.0 us table, model
// PLAN-NEXT: #   w8+i8act: model {{.*}}; excluded: rounds activations: needs calibration data
// PLAN-NEXT: #   w4g32: SQNR {{[1-2][0-9]\.[0-9]}} dB, 5.0 us table, model
// PLAN-NEXT: fc1 w4g32{{$}}
// PLAN: # fc2 [16 x 64], M 4:1: fastest passing the guard (5.0 us)
// PLAN: fc2 w8{{$}}

// REPORT: "guard": "weights only",
// REPORT: "layers": [
// REPORT: "name": "fc1",
// REPORT: "chosen": "w4g32",
// REPORT: "candidate": "w8",
// REPORT-NEXT: "sqnr_db":
// REPORT: "seconds": {{[0-9.]+e-0[56]}},
// REPORT-NEXT: "source": "table",

// QUANT: qf.matmul {{.*}}#qf.scheme<"w4g32">
// QUANT: qf.matmul {{.*}}#qf.scheme<"w8">
// QUANT-NOT: qf.autoquant

// CLOSE: qf.autoquant = {scheme = "w4g32"}
// CLOSE: qf.autoquant = {scheme = "w4g32"}

// MISSING: #   w4g128: SQNR {{.*}}; excluded: no time: no entry in the cost table
// MISSING: fc1 w4g32
