// Per-layer control: layer names come from loc("...") or <func>.matmul<i>.

// SKIP-LABEL: func @main
// SKIP: qf.matmul #qf.scheme<"w8">
// SKIP: linalg.matmul
// SKIP: qf.matmul #qf.scheme<"w8">

// LAYERS-LABEL: func @main
// LAYERS: qf.matmul #qf.scheme<"w8">
// LAYERS: linalg.matmul
// LAYERS: qf.matmul #qf.scheme<"w8">

// FILE-LABEL: func @main
// FILE: qf.matmul #qf.scheme<"w4g2">
// FILE: qf.matmul #qf.scheme<"nf4g2">
// FILE: qf.matmul #qf.scheme<"a8w8">
func.func @main(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<[[1.0, 0.5, -1.0, 2.0], [2.0, 0.0, 0.25, 1.0], [-0.5, 1.5, 3.0, 0.0], [0.1, -2.0, 1.0, 4.0]]> : tensor<4x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %a = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("up")
  %b = linalg.matmul ins(%a, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("down_proj")
  %c = linalg.matmul ins(%b, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}
