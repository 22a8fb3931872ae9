// A weight already [N, K] (ONNX Gemm with transB, as the importer writes it)
// is used as it is: no second copy of the data.
#map = affine_map<(d0, d1, d2) -> (d0, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d1, d2)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @matmul_nk(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense_resource<w> : tensor<3x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul indexing_maps = [#map, #map1, #map2] ins(%x, %w : tensor<2x4xf32>, tensor<3x4xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x04000000000080BF0000004000000000000040400000803F000000BF00000000000080400000003F0000C0BF00004040000000C0"
    }
  }
#-}
