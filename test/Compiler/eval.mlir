// REQUIRES: onnx
// qforge-compile --eval: the report's errors measured on held-out samples
// instead of the calibration ones. GPTQ fits the few rows it calibrated on
// (4 samples x 4 rows = 16 rows for K = 128): on them its error looks small,
// on held-out samples it is several times larger, and the report says which
// samples its numbers come from.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; rng = np.random.default_rng(7); x = rng.standard_normal((20, 4, 128)).astype(np.float32); x[:, :, [3, 77]] *= 10.0; np.savez(r'%t/calib.npz', x=x[:4]); np.savez(r'%t/held.npz', x=x[4:]); np.savez(r'%t/wrong.npz', x=x[4:, :, :64])"
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/calib.npz --scheme w4g32 --sensitive-layers=quantize --algorithm gptq -o %t/self --quiet
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/calib.npz --eval %t/calib.npz --scheme w4g32 --sensitive-layers=quantize --algorithm gptq -o %t/same --quiet
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/calib.npz --eval %t/held.npz --scheme w4g32 --sensitive-layers=quantize --algorithm gptq -o %t/held | FileCheck %s --check-prefix=TABLE
// RUN: FileCheck %s --check-prefix=JSON < %t/held/report.json
// RUN: FileCheck %s --check-prefix=SVG < %t/held/report.svg
// The same artifact whatever the evaluation; the same errors on the same
// samples; larger ones on held-out samples.
// RUN: cmp %t/self/mlp.so %t/held/mlp.so
// RUN: %python -c "import json; l = lambda d: json.load(open(r'%t/' + d + '/report.json')); s, same, h = l('self'), l('same'), l('held'); e = lambda r: [x['rel_error'] for x in r['layers']] + [o['rel_error'] for o in r['output_errors']]; assert e(s) == e(same), (e(s), e(same)); assert all(b > 2 * a for a, b in zip(e(s), e(h))), (e(s), e(h)); assert s['evaluation_data'] == 'calibration' and same['evaluation_data'] == 'held_out'; print('ok', len(e(h)))" | FileCheck %s --check-prefix=CMP
// Errors: --eval without --calib; samples that do not fit the inputs.
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --eval %t/held.npz --scheme w8 -o %t/err1 2>&1 | FileCheck %s --check-prefix=NOCALIB
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --calib %t/calib.npz --eval %t/wrong.npz --scheme w8 -o %t/err2 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: test ! -e %t/err1/mlp.so && test ! -e %t/err2/mlp.so

// TABLE: output y: relative error {{[0-9]\.[0-9][0-9]e-0[1-3]}} on 16 held-out samples (--eval)
// JSON: "calibration_samples": 4,
// JSON-NEXT: "evaluation_data": "held_out",
// JSON-NEXT: "evaluation_samples": 16,
// SVG: relative output error on the held-out samples</text>
// CMP: ok 3
// NOCALIB: error: --eval measures the report's errors against the float model, which runs with --calib: give --calib too
// SHAPE: error: {{.*}}wrong.npz: array 'x' has shape [16, 4, 64]
