// Bad input: a clear diagnostic, a non-zero exit, and no output file (an
// existing one is left untouched).

// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t/good.npz --shape 4x8 --count 4
// RUN: echo keep > %t/existing.st

// Shape, dtype and argument-count mismatches name the argument and both shapes.
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t/shape.npz --shape 4x16 --count 3
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/shape.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=SHAPE
// SHAPE: error: {{.*}}shape.npz: array 'arg0' has shape [3, 4, 16], i.e. samples of shape [4, 16], but argument 0 of @forward is tensor<4x8xf32> (shape [4, 8]); the array needs shape [N, 4, 8]
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t/flat.npz --shape 8 --count 3
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/flat.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=RANK
// RANK: error: {{.*}}array 'arg0' has shape [3, 8], i.e. samples of shape [8], but argument 0 of @forward is tensor<4x8xf32>
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t/f64.npz --shape 4x8 --count 3 --dtype float64
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/f64.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: {{.*}}f64.npz: array 'arg0' is float64 but argument 0 of @forward is tensor<4x8xf32> (float32)
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t/named.npz --shape 4x8 --count 3 --name x
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/named.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: {{.*}}named.npz: no array 'arg0' for argument 0 of @forward (tensor<4x8xf32>); @forward takes 1 argument(s), the file has: x
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t/extra.npz --shape 4x8 --count 3 --extra arg1
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/extra.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=EXTRA
// EXTRA: error: {{.*}}extra.npz: array 'arg1' is not an argument of @forward, which takes 1 argument(s): arg0

// NaN / Inf in a sample: the array and the sample index.
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t/nan.npz --shape 4x8 --count 5 --nan 2
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/nan.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=NAN
// NAN: error: {{.*}}nan.npz: array 'arg0': sample 2 contains NaN (at flat index 3 of the sample)
// RUN: %python %S/Inputs/mlp_tool.py gen-samples %t/inf.npz --shape 4x8 --count 5 --inf 4
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/inf.npz -o %t/existing.st 2>&1 | FileCheck %s --check-prefix=INF
// INF: error: {{.*}}inf.npz: array 'arg0': sample 4 contains -Inf (at flat index 1 of the sample)

// Unreadable and corrupt sample files.
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/none.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: {{.*}}none.npz: cannot read: No such file or directory
// RUN: %python %S/Inputs/mlp_tool.py corrupt %t/good.npz %t/trunc.npz --truncate 300
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/trunc.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=TRUNC
// TRUNC: error: {{.*}}trunc.npz: corrupt .npz (zip) file: no end-of-central-directory record (truncated?)
// RUN: %python %S/Inputs/mlp_tool.py corrupt %t/good.npz %t/flip.npz --flip 300
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/flip.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=CRC
// CRC: error: {{.*}}flip.npz: corrupt .npz (zip) member 'arg0.npy': CRC mismatch
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %S/Inputs/mlp.mlir -o %t/out.st 2>&1 | FileCheck %s --check-prefix=NOTNPZ
// NOTNPZ: error: {{.*}}mlp.mlir: neither a .npy array nor a .npz (zip) archive

// Malformed MLIR: the parser's located diagnostic.
// RUN: echo "func.func @f(%%x: tensor<4xf32>) -> tensor<4xf32> { return %%y : tensor<4xf32> }" > %t/bad.mlir
// RUN: not qforge-calibrate %t/bad.mlir --inputs %t/good.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=PARSE
// PARSE: bad.mlir:1:{{[0-9]+}}: error: use of undeclared SSA value name
// PARSE: error: cannot parse model '{{.*}}bad.mlir'

// Entry function: missing, or ambiguous.
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/good.npz -o %t/out.st --entry main 2>&1 | FileCheck %s --check-prefix=ENTRY
// ENTRY: error: {{.*}}mlp.mlir: no function @main in the module (functions: @forward)
// RUN: sed -e 's/@forward/@other/; s/"fc/"other_fc/' %S/Inputs/mlp.mlir > %t/other.mlir
// RUN: sed -e 's/@forward/@third/' %S/Inputs/mlp.mlir >> %t/other.mlir
// RUN: not qforge-calibrate %t/other.mlir --inputs %t/good.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=AMBIGUOUS
// AMBIGUOUS: error: {{.*}}other.mlir: cannot choose the entry function among @other, @third; name it with --entry
// With --entry it runs.
// RUN: qforge-calibrate %t/other.mlir --inputs %t/good.npz -o %t/ok.st --entry other | FileCheck %s --check-prefix=WROTE
// WROTE: wrote {{.*}}ok.st

// Corrupt or foreign stats files.
// RUN: %python %S/Inputs/mlp_tool.py corrupt %t/ok.st %t/trunc.st --truncate 200
// RUN: not qforge-calibrate --dump %t/trunc.st 2>&1 | FileCheck %s --check-prefix=STTRUNC
// STTRUNC: error: {{.*}}trunc.st: corrupt safetensors file: header length {{[0-9]+}} exceeds the 192 bytes that follow
// RUN: not qforge-calibrate --dump %t/good.npz 2>&1 | FileCheck %s --check-prefix=STFOREIGN
// STFOREIGN: error: {{.*}}good.npz: corrupt safetensors file: header length
// RUN: not qforge-calibrate --dump %t/none.st 2>&1 | FileCheck %s --check-prefix=STNONE
// STNONE: error: {{.*}}none.st: cannot read stats file: No such file or directory

// Option values.
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/good.npz -o %t/out.st --momentum 1.5 2>&1 | FileCheck %s --check-prefix=MOMENTUM
// MOMENTUM: error: --momentum must be in [0, 1), got 1.5
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/good.npz -o %t/out.st --percentile 0 2>&1 | FileCheck %s --check-prefix=PERCENTILE
// PERCENTILE: error: --percentile must be in (0, 100], got 0
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/good.npz 2>&1 | FileCheck %s --check-prefix=NOOUT
// NOOUT: error: -o STATS.safetensors (or --compare QUANTIZED.mlir) is required
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/good.npz -o %t/out.st --observer best 2>&1 | FileCheck %s --check-prefix=OBSERVER
// OBSERVER: Cannot find option named 'best'

// A model with nothing to observe.
// RUN: echo "func.func @f(%%x: tensor<4x8xf32>) -> tensor<4x8xf32> { return %%x : tensor<4x8xf32> }" > %t/nomatmul.mlir
// RUN: not qforge-calibrate %t/nomatmul.mlir --inputs %t/good.npz -o %t/out.st 2>&1 | FileCheck %s --check-prefix=NOTHING
// NOTHING: error: '{{.*}}nomatmul.mlir' has no matmul (or qf.observe) to observe

// Compare: mismatched signatures.
// RUN: sed -e 's/tensor<4x3xf32>/tensor<4x2xf32>/g; s/tensor<3x5xf32>/tensor<2x5xf32>/; s/\[0.3, 0.3, -0.3, 0.3, 0.3\], //' %S/Inputs/mlp.mlir > %t/narrow.mlir
// RUN: not qforge-calibrate %S/Inputs/mlp.mlir --inputs %t/good.npz --compare %t/narrow.mlir --json %t/out.json 2>&1 | FileCheck %s --check-prefix=CMPSHAPE
// CMPSHAPE: error: result 0 is tensor<4x3xf32> in '{{.*}}mlp.mlir' but tensor<4x2xf32> in '{{.*}}narrow.mlir'

// None of the failures above wrote an output file; the existing one is intact.
// RUN: not ls %t/out.st
// RUN: not ls %t/out.json
// RUN: FileCheck %s --check-prefix=KEEP < %t/existing.st
// KEEP: keep
