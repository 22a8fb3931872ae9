// REQUIRES: onnx
// RUN: %python %S/Inputs/onnx_models.py ir_matmul %t.onnx
// RUN: qforge-import %t.onnx --elide-resource-blobs --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// MatMul and Gemm: a 2-D constant weight gives linalg.matmul (2-D lhs) or a
// contraction generic [rows..., K] x [K, N] (batched lhs) that --qf-quantize
// matches; transB=1 keeps the [N, K] weight with transposed-B maps; batched
// activations x activations broadcast their batch dims. Every matmul is
// located by its ONNX node name.

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %arg0: tensor<?x?x16xf32> {qf.dim_names = ["b", "s", ""], qf.name = "x"}
// CHECK-SAME: -> (tensor<?x?x8xf32> {qf.name = "y2"}, tensor<?x4x5x7xf32> {qf.name = "y3"}, tensor<8xf32> {qf.name = "y4"}, tensor<?x8xf32> {qf.name = "y5"}, tensor<?x8xf32> {qf.name = "y6"})

// MatMul [b, s, 16] x W[16, 8]: rows (d0, d1), n = d2, k = d3.
// CHECK: %[[W:.*]] = arith.constant dense_resource<W> : tensor<16x8xf32>
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<?x?x8xf32>)
// CHECK: %[[Y2:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg0, %[[W]] : tensor<?x?x16xf32>, tensor<16x8xf32>) outs(%[[Z]] : tensor<?x?x8xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf %out
// CHECK: } -> tensor<?x?x8xf32> loc("proj"

// [b, 4, 5, 6] x [4, 6, 7]: batch dims broadcast.
// CHECK: %[[Y3:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%arg1, %arg2
// CHECK: } -> tensor<?x4x5x7xf32> loc("batched"

// A 1-D lhs gets a unit row, removed afterwards.
// CHECK: %[[V:.*]] = tensor.expand_shape %arg3 {{\[\[}}0, 1]] output_shape [1, 16] : tensor<16xf32> into tensor<1x16xf32>
// CHECK: %[[VM:.*]] = linalg.matmul ins(%[[V]], %[[W]] : tensor<1x16xf32>, tensor<16x8xf32>) {{.*}} loc("vecmat"
// CHECK: %[[Y4:.*]] = tensor.collapse_shape %[[VM]] {{\[\[}}0, 1]] : tensor<1x8xf32> into tensor<8xf32>

// Gemm transB=1: W[8, 16] stays [N, K].
// CHECK: %[[WG:.*]] = arith.constant dense_resource<Wg> : tensor<8x16xf32>
// CHECK: %[[MM:.*]] = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%arg4, %[[WG]] : tensor<?x16xf32>, tensor<8x16xf32>) {{.*}} loc("gemm_tb"
// The bias C (8 values: dense) is added after the matmul.
// CHECK: %[[C:.*]] = arith.constant dense<[{{.*}}]> : tensor<8xf32>
// CHECK: %[[Y5:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>]{{.*}} ins(%[[MM]], %[[C]]
// CHECK: arith.addf %in

// Gemm transA=1, alpha=0.5, beta=0 (C ignored): the activation is transposed.
// CHECK: %[[AT:.*]] = linalg.transpose ins(%arg5 : tensor<16x?xf32>) outs(%{{.*}} : tensor<?x16xf32>) permutation = [1, 0]
// CHECK: %[[MA:.*]] = linalg.matmul ins(%[[AT]], %{{.*}} : tensor<?x16xf32>, tensor<16x8xf32>) {{.*}} loc("gemm_ta"
// CHECK: %[[Y6:.*]] = linalg.generic {{.*}} ins(%[[MA]] : tensor<?x8xf32>)
// CHECK: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: arith.mulf %in, %[[HALF]]
// CHECK-NOT: arith.addf
// CHECK: return %[[Y2]], %[[Y3]], %[[Y4]], %[[Y5]], %[[Y6]]
