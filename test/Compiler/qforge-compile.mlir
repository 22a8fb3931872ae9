// REQUIRES: onnx
// qforge-compile end to end at the command line: the files, the header, the
// report, the --emit stages, and errors that leave nothing behind.
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-compile %s --scheme w4g2 --sensitive-layers=quantize -o %t/out | FileCheck %s --check-prefix=TABLE
// RUN: ls %t/out | FileCheck %s --check-prefix=FILES
// RUN: FileCheck %s --check-prefix=HEADER < %t/out/mlp.h
// RUN: FileCheck %s --check-prefix=JSON < %t/out/report.json
// RUN: FileCheck %s --check-prefix=SVG < %t/out/report.svg
// Deterministic: the same inputs give the same bytes.
// RUN: qforge-compile %s --scheme w4g2 --sensitive-layers=quantize -o %t/again --quiet
// RUN: cmp %t/out/mlp.so %t/again/mlp.so
// RUN: cmp %t/out/report.json %t/again/report.json
// RUN: qforge-compile %s --scheme w8 --name tiny -o %t/out2 --quiet
// RUN: ls %t/out2 | FileCheck %s --check-prefix=NAMED
// RUN: qforge-compile %s --scheme w8 --emit=mlir -o %t/mlir --quiet
// RUN: FileCheck %s --check-prefix=EMIT-MLIR < %t/mlir/mlp.mlir
// RUN: qforge-compile %s --scheme w8 --emit=llvm -o %t/llvm --quiet
// RUN: FileCheck %s --check-prefix=EMIT-LLVM < %t/llvm/mlp.ll
// RUN: qforge-compile %s --emit=obj -o %t/obj --quiet
// RUN: ls %t/obj | FileCheck %s --check-prefix=EMIT-OBJ
// RUN: qforge-compile %s --scheme w8 --target=aarch64+neon+dotprod --emit=obj -o %t/arm --quiet
// RUN: llvm-objdump -f %t/arm/mlp.o | FileCheck %s --check-prefix=ARM
// Errors: a message, exit 1, and no file in OUTDIR.
// RUN: not qforge-compile %s --scheme w5 -o %t/err1 2>&1 | FileCheck %s --check-prefix=BAD-SCHEME
// RUN: test ! -e %t/err1
// RUN: not qforge-compile %s --target=riscv -o %t/err2 2>&1 | FileCheck %s --check-prefix=BAD-TARGET
// RUN: not qforge-compile %t/missing.mlir -o %t/err3 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qforge-compile %s --entry=nope -o %t/err4 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not qforge-compile %s --scheme w8 --target=aarch64 -o %t/err5 2>&1 | FileCheck %s --check-prefix=CROSS
// RUN: ls -A %t/err5 | count 0

// w4g2 is not packed by the kernels (group 2): codes one per byte + scales.
// TABLE: layer  scheme        algorithm   bytes before   bytes after   ratio
// TABLE-NEXT: fc1    w4g2          rtn                   48            36   1.33x
// TABLE-NEXT: total                                      48            36   1.33x
// FILES: mlp.h
// FILES-NEXT: mlp.manifest
// FILES-NEXT: mlp.so
// FILES-NEXT: report.json
// FILES-NEXT: report.svg
// SVG: <svg xmlns="http://www.w3.org/2000/svg"
// SVG: <text x="8" y="{{[0-9]+}}">fc1 (w4g2)</text>
// SVG: 36 B, 1.33x</text>
// HEADER: 0: x f32[2x4]
// HEADER: 0: y f32[2x3]
// HEADER: void qforge_entry(void **args);
// HEADER: extern const char qforge_model_info[];
// JSON: "layers": [
// JSON: "algorithm": "rtn",
// JSON-NEXT: "int8_activations": false,
// JSON-NEXT: "kind": "matmul",
// JSON-NEXT: "name": "fc1",
// JSON-NEXT: "scheme": "w4g2",
// JSON-NEXT: "weight_bytes_after": 36,
// JSON-NEXT: "weight_bytes_before": 48
// JSON: "name": "mlp",
// NAMED: tiny.h
// NAMED-NEXT: tiny.manifest
// NAMED-NEXT: tiny.so
// EMIT-MLIR: qf.matmul #qf.scheme<"w8">
// EMIT-LLVM: @qforge_model_info = {{.*}}constant {{.*}} c"qforge-artifact 1\0Aname mlp\0Ainput x f32 2 2 4\0Aoutput y f32 2 2 3\0A\00"
// EMIT-LLVM: define void @qforge_entry(ptr
// EMIT-OBJ: mlp.o
// ARM: file format elf64-littleaarch64
// BAD-SCHEME: error: qf-quantize: invalid scheme 'w5'
// BAD-TARGET: error: invalid target 'riscv': unknown architecture 'riscv'
// MISSING: error: {{.*}}missing.mlir
// ENTRY: error: no function named 'nope' in the module
// CROSS: error: linking a shared library for 'aarch64-unknown-linux-gnu' is not supported here; use --emit=obj

func.func @mlp(%x: tensor<2x4xf32> {qf.name = "x"}) -> (tensor<2x3xf32> {qf.name = "y"}) {
  %w = arith.constant dense<[[1.0, 0.5, -1.0], [2.0, 0.0, 0.25], [-0.5, 1.5, 3.0], [0.1, -2.0, 1.0]]> : tensor<4x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32> loc("fc1")
  return %y : tensor<2x3xf32>
}

// ONNX models go through the importer first; their dynamic batch dimension
// keeps its dim_param name.
// RUN: %python %S/../Import/Inputs/onnx_models.py mlp %t/mlp.onnx
// RUN: qforge-compile %t/mlp.onnx --scheme w8 -o %t/onnx --quiet
// RUN: FileCheck %s --check-prefix=ONNX < %t/onnx/main.h
// ONNX: 0: x f32[?batchx64]
// ONNX: 0: y f32[?batchx10]
// RUN: not qforge-compile %t/missing.onnx -o %t/onnx2 2>&1 | FileCheck %s --check-prefix=ONNX-MISSING
// ONNX-MISSING: {{.*}}missing.onnx
