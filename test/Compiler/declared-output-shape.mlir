// An output declared static (batch 2) whose size the graph computes from a
// dynamic input: the sizes are compared at run time, so that another batch
// fails the run instead of writing past the caller's buffer (batch 3) or
// leaving rows unwritten (batch 1) with rc 0 (issue 16 #2). Both lowerings.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/../Import/Inputs/onnx_models.py ir_declared_output %t/d.onnx
// RUN: qforge-compile %t/d.onnx -o %t/cpu --name d --quiet
// RUN: qforge-compile %t/d.onnx -o %t/ref --name d --lowering=reference --quiet
// RUN: FileCheck %s --check-prefix=HEADER < %t/cpu/d.h
// RUN: %python -c "import numpy as np; [np.save('%t/x%%d.npy' %% n, np.arange(4 * n, dtype=np.float32).reshape(n, 4)) for n in (1, 2, 3)]"
// RUN: qforge-run %t/cpu/d.so --input %t/x2.npy --output %t/y2.npy
// RUN: %python -c "import numpy as np; x = np.load('%t/x2.npy'); w = np.arange(12, dtype=np.float32).reshape(4, 3) / 8; y = np.load('%t/y2.npy'); assert np.allclose(y, x @ w), y"
// The signature allows any batch for x and exactly 2 for y, so only the
// generated code can see the mismatch:
// RUN: not qforge-run %t/cpu/d.so --input %t/x3.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=BIG
// RUN: not qforge-run %t/cpu/d.so --input %t/x1.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=SMALL
// RUN: not qforge-run %t/ref/d.so --input %t/x3.npy --output %t/bad.npy 2>&1 | FileCheck %s --check-prefix=BIG
// RUN: test ! -e %t/bad.npy

// HEADER: 0: x f32[?bx4]
// HEADER: 0: y f32[2x3]
// BIG: error: model 'd': output 0 dimension 0 is 3 for these inputs, but the model declares 2
// SMALL: error: model 'd': output 0 dimension 0 is 1 for these inputs, but the model declares 2
