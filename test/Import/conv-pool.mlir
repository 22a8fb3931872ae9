// REQUIRES: onnx
// RUN: %python %S/Inputs/onnx_models.py ir_conv %t.onnx
// RUN: qforge-import %t.onnx --elide-resource-blobs --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// Conv is lowered via im2col to a matmul with a constant [M, C*kh*kw]
// weight, so that --qf-quantize treats it like any matmul; grouped
// convolutions contract per group. Pools are generics over a padded input
// with a shape-only window operand.

// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:.*]]: tensor<?x3x8x8xf32> {qf.dim_names = ["n", "", "", ""], qf.name = "x"}

// conv1: 3x3, pads 1, strides 2.
// CHECK: %[[W:.*]] = arith.constant dense_resource<w> : tensor<4x3x3x3xf32>
// CHECK: %[[XP:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor<?x3x8x8xf32> to tensor<?x3x10x10xf32> loc("conv1"
// patches[n, oh, ow, g, c, kh, kw] = xp[n, g*3 + c, oh*2 + kh, ow*2 + kw]
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3 * 3 + d4, d1 * 2 + d5, d2 * 2 + d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3, d4, d5, d6)>]{{.*}} ins(%[[XP]] : tensor<?x3x10x10xf32>) outs(%{{.*}} : tensor<?x4x4x1x3x3x3xf32>)
// CHECK: %[[LHS:.*]] = tensor.collapse_shape %[[P]] {{\[\[}}0], [1], [2], [3, 4, 5, 6]] : tensor<?x4x4x1x3x3x3xf32> into tensor<?x4x4x27xf32>
// CHECK: %[[WM:.*]] = tensor.collapse_shape %[[W]] {{\[\[}}0], [1, 2, 3]] : tensor<4x3x3x3xf32> into tensor<4x27xf32>
// [n, oh, ow, K] x W[M, K]: a matmul with transposed-B maps.
// CHECK: %[[MM:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[LHS]], %[[WM]] : tensor<?x4x4x27xf32>, tensor<4x27xf32>) outs(%{{.*}} : tensor<?x4x4x4xf32>) attrs = {qf.layer_kind = "conv"}
// The matmul is marked as a convolution (qf-quantize's only=, the report).
// CHECK: } -> tensor<?x4x4x4xf32> loc("conv1"
// Bias on the channel (last) dim, then NHWC -> NCHW.
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%[[MM]], %{{.*}} : tensor<?x4x4x4xf32>, tensor<4xf32>)
// CHECK: %[[C1:.*]] = linalg.transpose ins(%[[B]] : tensor<?x4x4x4xf32>) outs(%{{.*}} : tensor<?x4x4x4xf32>) permutation = [0, 3, 1, 2]

// conv_grouped: 2 groups of 2 input / 3 output channels, 1x1.
// CHECK: %[[GP:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d3 * 2 + d4, d1 + d5, d2 + d6)>
// CHECK: %[[GL:.*]] = tensor.collapse_shape %[[GP]] {{\[\[}}0], [1], [2], [3], [4, 5, 6]] : tensor<?x4x4x2x2x1x1xf32> into tensor<?x4x4x2x2xf32>
// CHECK: %[[GW:.*]] = tensor.expand_shape {{.*}} into tensor<2x3x2xf32>
// CHECK: %[[GM:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4)>]{{.*}} ins(%[[GL]], %[[GW]]
// CHECK: tensor.collapse_shape %[[GM]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<?x4x4x2x3xf32> into tensor<?x4x4x6xf32>
// CHECK: %[[C2:.*]] = linalg.transpose {{.*}} permutation = [0, 3, 1, 2]  loc("conv_grouped"

// MaxPool 2x2, stride 1: max from -inf over the window dims (reductions).
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<2x2xf32> loc("maxpool"
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MI:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<?x6x3x3xf32>)
// CHECK: %[[MP:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 + d4, d3 + d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[C2]], %[[WIN]] : tensor<?x6x4x4xf32>, tensor<2x2xf32>) outs(%[[MI]] : tensor<?x6x3x3xf32>)
// CHECK: arith.maximumf %out, %in

// AveragePool 2x2, pads (0, 0, 1, 1), count_include_pad=0: a sum over the
// zero-padded input divided by the number of real elements per window.
// CHECK: %[[AP:.*]] = tensor.pad %[[MP]] low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[AP]], %{{.*}} : tensor<?x6x4x4xf32>, tensor<2x2xf32>)
// CHECK: arith.addf %out, %in
// CHECK: %[[CNT:.*]] = arith.constant dense<{{\[\[}}4.000000e+00, 4.000000e+00, 2.000000e+00], [4.000000e+00, 4.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
// CHECK: %[[AVG:.*]] = linalg.generic {{.*}} ins(%[[SUM]], %[[CNT]] : tensor<?x6x3x3xf32>, tensor<3x3xf32>)
// CHECK: arith.divf

// GlobalAveragePool: sum over H, W, divided by 9, unit dims restored.
// CHECK: %[[NINE:.*]] = arith.constant 9.000000e+00 : f32
// CHECK: %[[GS:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[AVG]]
// CHECK: %[[GM2:.*]] = linalg.generic {{.*}} ins(%[[GS]] : tensor<?x6xf32>)
// CHECK: arith.divf %in, %[[NINE]]
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[GM2]] {{\[\[}}0], [1, 2, 3]] output_shape [%{{.*}}, 6, 1, 1] : tensor<?x6xf32> into tensor<?x6x1x1xf32>
// CHECK: return %[[Y]]
