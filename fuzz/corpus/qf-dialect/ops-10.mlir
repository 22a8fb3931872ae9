// The module's target and a matmul's kernel config as discardable
// attributes (QFAttrNames.h).
module attributes {qf.target = #qf.target<"x86_64+fma+avx2">} {
  func.func @configured(%x: tensor<2x8xf32>, %w: tensor<4x8xi8>, %s: tensor<4xf32>) -> tensor<2x4xf32> {
    %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) {qf.cpu.kernel = #qf.cpu_kernel<kind = float, layout = unpacked, nr = 4, large_m = 32>} : (tensor<2x8xf32>, tensor<4x8xi8>, tensor<4xf32>) -> tensor<2x4xf32>
    return %y : tensor<2x4xf32>
  }
}
