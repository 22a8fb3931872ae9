// Dynamic dimensions in artifacts: named in the signature (?NAME), output
// dimensions derived from the inputs', --shape to specialise, and an output
// that cannot be derived is refused with a hint. (Runs with batch 1, 3, 17
// against onnxruntime: python/tests/test_compile_onnx.py.)
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-compile %s --scheme w8 -o %t/out --quiet
// RUN: FileCheck %s --check-prefix=HEADER < %t/out/dyn.h
// RUN: FileCheck %s --check-prefix=JSON < %t/out/report.json
// RUN: qforge-compile %s --scheme w8 --emit=llvm -o %t/llvm --quiet
// RUN: FileCheck %s --check-prefix=INFO < %t/llvm/dyn.ll
// RUN: qforge-compile %s --scheme w8 --shape x=5x4 -o %t/static --quiet
// RUN: FileCheck %s --check-prefix=STATIC < %t/static/dyn.h
// --shape is a pass of the one pipeline (qf-specialize-input-shapes), so
// qforge-opt replays it.
// RUN: qforge-compile %s --scheme w8 --shape x=5x4 --target=x86_64:znver3 --print-pipeline > %t/static.txt
// RUN: FileCheck %s --check-prefix=PIPELINE --input-file=%t/static.txt
// RUN: qforge-compile %s --scheme w8 --shape x=5x4 --target=x86_64:znver3 --emit=llvm-mlir -o %t/static-mlir --quiet
// RUN: %python %S/Inputs/replay_pipeline.py qforge-opt %t/static.txt %s %t/replayed.mlir
// RUN: diff %t/replayed.mlir %t/static-mlir/dyn.llvm.mlir
// RUN: qforge-compile %s --scheme w4g2 --sensitive-layers=quantize --lowering=reference -o %t/ref --quiet
// RUN: FileCheck %s --check-prefix=HEADER < %t/ref/dyn.h
// RUN: not qforge-compile %s --shape x=5 -o %t/err1 2>&1 | FileCheck %s --check-prefix=RANK
// RUN: not qforge-compile %s --shape q=1x4 -o %t/err2 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not qforge-compile %s --shape x=5xa -o %t/err3 2>&1 | FileCheck %s --check-prefix=PARSE
// RUN: not qforge-compile %S/Inputs/data-dependent.mlir -o %t/err4 2>&1 | FileCheck %s --check-prefix=UNDERIVED
// RUN: test ! -e %t/err1 && test ! -e %t/err2 && test ! -e %t/err3 && test ! -e %t/err4/datadep.so

// HEADER: 0: x f32[?x.0x4]
// HEADER: 0: y f32[?x.0x3]
// HEADER: A dimension ?NAME is dynamic
// JSON: "inputs": [
// JSON-NEXT: {
// JSON-NEXT: "dim_names": [
// JSON-NEXT: "x.0",
// JSON-NEXT: ""
// JSON: "shape": [
// JSON-NEXT: -1,
// JSON-NEXT: 4
// INFO: @qforge_model_info = {{.*}}c"qforge-artifact 2\0Aname dyn\0Ainput x f32 2 ?x.0 4\0Aoutput y f32 2 ?x.0 3\0A\00"
// STATIC: 0: x f32[5x4]
// STATIC: 0: y f32[5x3]
// PIPELINE: qf-specialize-input-shapes{entry=dyn shapes={x=5x4}},canonicalize{{.*}},qf-quantize
// RANK: error: --shape x=...: input 'x' has shape [?, 4], got [5] (the rank and the static dimensions must match)
// NAME: error: --shape q=...: the model has no input named 'q' (inputs: x)
// PARSE: error: --shape 'x=5xa': 'a' is not a dimension size (a non-negative integer)
// UNDERIVED: error: output 'y' (tensor<?xf32>): dimension 0 is dynamic and cannot be derived from the inputs' dimensions; give the inputs static shapes with --shape NAME=D0xD1x...

func.func @dyn(%x: tensor<?x4xf32> {qf.name = "x"}) -> (tensor<?x3xf32> {qf.name = "y"}) {
  %c0 = arith.constant 0 : index
  %w = arith.constant dense<[[1.0, 0.5, -1.0], [2.0, 0.0, 0.25], [-0.5, 1.5, 3.0], [0.1, -2.0, 1.0]]> : tensor<4x3xf32>
  %z = arith.constant 0.0 : f32
  %d = tensor.dim %x, %c0 : tensor<?x4xf32>
  %e = tensor.empty(%d) : tensor<?x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<?x3xf32>) -> tensor<?x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<?x4xf32>, tensor<4x3xf32>) outs(%f : tensor<?x3xf32>) -> tensor<?x3xf32> loc("fc1")
  return %y : tensor<?x3xf32>
}
