// REQUIRES: onnx
// Padding (tensor.pad, as in front of an imported convolution) bufferizes
// into a copy into a strided view of the padded buffer. The pipelines turn
// that copy into loops rather than a call to libmlir_c_runner_utils'
// memrefCopy, which artifacts do not link: the artifact loads and pads
// exactly as numpy does.
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-opt %s --qf-reference-to-llvm | FileCheck %s
// RUN: qforge-opt %s --qf-cpu-to-llvm | FileCheck %s
// RUN: qforge-compile %s -o %t/art --quiet
// RUN: %python -c "import numpy as np; np.save(r'%t/x.npy', np.arange(12, dtype=np.float32).reshape(3, 4))"
// RUN: qforge-run %t/art/pad.so --input %t/x.npy --output %t/y.npy
// RUN: %python -c "import numpy as np; x = np.load(r'%t/x.npy'); y = np.load(r'%t/y.npy'); np.testing.assert_array_equal(y, np.pad(x, ((1, 0), (2, 1)), constant_values=-1.0)); print('padded ok')" | FileCheck %s --check-prefix=OK

// CHECK-LABEL: llvm.func @pad
// CHECK-NOT: memrefCopy
// OK: padded ok

func.func @pad(%x: tensor<3x4xf32>) -> tensor<4x7xf32> {
  %c = arith.constant -1.0 : f32
  %p = tensor.pad %x low[1, 2] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %c : f32
  } : tensor<3x4xf32> to tensor<4x7xf32>
  return %p : tensor<4x7xf32>
}
