// Weights of 64 KiB and more reach the JIT as memory, not as LLVM constants
// (--qf-externalize-constants; docs/CALIBRATION.md): statistics and the
// comparison against a quantized model must be what numpy computes on the
// same weights. fc1's weight is 512 x 128 f32 (256 KiB; 64 KiB as int8
// codes in the quantized model), fc2's stays an LLVM constant.

// RUN: %python %S/Inputs/mlp_tool.py gen-model %t.mlir --in 128 --hidden 512 --out 3 --seed 5
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t.npz --shape 4x128 --count 6 --seed 2
// RUN: qforge-calibrate %t.mlir --inputs %t.npz -o %t.st | FileCheck %s
// RUN: %python %S/Inputs/mlp_tool.py check-stats %t.mlir %t.npz %t.st | FileCheck %s --check-prefix=OK
// RUN: %python %S/Inputs/mlp_tool.py quantize %t.mlir %t.w8.mlir --mode qfmatmul
// RUN: qforge-calibrate %t.mlir --inputs %t.npz --compare %t.w8.mlir --json %t.w8.json
// RUN: %python %S/Inputs/mlp_tool.py check-compare %t.mlir %t.npz %t.w8.json --mode qfmatmul | FileCheck %s --check-prefix=OK

// CHECK: fc1.input 128 24
// CHECK: fc2.input 512 24
// OK: ok
