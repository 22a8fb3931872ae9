// REQUIRES: onnx
// Layers of one shape share one kernel function (--qf-cpu-share-kernels in
// the CPU pipeline), each call passing its own layer's weights and bias:
// six layers, four of them 32x32, compile to fewer kernel functions than
// layers, and the outputs still match onnxruntime (f32) and the reference
// lowering (w8, w4g16: per layer packed weights and scales), so no layer
// reads another's constants.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/shared_kernels.py make %t

// RUN: qforge-compile %t/model.onnx -o %t/f32 --quiet
// RUN: qforge-run %t/f32/main.so --input %t/x.npy --output %t/y-f32.npy
// RUN: %python %S/Inputs/shared_kernels.py check %t 1e-5 %t/y-f32.npy ort | FileCheck %s --check-prefix=OK

// RUN: qforge-compile %t/model.onnx --scheme w8 -o %t/w8 --quiet
// RUN: qforge-compile %t/model.onnx --scheme w8 --lowering=reference -o %t/w8-ref --quiet
// RUN: qforge-run %t/w8/main.so --input %t/x.npy --output %t/y-w8.npy
// RUN: qforge-run %t/w8-ref/main.so --input %t/x.npy --output %t/y-w8-ref.npy
// RUN: %python %S/Inputs/shared_kernels.py check %t 1e-5 %t/y-w8.npy %t/y-w8-ref.npy | FileCheck %s --check-prefix=OK

// RUN: qforge-compile %t/model.onnx --scheme w4g16 --sensitive-layers=quantize -o %t/w4 --quiet
// RUN: qforge-compile %t/model.onnx --scheme w4g16 --sensitive-layers=quantize --lowering=reference -o %t/w4-ref --quiet
// RUN: qforge-run %t/w4/main.so --input %t/x.npy --output %t/y-w4.npy
// RUN: qforge-run %t/w4-ref/main.so --input %t/x.npy --output %t/y-w4-ref.npy
// RUN: %python %S/Inputs/shared_kernels.py check %t 1e-5 %t/y-w4.npy %t/y-w4-ref.npy | FileCheck %s --check-prefix=OK
// OK: ok (8, 16)

// The LLVM IR: three kernel bodies (the parallel tasks) and two bias + Relu
// loop nests for six layers (one of each for the four 32x32 layers, one
// per other shape; a nest's shape is the layer's output width), six calls
// of the nests and six of a task; the bias a nest reads arrives as a
// noalias, read-only, aligned pointer.
// RUN: qforge-compile %t/model.onnx --scheme w8 --target=x86_64:znver3+avx2+fma --emit=llvm -o %t/w8-ll --quiet
// RUN: grep -c "^define internal void @main_parallel[0-9]*_task(" %t/w8-ll/main.ll | FileCheck %s --check-prefix=THREE
// RUN: grep -c "^define void @main_nest[0-9]*(" %t/w8-ll/main.ll | FileCheck %s --check-prefix=TWO
// RUN: grep -c "call void @main_nest[0-9]*(" %t/w8-ll/main.ll | FileCheck %s --check-prefix=SIX
// RUN: grep -c "@main_parallel[0-9]*_task, ptr" %t/w8-ll/main.ll | FileCheck %s --check-prefix=SIX
// RUN: FileCheck %s --check-prefix=ARG < %t/w8-ll/main.ll
// THREE: {{^}}3{{$}}
// TWO: {{^}}2{{$}}
// SIX: {{^}}6{{$}}
// ARG: define void @main_nest0({{.*}}ptr noalias readonly align 64 captures(none) %{{[0-9]+}})
