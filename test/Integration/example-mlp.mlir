// The README's example: the bundled MLP under w8, w4g16 and a8w8 stays close
// to the float model. Each scheme prints its output, then its max |error|.
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-reference-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %S/example-mlp.mlir

// Float reference first (4 rows of 8).
// CHECK: rank = 2 offset = 0 sizes = [4, 8]
// w8: max |error| below 0.01.
// CHECK: rank = 2 offset = 0 sizes = [4, 8]
// CHECK: rank = 0
// CHECK-NEXT: {{^}}[0.00{{[0-9]+}}]
// w4g16: below 0.2.
// CHECK: rank = 2 offset = 0 sizes = [4, 8]
// CHECK: rank = 0
// CHECK-NEXT: {{^}}[0.{{[01][0-9]+}}]
// a8w8: below 0.02.
// CHECK: rank = 2 offset = 0 sizes = [4, 8]
// CHECK: rank = 0
// CHECK-NEXT: {{^}}[0.0{{[01][0-9]+}}]
