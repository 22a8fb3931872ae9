// Inputs that are not regular files (issue 16 #6): a device or a directory
// named as a model, samples, statistics or scheme file is refused at once,
// never read without end (`timeout` turns a regression into a failure, not
// a hang).
// RUN: rm -rf %t && mkdir -p %t
// RUN: not timeout 60 qforge-compile /dev/zero -o %t/a 2>&1 | FileCheck %s --check-prefix=MODEL
// RUN: not timeout 60 qforge-compile %t -o %t/b 2>&1 | FileCheck %s --check-prefix=DIR
// RUN: not timeout 60 qforge-compile %s --scheme w4g32 --algorithm gptq --stats /dev/zero -o %t/c 2>&1 | FileCheck %s --check-prefix=STATS
// RUN: not timeout 60 qforge-compile %s --scheme w8 --calib /dev/zero -o %t/d 2>&1 | FileCheck %s --check-prefix=CALIB
// RUN: not timeout 60 qforge-calibrate --dump /dev/zero 2>&1 | FileCheck %s --check-prefix=DUMP
// RUN: not timeout 60 qforge-calibrate /dev/zero --inputs %t/x.npz -o %t/s 2>&1 | FileCheck %s --check-prefix=CAL-MODEL
// RUN: not timeout 60 qforge-opt %s --qf-quantize="scheme-file=/dev/zero" 2>&1 | FileCheck %s --check-prefix=SCHEMES
// RUN: not timeout 60 qforge-compile /dev/zero.onnx -o %t/e 2>&1 | FileCheck %s --check-prefix=ONNX
// RUN: ln -s /dev/zero %t/zero.onnx
// RUN: not timeout 60 qforge-compile %t/zero.onnx -o %t/f 2>&1 | FileCheck %s --check-prefix=ONNX-LINK

// MODEL: error: cannot open input file '/dev/zero': not a regular file (devices, pipes and directories are not read)
// DIR: error: cannot open input file '{{.*}}': not a regular file
// STATS: error: qf-quantize: /dev/zero: cannot read stats file: not a regular file
// CALIB: error: /dev/zero: cannot read: not a regular file
// DUMP: error: /dev/zero: cannot read stats file: not a regular file
// CAL-MODEL: error: cannot read model '/dev/zero': cannot open input file '/dev/zero': not a regular file
// SCHEMES: error: qf-quantize: cannot read scheme-file '/dev/zero': not a regular file
// ONNX: error: cannot open ONNX model '/dev/zero.onnx': No such file or directory
// ONNX-LINK: error: cannot open ONNX model '{{.*}}zero.onnx': not a regular file

func.func @f(%x: tensor<2x64xf32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<0.5> : tensor<64x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x64xf32>, tensor<64x8xf32>) outs(%f : tensor<2x8xf32>) -> tensor<2x8xf32> loc("fc")
  return %y : tensor<2x8xf32>
}
