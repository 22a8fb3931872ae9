// --compare: the MLP in Inputs/mlp.mlir against hand-quantized versions of
// it (int8 per-channel weights, round to nearest), with the per-output and
// per-layer relative error and SQNR recomputed by numpy (mlp_tool.py).

// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t.npz --shape 4x8 --count 12 --seed 4
// RUN: %python %S/Inputs/mlp_tool.py quantize %S/Inputs/mlp.mlir %t.w8.mlir --mode qfmatmul
// RUN: %python %S/Inputs/mlp_tool.py quantize %S/Inputs/mlp.mlir %t.fq.mlir --mode fakequant

// qf.matmul #qf.scheme<"w8"> {qf.algorithm = "rtn"}: the table and the JSON.
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npz --compare %t.w8.mlir --json %t.w8.json | FileCheck %s --check-prefix=TABLE
// RUN: %python %S/Inputs/mlp_tool.py check-compare %S/Inputs/mlp.mlir %t.npz %t.w8.json --mode qfmatmul | FileCheck %s --check-prefix=OK
// RUN: FileCheck %s --check-prefix=JSON < %t.w8.json
// TABLE: output rel_error sqnr_db
// TABLE-NEXT: 0 {{[0-9.]+e-0[23]}} {{[0-9]+\.[0-9]+}}
// TABLE: layer scheme algorithm rel_error sqnr_db
// TABLE-NEXT: fc1 w8 rtn {{[0-9.]+e-0[23]}} {{[0-9]+\.[0-9]+}}
// TABLE-NEXT: fc2 w8 rtn {{[0-9.]+e-0[23]}} {{[0-9]+\.[0-9]+}}
// OK: compare ok
// The documented layout, keys in this order.
// JSON:      {
// JSON-NEXT:   "outputs": [
// JSON-NEXT:     {
// JSON-NEXT:       "index": 0,
// JSON-NEXT:       "rel_error": {{[0-9.e-]+}},
// JSON-NEXT:       "sqnr_db": {{[0-9.]+}}
// JSON-NEXT:     }
// JSON-NEXT:   ],
// JSON-NEXT:   "layers": [
// JSON-NEXT:     {
// JSON-NEXT:       "name": "fc1",
// JSON-NEXT:       "scheme": "w8",
// JSON-NEXT:       "algorithm": "rtn",
// JSON-NEXT:       "rel_error": {{[0-9.e-]+}},
// JSON-NEXT:       "sqnr_db": {{[0-9.]+}}
// JSON-NEXT:     },
// JSON-NEXT:     {
// JSON-NEXT:       "name": "fc2",

// Weights fake-quantized with qf.quantize / qf.dequantize feeding float
// matmuls: same numbers, scheme "f32" (the layers are float ops), no algorithm.
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npz --compare %t.fq.mlir --json %t.fq.json
// RUN: %python %S/Inputs/mlp_tool.py check-compare %S/Inputs/mlp.mlir %t.npz %t.fq.json --mode fakequant | FileCheck %s --check-prefix=OK

// A model against itself: zero error, SQNR infinite (null in JSON).
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npz --compare %S/Inputs/mlp.mlir --json %t.self.json | FileCheck %s --check-prefix=SELF
// RUN: FileCheck %s --check-prefix=SELFJSON < %t.self.json
// SELF: 0 0.0000e+00 inf
// SELF: fc1 f32 - 0.0000e+00 inf
// SELFJSON: "rel_error": 0,
// SELFJSON-NEXT: "sqnr_db": null

// Statistics can be written in the same run (-o): those of MODEL.
// RUN: qforge-calibrate %S/Inputs/mlp.mlir --inputs %t.npz --compare %t.w8.mlir -o %t.st > /dev/null
// RUN: qforge-calibrate --dump %t.st | FileCheck %s --check-prefix=STATS
// STATS: ids: 4
// STATS: fc1.input: {{.*}} count 48 {{.*}} xtx yes
// STATS: fc1.output: {{.*}} xtx no
