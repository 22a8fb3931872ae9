// Samples on which the float model's output is not finite (issue 16 #8):
// the comparison says so and fails, in qforge-calibrate --compare and in
// qforge-compile --calib, instead of reporting an error of 0.
// x = [3e38, 3e38] times a column of 2s overflows to +Inf.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.savez(r'%t/arg.npz', arg0=np.full((3, 1, 2), 3e38, np.float32)); np.savez(r'%t/x.npz', x=np.full((3, 1, 2), 3e38, np.float32))"
// RUN: not qforge-calibrate %s --inputs %t/arg.npz --compare %s 2>&1 | FileCheck %s --check-prefix=COMPARE
// RUN: not qforge-compile %s --scheme w8 --calib %t/x.npz -o %t/out 2>&1 | FileCheck %s --check-prefix=COMPILE
// RUN: not ls %t/out

// COMPARE: error: sample 0: output 0 of '{{.*}}non-finite-reference.mlir' is not finite (NaN or Inf), so no error can be measured against it
// COMPILE: error: {{.*}}x.npz: sample 0: output 0 of 'calibration (float model)' is not finite (NaN or Inf)

func.func @f(%x: tensor<1x2xf32> {qf.name = "x"}) -> tensor<1x1xf32> {
  %w = arith.constant dense<2.0> : tensor<2x1xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x1xf32>) -> tensor<1x1xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x2xf32>, tensor<2x1xf32>) outs(%f : tensor<1x1xf32>) -> tensor<1x1xf32> loc("fc")
  return %y : tensor<1x1xf32>
}
