// Every FP8 code through the fused kernels (decoded with integer ops, not a
// table) against the reference lowering (lib/Quant's decoders): W[n, 0] =
// code n, x = 1, scale 1, so y[0, n] is the decoded value of code n. Packed
// (constant) and unpacked (argument) weights. NaN signs are not compared.
// RUN: qforge-opt %s --qf-reference-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | grep -v 'Unranked Memref' | sed 's/-nan/nan/g' > %t.ref
// RUN: qforge-opt %s --qf-cpu-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | grep -v 'Unranked Memref' | sed 's/-nan/nan/g' > %t.cpu
// RUN: diff %t.ref %t.cpu
// RUN: FileCheck %s < %t.cpu

func.func private @printMemrefF32(tensor<*xf32>)

func.func @print(%t: tensor<1x256xf32>) {
  %u = tensor.cast %t : tensor<1x256xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @e4m3_arg(%x: tensor<1x1xf32>, %w: tensor<256x1xf8E4M3FN>, %s: tensor<256xf32>) -> tensor<1x256xf32> {
  %y = qf.matmul #qf.scheme<"fp8"> %x, %w scale(%s) : (tensor<1x1xf32>, tensor<256x1xf8E4M3FN>, tensor<256xf32>) -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @e5m2_arg(%x: tensor<1x1xf32>, %w: tensor<256x1xf8E5M2>, %s: tensor<256xf32>) -> tensor<1x256xf32> {
  %y = qf.matmul #qf.scheme<"fp8e5m2"> %x, %w scale(%s) : (tensor<1x1xf32>, tensor<256x1xf8E5M2>, tensor<256xf32>) -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

func.func @main() {
  %x = arith.constant dense<1.0> : tensor<1x1xf32>
  %s = arith.constant dense<1.0> : tensor<256xf32>
  %w4 = arith.constant dense<"0x000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"> : tensor<256x1xf8E4M3FN>
  %w5 = arith.constant dense<"0x000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"> : tensor<256x1xf8E5M2>

  // Codes 0..7 (zero, subnormals), 0x7E = 448, 0x7F = NaN, 0x80 = -0 (+0 after the sum).
  // CHECK: {{\[\[}}0, 0.00195312, 0.00390625, 0.00585938, 0.0078125, 0.00976562, 0.0117188, 0.0136719, 0.015625,
  // CHECK-SAME: 448, nan, 0, -0.00195312,
  %y0 = qf.matmul #qf.scheme<"fp8"> %x, %w4 scale(%s) : (tensor<1x1xf32>, tensor<256x1xf8E4M3FN>, tensor<256xf32>) -> tensor<1x256xf32>
  call @print(%y0) : (tensor<1x256xf32>) -> ()
  %y1 = call @e4m3_arg(%x, %w4, %s) : (tensor<1x1xf32>, tensor<256x1xf8E4M3FN>, tensor<256xf32>) -> tensor<1x256xf32>
  call @print(%y1) : (tensor<1x256xf32>) -> ()

  // E5M2: 0x7B = 57344, 0x7C = inf, 0x7D..0x7F = NaN, 0x80 = -0 (+0 after the sum), 0xFC = -inf.
  // CHECK: {{\[\[}}0, 1.52588e-05, 3.05176e-05, 4.57764e-05, 6.10352e-05,
  // CHECK-SAME: 57344, inf, nan, nan, nan, 0, -1.52588e-05,
  // CHECK-SAME: -57344, -inf, nan, nan, nan]]
  %y2 = qf.matmul #qf.scheme<"fp8e5m2"> %x, %w5 scale(%s) : (tensor<1x1xf32>, tensor<256x1xf8E5M2>, tensor<256xf32>) -> tensor<1x256xf32>
  call @print(%y2) : (tensor<1x256xf32>) -> ()
  %y3 = call @e5m2_arg(%x, %w5, %s) : (tensor<1x1xf32>, tensor<256x1xf8E5M2>, tensor<256xf32>) -> tensor<1x256xf32>
  call @print(%y3) : (tensor<1x256xf32>) -> ()
  return
}
