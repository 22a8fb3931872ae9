// REQUIRES: onnx
// qforge-compile --only: the scheme for MatMul/Gemm layers alone
// (convolutions stay float, ONNX Runtime's MatMulNBits mode) or for
// convolutions alone; report.json names each layer's kind.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/Inputs/onnx_models.py cnn %t/cnn.onnx
// RUN: qforge-compile %t/cnn.onnx --scheme w8 --only matmul -o %t/matmul --quiet
// RUN: FileCheck %s --check-prefix=MATMUL < %t/matmul/report.json
// RUN: qforge-compile %t/cnn.onnx --scheme w8 --only conv -o %t/conv --quiet
// RUN: FileCheck %s --check-prefix=CONV < %t/conv/report.json
// RUN: not qforge-compile %t/cnn.onnx --scheme w8 --only dense -o %t/bad 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not qforge-compile %t/cnn.onnx --scheme auto --only matmul -o %t/bad 2>&1 | FileCheck %s --check-prefix=AUTO
// RUN: not ls %t/bad

// MATMUL: "name": "conv1",
// MATMUL-NEXT: "scheme": "f32",
// MATMUL: "kind": "conv",
// MATMUL-NEXT: "name": "conv2",
// MATMUL-NEXT: "scheme": "f32",
// MATMUL: "kind": "conv",
// MATMUL-NEXT: "name": "conv3",
// MATMUL-NEXT: "scheme": "f32",
// MATMUL: "algorithm": "rtn",
// MATMUL-NEXT: "int8_activations": false,
// MATMUL-NEXT: "kind": "matmul",
// MATMUL-NEXT: "name": "fc",
// MATMUL-NEXT: "scheme": "w8",

// CONV: "algorithm": "rtn",
// CONV-NEXT: "int8_activations": false,
// CONV-NEXT: "kind": "conv",
// CONV-NEXT: "name": "conv1",
// CONV-NEXT: "scheme": "w8",
// A grouped convolution (3-D weight) is a convolution that stays float.
// CONV: "kind": "conv",
// CONV-NEXT: "name": "conv2",
// CONV-NEXT: "scheme": "f32",
// CONV: "kind": "conv",
// CONV-NEXT: "name": "conv3",
// CONV-NEXT: "scheme": "w8",
// CONV: "kind": "matmul",
// CONV-NEXT: "name": "fc",
// CONV-NEXT: "scheme": "f32",

// BAD: error: --only=dense is not one of all, matmul, conv
// AUTO: error: --scheme auto plans every layer; --only applies to --scheme SCHEME and --scheme-file
