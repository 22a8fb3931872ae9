// REQUIRES: onnx
// SmoothQuant on a calibration set in which some input channels never fire
// (issue 18): the paper's s = max|x|^a / max|w|^(1-a) would divide those
// channels by 1e-5, and on held-out inputs where they do fire they swamp
// every row's int8 scale (relative error about 1). The activation floor
// keeps its held-out error near plain a8w8's; the per-layer check on the
// calibration rows leaves a layer it does not help at round-to-nearest.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/Inputs/onnx_models.py mlp %t/mlp.onnx
// RUN: %python %S/Inputs/smoothquant_held_out.py make %t
// RUN: qforge-compile %t/mlp.onnx --scheme a8w8 --algorithm smoothquant --calib %t/calib.npz --eval %t/held.npz -o %t/smooth --quiet
// RUN: qforge-compile %t/mlp.onnx --scheme a8w8 --calib %t/calib.npz --eval %t/held.npz -o %t/plain --quiet
// RUN: %python %S/Inputs/smoothquant_held_out.py check %t/smooth/report.json %t/plain/report.json | FileCheck %s
// RUN: FileCheck %s --check-prefix=LAYERS < %t/smooth/report.json

// CHECK: ok: held-out output error: smoothquant

// Every layer says which algorithm quantized it: smoothquant where the
// check kept the smoothing, rtn where it did not (fc3, whose input is a
// tanh: no outlier channels).
// LAYERS: "algorithm": "smoothquant",
// LAYERS-NEXT: "int8_activations": true,
// LAYERS-NEXT: "kind": "matmul",
// LAYERS-NEXT: "name": "fc1",
// LAYERS: "algorithm": "smoothquant",
// LAYERS-NEXT: "int8_activations": true,
// LAYERS-NEXT: "kind": "matmul",
// LAYERS-NEXT: "name": "fc2",
// LAYERS: "algorithm": "rtn",
// LAYERS-NEXT: "int8_activations": true,
// LAYERS-NEXT: "kind": "matmul",
// LAYERS-NEXT: "name": "fc3",
