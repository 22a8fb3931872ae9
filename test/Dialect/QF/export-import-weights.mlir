// Quantized weights exported with --qf-export-weights and imported into the
// float model with --qf-import-weights give back the same module, byte for
// byte, for each family of schemes and algorithms.
// RUN: qforge-opt %S/../../../examples/mlp.mlir --qf-quantize="scheme=w4g32asym algorithm=hqq skip=ref* sensitive-layers=quantize" --qf-export-weights=%t.hqq.st -o %t.q1.mlir
// RUN: qforge-opt %S/../../../examples/mlp.mlir --qf-import-weights=%t.hqq.st -o %t.i1.mlir
// RUN: diff %t.q1.mlir %t.i1.mlir
// RUN: qforge-opt %S/../../../examples/mlp.mlir --qf-quantize="scheme=nf4g64-bf16 skip=ref* sensitive-layers=quantize" --qf-export-weights="file=%t.nf4.st" -o %t.q2.mlir
// RUN: qforge-opt %S/../../../examples/mlp.mlir --qf-import-weights="file=%t.nf4.st" -o %t.i2.mlir
// RUN: diff %t.q2.mlir %t.i2.mlir
// RUN: qforge-opt %S/../../../examples/mlp.mlir --qf-quantize="scheme=fp8 layers=fc1" --qf-export-weights=%t.fp8.st -o %t.q3.mlir
// RUN: qforge-opt %S/../../../examples/mlp.mlir --qf-import-weights=%t.fp8.st -o %t.i3.mlir
// RUN: diff %t.q3.mlir %t.i3.mlir
// The quantization map names each layer's scheme, algorithm and storage.
// RUN: FileCheck %s --check-prefix=MAP < %t.hqq.st
// MAP: "quantization_map":"{\"fc1\":{\"algorithm\":\"hqq\",\"scheme\":\"w4g32asym\",\"storage\":\"ui4\"},\"fc2\":{{.*}}}"
// Errors: a file that is not one, a layer the model lacks, a shape mismatch.
// RUN: not qforge-opt %s --qf-import-weights=%t.missing 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qforge-opt %s --qf-import-weights=%t.hqq.st 2>&1 | FileCheck %s --check-prefix=NOLAYER
// RUN: not qforge-opt %s --qf-export-weights 2>&1 | FileCheck %s --check-prefix=NOFILE
// MISSING: error: qf-import-weights: {{.*}}missing
// NOLAYER: error: qf-import-weights: layer 'fc1' of '{{.*}}' is not a matmul with a constant weight in this module
// NOFILE: error: qf-export-weights: no file given

func.func @other(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  return %x : tensor<2x4xf32>
}
