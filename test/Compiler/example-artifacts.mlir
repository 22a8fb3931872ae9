// The README's main job in miniature: the bundled MLP compiled to shared
// libraries in float and under w8 / a8w8, run through the C runtime on the
// bundled input; the quantized outputs stay within the schemes' error bounds.
// RUN: rm -rf %t && qforge-compile %S/../../examples/mlp_model.mlir -o %t/f32 --quiet
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --scheme w8 -o %t/w8 --quiet
// RUN: run_mlp %t/f32/mlp.so %t/w8/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=W8
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --scheme a8w8 -o %t/a8w8 --quiet
// RUN: run_mlp %t/f32/mlp.so %t/a8w8/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=A8
// The float artifact against itself: exactly 0.
// RUN: run_mlp %t/f32/mlp.so %t/f32/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=SAME
// A missing input file is an error.
// RUN: not run_mlp %t/f32/mlp.so %t/w8/mlp.so %t/missing.bin 2>&1 | FileCheck %s --check-prefix=MISSING

// W8: relative error 0.00{{[0-9]+}}
// A8: relative error 0.0{{[0-4][0-9]+}}
// SAME: relative error 0.0000
// MISSING: run_mlp: cannot read 512 floats from '{{.*}}missing.bin'
