// W = [[1, 0.5, -1], [2, 0, 0.25], [-0.5, 1.5, 3], [0.1, -2, 1]] as [K, N];
// qf stores it [N, K]. Row 0 = [1, 2, -0.5, 0.1] with scale 2/127:
// 1 / (2/127) = 63.5 rounds to 64 (even), -0.5 -> -31.75 -> -32, 0.1 -> 6.35 -> 6.

// W8-LABEL: func @matmul_kn
// W8-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}64, 127, -32, 6], [32, 0, 95, -127], [-42, 11, 127, 42]]> : tensor<3x4xi8>
// W8-DAG: %[[S:.*]] = arith.constant dense<[0.0157480314, 0.0157480314, 0.0236220472]> : tensor<3xf32>
// W8: %[[Y:.*]] = qf.matmul #qf.scheme<"w8"> %arg0, %[[W]] scale(%[[S]]) {qf.algorithm = "rtn"} : (tensor<2x4xf32>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<2x3xf32>
// W8-NOT: linalg.matmul
// W8-NOT: linalg.fill
// W8: return %[[Y]]

// ASYM-LABEL: func @matmul_kn
// ASYM-DAG: arith.constant dense<{{.*}}> : tensor<3x4xui4>
// ASYM-DAG: arith.constant dense<{{.*}}> : tensor<3x2xf32>
// ASYM-DAG: arith.constant dense<{{.*}}> : tensor<3x2xui4>
// ASYM: qf.matmul #qf.scheme<"w4g2asym"> %arg0, %{{.*}} scale(%{{.*}}) zero_point(%{{.*}})

// Double quantization: int8 scale codes dequantized by block, plus the
// offset, reshaped to [N, groups] and rounded to bf16.
// DQ-LABEL: func @matmul_kn
// DQ-DAG: %[[CODES:.*]] = arith.constant dense<{{.*}}> : tensor<6xi8>
// DQ-DAG: %[[S2:.*]] = arith.constant dense<{{.*}}> : tensor<1xf32>
// DQ: %[[C:.*]] = qf.dequantize %[[CODES]], %[[S2]] {axis = 0 : i64, block_size = 256 : i64}
// DQ: %[[A:.*]] = arith.addf %[[C]], %{{.*}} : tensor<6xf32>
// DQ: %[[T:.*]] = arith.truncf %[[A]] : tensor<6xf32> to tensor<6xbf16>
// DQ: %[[E:.*]] = tensor.expand_shape %[[T]] {{\[\[}}0, 1]] output_shape [3, 2] : tensor<6xbf16> into tensor<3x2xbf16>
// DQ: qf.matmul #qf.scheme<"nf4g2-bf16-dq"> %arg0, %{{.*}} scale(%[[E]]) {{.*}} : (tensor<2x4xf32>, tensor<3x4xui4>, tensor<3x2xbf16>) -> tensor<2x3xf32>

// FP8-LABEL: func @matmul_kn
// FP8: qf.matmul #qf.scheme<"fp8-tensor"> {{.*}} : (tensor<2x4xf32>, tensor<3x4xf8E4M3FN>, tensor<f32>) -> tensor<2x3xf32>

// A8-LABEL: func @matmul_kn
// A8: qf.matmul #qf.scheme<"a8w8"> {{.*}} : (tensor<2x4xf32>, tensor<3x4xi8>, tensor<3xf32>) -> tensor<2x3xf32>
func.func @matmul_kn(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[1.0, 0.5, -1.0], [2.0, 0.0, 0.25], [-0.5, 1.5, 3.0], [0.1, -2.0, 1.0]]> : tensor<4x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
