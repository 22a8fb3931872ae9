// REQUIRES: onnx
// Imported models quantize: their MatMul / Gemm / Conv weights are the
// constant [K, N] or [N, K] operands --qf-quantize matches, and the layers
// are named after the ONNX nodes (the locations survive the text file).

// RUN: %python %S/Inputs/onnx_models.py mlp %t.mlp.onnx
// RUN: qforge-import %t.mlp.onnx -o %t.mlp.mlir
// RUN: qforge-opt %t.mlp.mlir --qf-quantize="scheme=w8" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=MLP
// RUN: qforge-opt %t.mlp.mlir --qf-quantize="scheme=w8 skip=fc3" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=SKIP

// MatMul W1 [64, 48] is stored [N, K] = [48, 64].
// MLP: qf.matmul #qf.scheme<"w8"> %arg0, %{{.*}} scale(%{{.*}}) {qf.algorithm = "rtn"} : (tensor<?x64xf32>, tensor<48x64xi8>, tensor<48xf32>) -> tensor<?x48xf32> loc("fc1"
// Gemm transB=1: W2 is already [N, K].
// MLP: qf.matmul #qf.scheme<"w8"> %{{.*}}, %{{.*}} scale(%{{.*}}) {qf.algorithm = "rtn"} : (tensor<?x48xf32>, tensor<32x48xi8>, tensor<32xf32>) -> tensor<?x32xf32> loc("fc2"
// Gemm with alpha and beta: the scaling and the bias stay elementwise.
// MLP: qf.matmul #qf.scheme<"w8"> %{{.*}}, %{{.*}} scale(%{{.*}}) {qf.algorithm = "rtn"} : (tensor<?x32xf32>, tensor<10x32xi8>, tensor<10xf32>) -> tensor<?x10xf32> loc("fc3"
// MLP-NOT: linalg.matmul

// SKIP: qf.matmul {{.*}} loc("fc1"
// SKIP: qf.matmul {{.*}} loc("fc2"
// SKIP: linalg.matmul {{.*}} loc("fc3"
// SKIP-NOT: qf.matmul

// A transformer block: the projections (batched [b, s, K] x [K, N]
// contractions) are quantized, the attention products (activation x
// activation) stay float.
// RUN: %python %S/Inputs/onnx_models.py transformer %t.tf.onnx
// RUN: qforge-import %t.tf.onnx -o %t.tf.mlir
// RUN: qforge-opt %t.tf.mlir --qf-quantize="scheme=w4g16 sensitive-layers=quantize" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=TF
// TF: qf.matmul #qf.scheme<"w4g16"> {{.*}} : (tensor<?x?x32xf32>, tensor<96x32xi4>, tensor<96x2xf32>) -> tensor<?x?x96xf32> loc("attn.qkv"
// TF: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]{{.*}} tensor<?x4x?x8xf32>, tensor<?x4x8x?xf32>
// TF: loc("attn.scores"
// TF: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]{{.*}} tensor<?x4x?x?xf32>, tensor<?x4x?x8xf32>
// TF: loc("attn.context"
// TF: qf.matmul {{.*}} -> tensor<?x?x32xf32> loc("attn.out"
// TF: qf.matmul {{.*}} -> tensor<?x?x64xf32> loc("mlp.fc1"
// TF: qf.matmul {{.*}} -> tensor<?x?x32xf32> loc("mlp.fc2"
// TF-NOT: qf.matmul

// Convolutions through im2col: the 3x3 convs and the classifier are
// quantized, the grouped conv (a batched contraction) stays float.
// RUN: %python %S/Inputs/onnx_models.py cnn %t.cnn.onnx
// RUN: qforge-import %t.cnn.onnx -o %t.cnn.mlir
// RUN: qforge-opt %t.cnn.mlir --qf-quantize="scheme=w8" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=CNN
// CNN: qf.matmul {{.*}} : (tensor<?x16x16x27xf32>, tensor<8x27xi8>, tensor<8xf32>) -> tensor<?x16x16x8xf32> loc("conv1"
// CNN: loc("conv2"
// CNN: qf.matmul {{.*}} : (tensor<?x4x3x108xf32>, tensor<16x108xi8>, tensor<16xf32>) -> tensor<?x4x3x16xf32> loc("conv3"
// CNN: qf.matmul {{.*}} : (tensor<?x16xf32>, tensor<10x16xi8>, tensor<10xf32>) -> tensor<?x10xf32> loc("fc"
// only=matmul quantizes the classifier alone (the convolutions stay float,
// as ONNX Runtime's MatMulNBits mode); only=conv the reverse.
// RUN: qforge-opt %t.cnn.mlir --qf-quantize="scheme=w8 only=matmul" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=ONLY-MATMUL
// ONLY-MATMUL-NOT: qf.matmul {{.*}} loc("conv
// ONLY-MATMUL: qf.matmul {{.*}} : (tensor<?x16xf32>, tensor<10x16xi8>, tensor<10xf32>) -> tensor<?x10xf32> loc("fc"
// RUN: qforge-opt %t.cnn.mlir --qf-quantize="scheme=w8 only=conv" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=ONLY-CONV
// ONLY-CONV: qf.matmul {{.*}} loc("conv1"
// ONLY-CONV: qf.matmul {{.*}} loc("conv3"
// ONLY-CONV-NOT: qf.matmul
// RUN: not qforge-opt %t.cnn.mlir --qf-quantize="scheme=w8 only=dense" 2>&1 | FileCheck %s --check-prefix=ONLY-BAD
// ONLY-BAD: error: qf-quantize: only='dense' is not one of all, matmul, conv
