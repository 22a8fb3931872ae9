// qforge-compile --int8-activations: 4-bit weights in groups of 64 take the
// int8-activation kernel (vpmaddubsw on AVX2, vpdpbusd with VNNI), and the
// report says so.
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-compile %s --scheme w4g64 --sensitive-layers=quantize --int8-activations --target=x86_64:znver3+avx2+fma --emit=llvm -o %t/llvm --quiet
// RUN: FileCheck %s --check-prefix=LLVM < %t/llvm/mlp.ll
// RUN: qforge-compile %s --scheme w4g64 --sensitive-layers=quantize --emit=llvm --target=x86_64:znver3+avx2+fma -o %t/f32 --quiet
// RUN: FileCheck %s --check-prefix=F32 < %t/f32/mlp.ll
// RUN: qforge-compile %s --scheme w4g64 --sensitive-layers=quantize --int8-activations -o %t/so --quiet
// RUN: FileCheck %s --check-prefix=JSON < %t/so/report.json
// RUN: qforge-compile %s --scheme w4g64 --sensitive-layers=quantize -o %t/so2 --quiet
// RUN: FileCheck %s --check-prefix=JSON-OFF < %t/so2/report.json
// Groups of 32 are no whole number of the 4-bit kernel's 64-element blocks:
// the layer keeps f32 activations, and the report says so and why.
// RUN: qforge-compile %s --scheme w4g32 --sensitive-layers=quantize --int8-activations -o %t/g32 > %t/g32.txt
// RUN: FileCheck %s --check-prefix=JSON-G32 < %t/g32/report.json
// RUN: FileCheck %s --check-prefix=TABLE-G32 < %t/g32.txt
// VNNI targets: the object code multiplies with vpdpbusd, EVEX-encoded for
// AVX512-VNNI (`vnni`: the writer adds AVX512-VL, which its 256-bit form
// needs) and VEX-encoded for AVX-VNNI.
// RUN: qforge-compile %s --scheme w4g64 --sensitive-layers=quantize --int8-activations --target=x86_64+avx2+fma+avx512+vnni --emit=obj -o %t/evex --quiet
// RUN: llvm-objdump -d %t/evex/mlp.o | FileCheck %s --check-prefix=EVEX
// RUN: qforge-compile %s --scheme w4g64 --sensitive-layers=quantize --int8-activations --target=x86_64:alderlake+avx2+fma+avxvnni --emit=obj -o %t/vex --quiet
// RUN: llvm-objdump -d %t/vex/mlp.o | FileCheck %s --check-prefix=VEX

// LLVM: call <16 x i16> @llvm.x86.avx2.pmadd.ub.sw(<32 x i8>
// LLVM: call <8 x i32> @llvm.x86.avx2.pmadd.wd(<16 x i16>
// F32-NOT: pmadd.ub.sw
// JSON: "int8_activations": true
// JSON: "layers": [
// JSON: "int8_activations": true,
// JSON-NEXT: "kind": "matmul",
// JSON-NEXT: "name": "fc1",
// JSON-OFF: "int8_activations": false
// JSON-G32: "int8_activations": true,
// JSON-G32: "layers": [
// JSON-G32: "int8_activations": false,
// JSON-G32-NEXT: "int8_activations_not_applied": "groups of 32 ('w4g32') are not a multiple of the int8-activation kernel's block of 64 for 4-bit codes",
// JSON-G32-NEXT: "kind": "matmul",
// JSON-G32-NEXT: "name": "fc1",
// TABLE-G32: int8 activations not applied to 1 layer (they keep f32 activations):
// TABLE-G32-NEXT: fc1: groups of 32 ('w4g32') are not a multiple of the int8-activation kernel's block of 64 for 4-bit codes
// EVEX-NOT: vpmaddubsw
// EVEX-NOT: {vex}
// EVEX: vpdpbusd {{.*}}%ymm
// EVEX-NOT: vpmaddubsw
// VEX-NOT: vpmaddubsw
// VEX: {vex} vpdpbusd %ymm
// VEX-NOT: vpmaddubsw

func.func @mlp(%x: tensor<2x128xf32> {qf.name = "x"}) -> (tensor<2x8xf32> {qf.name = "y"}) {
  %w = arith.constant dense<0.25> : tensor<128x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x128xf32>, tensor<128x8xf32>) outs(%f : tensor<2x8xf32>) -> tensor<2x8xf32> loc("fc1")
  return %y : tensor<2x8xf32>
}
