// qforge-compile runs one pass pipeline (qforge::buildCompilePipeline);
// --print-pipeline prints it and qforge-opt replays it to the same module.
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-compile %s --scheme w4g32 --target=x86_64:znver3 --print-pipeline > %t/pipeline.txt
// RUN: FileCheck %s --input-file=%t/pipeline.txt
// RUN: qforge-compile %s --scheme w4g32 --target=x86_64:znver3 --emit=llvm-mlir -o %t/out --quiet
// RUN: %python %S/Inputs/replay_pipeline.py qforge-opt %t/pipeline.txt %s %t/replayed.mlir
// RUN: diff %t/replayed.mlir %t/out/mlp.llvm.mlir
// The same with int8 activations and with the reference lowering.
// RUN: qforge-compile %s --scheme w8 --int8-activations --target=x86_64:znver3 --print-pipeline > %t/i8.txt
// RUN: qforge-compile %s --scheme w8 --int8-activations --target=x86_64:znver3 --emit=llvm-mlir -o %t/i8 --quiet
// RUN: %python %S/Inputs/replay_pipeline.py qforge-opt %t/i8.txt %s %t/i8.mlir
// RUN: diff %t/i8.mlir %t/i8/mlp.llvm.mlir
// RUN: qforge-compile %s --scheme w8 --lowering=reference --print-pipeline > %t/ref.txt
// RUN: qforge-compile %s --scheme w8 --lowering=reference --emit=llvm-mlir -o %t/ref --quiet
// RUN: %python %S/Inputs/replay_pipeline.py qforge-opt %t/ref.txt %s %t/ref.mlir
// RUN: diff %t/ref.mlir %t/ref/mlp.llvm.mlir
// --calib's statistics exist only in-process: no pipeline text for them.
// RUN: not qforge-compile %s --scheme w8 --calib %t/none.npz --print-pipeline 2>&1 | FileCheck %s --check-prefix=CALIB

// CHECK: qf-quantize{{.*}}scheme=w4g32
// CHECK-SAME: qf-prepare-export{entry=mlp}
// CHECK-SAME: qf-attach-target{target=x86_64:znver3}
// CHECK-SAME: qf-float-matmul-to-kernel
// CHECK-SAME: qf-cpu-select-kernels{int8-activations=never pack=true}
// CHECK-SAME: qf-pack-weights
// CHECK-SAME: qf-lower-to-cpu
// CHECK-SAME: qf-cpu-parallel-to-llvm
// CHECK-SAME: qf-detach-target
// CALIB: error: --print-pipeline cannot name --calib's statistics

func.func @mlp(%x: tensor<2x64xf32> {qf.name = "x"}) -> (tensor<2x8xf32> {qf.name = "y"}) {
  %w = arith.constant dense<0.25> : tensor<64x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x64xf32>, tensor<64x8xf32>) outs(%f : tensor<2x8xf32>) -> tensor<2x8xf32> loc("fc1")
  return %y : tensor<2x8xf32>
}
