// The README's example end to end: the float MLP (examples/mlp.mlir) is
// quantized by --qf-quantize under each scheme (layers fc1/fc2; ref1/ref2
// stay float), run through the reference pipeline, and its relative output
// error ||y - ref|| / ||ref|| must stay within the scheme's documented bound
// (docs/QUANTIZE.md). Zero error would mean nothing was quantized, and also
// fails these patterns.
// DEFINE: %{run} = mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=w8 skip=ref*" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=W8
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=w4g32 skip=ref* sensitive-layers=quantize" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=W4
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=w4g32asym skip=ref* sensitive-layers=quantize" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=W4
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=w4g32asym algorithm=hqq skip=ref* sensitive-layers=quantize" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=W4
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=nf4g64 skip=ref* sensitive-layers=quantize" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=W4
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=nf4g64-bf16-dq skip=ref* sensitive-layers=quantize" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=W4
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=fp4g32 skip=ref* sensitive-layers=quantize" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=W4
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=fp8 skip=ref*" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=FP8
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=a8w8 skip=ref*" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=FP8
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=w2g32asym skip=ref* sensitive-layers=quantize" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=W2
// Leaving everything in float gives exactly 0.
// RUN: qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=f32" --qf-reference-to-llvm | %{run} | FileCheck %s --check-prefix=F32

// The output first (4 tokens x 16), then the error.
// W8: sizes = [4, 16]
// W8: sizes = [1]
// W8-NEXT: {{^}}[0.0{{[01][0-9]*}}]
// W4: sizes = [1]
// W4-NEXT: {{^}}[0.{{[01][0-9]*}}]
// FP8: sizes = [1]
// FP8-NEXT: {{^}}[0.0{{[0-4][0-9]*}}]
// W2: sizes = [1]
// W2-NEXT: {{^}}[0.{{[0-9]+}}]
// F32: sizes = [1]
// F32-NEXT: {{^}}[0]
