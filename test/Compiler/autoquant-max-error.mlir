// REQUIRES: onnx
// qforge-compile --scheme auto --autoquant-max-error: the plan's output
// error on the calibration samples is held under the budget by reverting
// layers greedily (most noise per time saved first); the plan file replays
// the final choice; a budget no candidate can meet and missing calibration
// data are clear errors.
//
// Cost table: w4g32 is the fastest everywhere; fc2's w8 costs only 1 us
// more (fc1's 5 us), so fc2 is reverted first. Uniform w4g32 has an output
// error of about 0.13 on these samples, fc2 alone at w8 about 0.09, both at
// w8 about 0.008.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; rng = np.random.default_rng(1); np.savez(r'%t/samples.npz', x=rng.standard_normal((8, 4, 128)).astype(np.float32))"
// RUN: printf 'w4g32 4 64 128 5\nw8 4 64 128 10\nf32 4 64 128 40\nw4g32 4 16 64 5\nw8 4 16 64 6\nf32 4 16 64 20\n' > %t/costs.txt
//
// Within the budget as planned: nothing reverted.
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme auto:f32,w8,w4g32 --autoquant-timer=table --autoquant-costs=%t/costs.txt --autoquant-max-error=0.5 -o %t/loose --quiet
// RUN: FileCheck %s --check-prefix=LOOSE < %t/loose/report.json
//
// One revert (fc2), then two (fc2, then fc1).
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme auto:f32,w8,w4g32 --autoquant-timer=table --autoquant-costs=%t/costs.txt --autoquant-max-error=0.11 -o %t/one 2>%t/one.err | FileCheck %s --check-prefix=ONE
// RUN: FileCheck %s --check-prefix=ONE-PROGRESS < %t/one.err
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme auto:f32,w8,w4g32 --autoquant-timer=table --autoquant-costs=%t/costs.txt --autoquant-max-error=0.05 --autoquant-plan=%t/plan.txt -o %t/two | FileCheck %s --check-prefix=TWO
// RUN: FileCheck %s --check-prefix=TWO-JSON < %t/two/report.json
// RUN: FileCheck %s --check-prefix=PLAN < %t/plan.txt
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --scheme-file %t/plan.txt -o %t/replay --quiet
// RUN: cmp %t/two/mlp.so %t/replay/mlp.so
//
// Down to f32 where w8 is not enough.
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme auto:f32,w8,w4g32 --autoquant-timer=table --autoquant-costs=%t/costs.txt --autoquant-max-error=0.0001 -o %t/exact --quiet
// RUN: FileCheck %s --check-prefix=EXACT < %t/exact/report.json
//
// With --autoquant-verify, uniform schemes over the budget are not compared.
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme auto:f32,w8,w4g32 --autoquant-timer=table --autoquant-costs=%t/costs.txt --autoquant-max-error=0.05 --autoquant-verify -o %t/verify | FileCheck %s --check-prefix=VERIFY
//
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme auto:w8,w4g32 --autoquant-timer=table --autoquant-costs=%t/costs.txt --autoquant-max-error=0.0001 -o %t/bad 2>&1 | FileCheck %s --check-prefix=UNREACHABLE
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --scheme auto:w8,w4g32 --autoquant-timer=model --autoquant-max-error=0.05 -o %t/bad 2>&1 | FileCheck %s --check-prefix=NOCALIB
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme auto:w8,w4g32 --autoquant-timer=model --autoquant-max-error=-1 -o %t/bad 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme auto:w8,w4g32 --autoquant-timer=model --autoquant-max-error=nan -o %t/bad 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not ls %t/bad

// LOOSE: "chosen": "w4g32"
// LOOSE: "chosen": "w4g32"
// LOOSE: "max_error": 0.5
// LOOSE: "reverts": []

// ONE: fc1    w4g32
// ONE: fc2    w8
// ONE: fc2 [16x64, M 4:1]: w8  (reverted from w4g32 by --autoquant-max-error (the plan's output error was 0.13{{[0-9]*}}))
// ONE: max output error 0.11: the plan's is 0.0{{[0-9]+}} after 1 revert(s)
// ONE-NEXT: reverted fc2: w4g32 -> w8 (output error 0.13{{[0-9]*}})
// ONE-PROGRESS: autoquant max-error: output error 0.13{{[0-9]*}} > 0.11: reverting fc2 from w4g32 to w8
// ONE-PROGRESS-NEXT: autoquant max-error: output error 0.0{{[0-9]+}} is within 0.11 after 1 revert(s)

// TWO: fc1    w8
// TWO: fc2    w8
// TWO: output y: relative error {{[0-9.]+}}e-03
// TWO: max output error 0.05: the plan's is 0.00{{[0-9]+}} after 2 revert(s)
// TWO-NEXT: reverted fc2: w4g32 -> w8
// TWO-NEXT: reverted fc1: w4g32 -> w8
// TWO-JSON: "max_error": 0.05
// TWO-JSON: "output_error": 0.00
// TWO-JSON: "reverts": [
// TWO-JSON: "from": "w4g32",
// TWO-JSON-NEXT: "layer": "fc2",
// TWO-JSON: "to": "w8"
// TWO-JSON: "layer": "fc1",
// PLAN: # max output error 0.05: the plan's is 0.00{{[0-9]+}} after 2 revert(s)
// PLAN-NEXT: #   reverted fc2: w4g32 -> w8
// PLAN-NEXT: #   reverted fc1: w4g32 -> w8
// PLAN: fc1 w8
// PLAN: fc2 w8

// EXACT: "chosen": "f32"
// EXACT: "chosen": "f32"
// EXACT: "output_error": 0,

// VERIFY: not compared: w4g32: output error 0.13{{[0-9]*}} is over --autoquant-max-error

// UNREACHABLE: error: no plan of these candidates meets --autoquant-max-error=0.0001: with every layer at its most accurate candidate that passes the guard, the output error is 0.00{{[0-9]+}}
// NOCALIB: error: --autoquant-max-error measures the model's outputs on calibration samples: give --calib
// NEGATIVE: error: --autoquant-max-error must be a positive number
