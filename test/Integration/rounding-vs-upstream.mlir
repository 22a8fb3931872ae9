// The same !quant.uniform module through upstream's --lower-quant-ops and
// through qf: upstream truncates (arith.fptosi) and wraps out-of-range
// values; qf rounds half to even and saturates.
//
// RUN: qforge-opt %s --qf-import-quant --qf-reference-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s --check-prefix=QF
// RUN: qforge-opt %s --lower-quant-ops --canonicalize --qf-reference-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s --check-prefix=UPSTREAM

!qi8 = !quant.uniform<i8:f32, 0.5:1>

func.func private @printMemrefI32(tensor<*xi32>)

func.func @main() {
  // x / 0.5 + 1 = [2.4, 3.6, -0.4, 3.5, 201, -199]
  %x = arith.constant dense<[0.7, 1.3, -0.7, 1.25, 100.0, -100.0]> : tensor<6xf32>
  %q = quant.qcast %x : tensor<6xf32> to tensor<6x!qi8>
  %s = quant.scast %q : tensor<6x!qi8> to tensor<6xi8>
  %w = arith.extsi %s : tensor<6xi8> to tensor<6xi32>
  %u = tensor.cast %w : tensor<6xi32> to tensor<*xi32>
  call @printMemrefI32(%u) : (tensor<*xi32>) -> ()
  return
}

// 1.3 -> round(2.6) + 1 = 4 (upstream: trunc(3.6) = 3);
// 100 -> 127 (upstream: 201 wraps to -55); -100 -> -128 (upstream: 57).
// QF: [2, 4, 0, 3, 127, -128]
// UPSTREAM: [2, 3, 0, 3, -55, 57]
