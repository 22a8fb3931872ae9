// Run-time Gather indices are checked as ONNX Runtime checks them: an index
// outside [-size, size) makes the run fail with a clear error, through the
// runtime's error path, instead of reading next to (or far from) the table
// (issue 16 #1). Both lowerings.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/Inputs/onnx_models.py ir_gather_runtime %t/g.onnx
// RUN: qforge-compile %t/g.onnx -o %t/cpu --name g --quiet
// RUN: qforge-compile %t/g.onnx -o %t/ref --name g --lowering=reference --quiet
// RUN: %python -c "import numpy as np; np.save('%t/ok.npy', np.array([0, 4, -5, -1], np.int64)); np.save('%t/near.npy', np.array([1, 5], np.int64)); np.save('%t/neg.npy', np.array([-6], np.int64)); np.save('%t/far.npy', np.array([1 << 40], np.int64))"
// RUN: qforge-run %t/cpu/g.so --input %t/ok.npy --output %t/y.npy
// RUN: %python -c "import numpy as np; y = np.load('%t/y.npy'); t = np.arange(15, dtype=np.float32).reshape(5, 3); assert (y == t[[0, 4, -5, -1]]).all(), y"
// RUN: not qforge-run %t/cpu/g.so --input %t/near.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=NEAR
// RUN: not qforge-run %t/cpu/g.so --input %t/neg.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=NEG
// RUN: not qforge-run %t/cpu/g.so --input %t/far.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=FAR
// RUN: not qforge-run %t/ref/g.so --input %t/far.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=FAR
// RUN: test ! -e %t/bad.npy
// In-process runs (calibration's JIT) fail the same way.
// RUN: %python -c "import numpy as np; np.savez('%t/calib.npz', ids=np.array([[0, 9]], np.int64))"
// RUN: not qforge-compile %t/g.onnx --calib %t/calib.npz -o %t/calib --quiet 2>&1 | FileCheck %s --check-prefix=CALIB
// The import declares the report function once and calls it from the
// bounds check; the lowering defines it through the loader-bound hook.
// RUN: qforge-import %t/g.onnx --elide-resource-blobs | FileCheck %s --check-prefix=IR
// RUN: qforge-compile %t/g.onnx -o %t/mlir --name g --emit=llvm-mlir --quiet
// RUN: FileCheck %s --check-prefix=LLVM < %t/mlir/g.llvm.mlir

// NEAR: error: model 'g': index 5 is out of bounds for an axis of size 5 (indices element out of data bounds)
// NEG: error: model 'g': index -6 is out of bounds for an axis of size 5
// FAR: error: model 'g': index 1099511627776 is out of bounds for an axis of size 5
// CALIB: error: {{.*}}calib.npz: sample 0: calibration (float model): index 9 is out of bounds for an axis of size 5 (indices element out of data bounds)
// IR: func.func private @qforge_index_error(i64, i64)
// IR: arith.cmpi ult
// IR: scf.if
// IR: tensor.extract
// IR: } else {
// IR: func.call @qforge_index_error
// LLVM: llvm.func internal @qforge_index_error(%{{.*}}: i64, %{{.*}}: i64)
// LLVM-NEXT: llvm.mlir.addressof @qforge_index_error_hook
// LLVM-NEXT: llvm.load
// LLVM: llvm.cond_br
// LLVM: llvm.call %{{.*}}(%{{.*}}, %{{.*}}) : !llvm.ptr, (i64, i64) -> ()
// LLVM: llvm.call @qforge_index_error(
// LLVM: llvm.mlir.global external @qforge_index_error_hook() {{.*}} : !llvm.ptr
