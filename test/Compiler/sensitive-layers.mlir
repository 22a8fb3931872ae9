// REQUIRES: onnx
// qforge-compile with a scheme narrower than 8 bits: the first and last
// layers keep int8 weights by default and the report says why (JSON and
// table); --sensitive-min-sqnr checks every other layer on the calibration
// rows; --sensitive-layers=quantize gives every layer the scheme. Numbers:
// the compiled CNN against ONNX Runtime at each setting.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/Inputs/onnx_models.py cnn %t/cnn.onnx
// RUN: %python -c "import numpy as np; np.savez('%t/calib.npz', x=np.random.default_rng(0).standard_normal((8, 2, 3, 16, 16), dtype=np.float32))"
// RUN: qforge-compile %t/cnn.onnx --scheme w4g32 -o %t/keep | FileCheck %s --check-prefix=TABLE
// RUN: FileCheck %s --check-prefix=KEEP < %t/keep/report.json
// RUN: qforge-compile %t/cnn.onnx --scheme w4g32 --calib %t/calib.npz --sensitive-min-sqnr=60 -o %t/floor --quiet
// RUN: FileCheck %s --check-prefix=FLOOR < %t/floor/report.json
// RUN: qforge-compile %t/cnn.onnx --scheme w4g32 --sensitive-layers=quantize -o %t/all --quiet
// RUN: FileCheck %s --check-prefix=ALL < %t/all/report.json
// RUN: %python %S/Inputs/sensitive_layers.py make %t
// RUN: qforge-run %t/keep/main.so --input %t/x.npy --output %t/keep.npy
// RUN: qforge-run %t/all/main.so --input %t/x.npy --output %t/all.npy
// RUN: %python %S/Inputs/sensitive_layers.py check %t/cnn.onnx %t %t/keep.npy %t/all.npy | FileCheck %s --check-prefix=NUMBERS
// RUN: not qforge-compile %t/cnn.onnx --scheme w4g32 --sensitive-layers=never -o %t/bad 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not qforge-compile %t/cnn.onnx --scheme w4g32 --sensitive-min-sqnr=inf -o %t/bad 2>&1 | FileCheck %s --check-prefix=BADSQNR
// RUN: not ls %t/bad

// TABLE: 2 layers keep a wider scheme than asked (--sensitive-layers=quantize gives every layer the scheme):
// TABLE-NEXT: conv1: w8 instead of w4g32: first layer: it reads the model's inputs, every later layer sees its error
// TABLE-NEXT: fc: w8 instead of w4g32: last layer: its error reaches the model's outputs undiluted

// KEEP: "kept_wider": "first layer: it reads the model's inputs, every later layer sees its error",
// KEEP-NEXT: "kind": "conv",
// KEEP-NEXT: "name": "conv1",
// KEEP-NEXT: "scheme": "w8",
// KEEP-NEXT: "scheme_requested": "w4g32",
// KEEP: "name": "conv3",
// KEEP-NEXT: "scheme": "w4g32",
// KEEP-NOT: "scheme_requested"
// KEEP: "kept_wider": "last layer: its error reaches the model's outputs undiluted",
// KEEP-NEXT: "kind": "matmul",
// KEEP-NEXT: "name": "fc",
// KEEP-NEXT: "scheme": "w8",
// KEEP-NEXT: "scheme_requested": "w4g32",

// FLOOR: "kept_wider": "SQNR {{[0-9]+\.[0-9]}} dB on the calibration rows is below sensitive-min-sqnr = 60.0 dB",
// FLOOR-NEXT: "kind": "conv",
// FLOOR-NEXT: "name": "conv3",
// FLOOR-NEXT: "rel_error":
// FLOOR-NEXT: "scheme": "w8",
// FLOOR-NEXT: "scheme_requested": "w4g32",

// ALL-NOT: "kept_wider"
// ALL: "name": "conv1",
// ALL-NEXT: "scheme": "w4g32",
// ALL: "name": "conv3",
// ALL-NEXT: "scheme": "w4g32",
// ALL: "name": "fc",
// ALL-NEXT: "scheme": "w4g32",
// ALL-NOT: "kept_wider"

// NUMBERS: ok: relative error against onnxruntime: sensitive layers kept

// BAD: error: --sensitive-layers=never is not one of keep, quantize
// BADSQNR: error: --sensitive-min-sqnr must be a number of dB
