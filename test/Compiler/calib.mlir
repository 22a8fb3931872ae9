// REQUIRES: onnx
// qforge-compile --calib: in-process calibration on samples named after the
// model's inputs, statistics fed to gptq / awq / smoothquant / a8w8-static,
// per-layer errors in the report (table, report.json, report.svg), and
// errors that name the array and the shape it needs, leaving nothing behind.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; rng = np.random.default_rng(1); x = rng.standard_normal((16, 4, 128)).astype(np.float32); x[:, :, [3, 77, 100]] *= 20.0; np.savez(r'%t/samples.npz', x=x); np.savez(r'%t/positional.npz', arg0=x); np.savez(r'%t/short.npz', x=x[:, :, :100]); np.savez(r'%t/extra.npz', x=x, y=x)"
// RUN: qforge-compile %S/../../examples/mlp_model.mlir -o %t/f32 --quiet
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme w4g32 --sensitive-layers=quantize --algorithm gptq -o %t/gptq | FileCheck %s --check-prefix=GPTQ
// RUN: FileCheck %s --check-prefix=JSON < %t/gptq/report.json
// RUN: FileCheck %s --check-prefix=SVG < %t/gptq/report.svg
// RUN: run_mlp %t/f32/mlp.so %t/gptq/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=W4
// Deterministic with calibration too.
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme w4g32 --sensitive-layers=quantize --algorithm gptq -o %t/gptq2 --quiet
// RUN: cmp %t/gptq/mlp.so %t/gptq2/mlp.so
// RUN: cmp %t/gptq/report.json %t/gptq2/report.json
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme w4g32 --sensitive-layers=quantize --algorithm awq -o %t/awq | FileCheck %s --check-prefix=AWQ
// RUN: run_mlp %t/f32/mlp.so %t/awq/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=W4
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme a8w8 --algorithm smoothquant -o %t/sq | FileCheck %s --check-prefix=SQ
// RUN: run_mlp %t/f32/mlp.so %t/sq/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=A8
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --scheme a8w8-static -o %t/static | FileCheck %s --check-prefix=STATIC
// RUN: run_mlp %t/f32/mlp.so %t/static/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=A8
// (python/tests checks the reported errors against the libraries' own.)
// --stats takes qforge-calibrate's statistics instead (no errors measured).
// RUN: qforge-calibrate %S/../../examples/mlp_model.mlir --inputs %t/positional.npz -o %t/stats.safetensors > /dev/null
// RUN: qforge-compile %S/../../examples/mlp_model.mlir --stats %t/stats.safetensors --scheme w4g32 --sensitive-layers=quantize --algorithm gptq -o %t/stats --quiet
// RUN: run_mlp %t/f32/mlp.so %t/stats/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=W4

// GPTQ: layer  scheme        algorithm   bytes before   bytes after   ratio   rel.error
// GPTQ-NEXT: fc1    w4g32         gptq      {{.*}} {{[0-9]\.[0-9][0-9]e-0[1-3]}}
// GPTQ-NEXT: fc2    w4g32         gptq      {{.*}} {{[0-9]\.[0-9][0-9]e-0[1-3]}}
// GPTQ: output y: relative error {{[0-9]\.[0-9][0-9]e-0[1-3]}} on 16 calibration samples
// JSON: "calibration_samples": 16,
// JSON: "layers": [
// JSON: "algorithm": "gptq",
// JSON-NEXT: "int8_activations": false,
// JSON-NEXT: "kind": "matmul",
// JSON-NEXT: "name": "fc1",
// JSON-NEXT: "rel_error": {{[0-9]\.[0-9]+(e-0[0-9])?}},
// JSON-NEXT: "scheme": "w4g32",
// JSON-NEXT: "sqnr_db": {{[1-9][0-9]\.[0-9]+}},
// JSON: "output_errors": [
// JSON-NEXT: {
// JSON-NEXT: "name": "y",
// JSON-NEXT: "rel_error": {{[0-9]\.[0-9]+(e-0[0-9])?}},
// SVG: relative output error on the calibration samples</text>
// SVG: B, {{[0-9.]+}}x, error {{[0-9]\.[0-9][0-9]e-0[1-3]}}</text>
// AWQ: fc1    w4g32         awq       {{.*}} {{[0-9]\.[0-9][0-9]e-0[1-3]}}
// SQ: fc1    a8w8          smoothquant{{.*}} {{[0-9]\.[0-9][0-9]e-0[2-4]}}
// STATIC: fc1    a8w8-static   rtn       {{.*}} {{[0-9]\.[0-9][0-9]e-0[2-4]}}
// W4: relative error 0.{{[01][0-9]+}}
// A8: relative error 0.0{{[0-4][0-9]+}}

// Errors: a message naming the array and the shape it needs, exit 1, and no
// file in OUTDIR.
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --calib %t/positional.npz --scheme a8w8-static -o %t/err1 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: test ! -e %t/err1/mlp.so
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --calib %t/short.npz --scheme a8w8-static -o %t/err2 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: test ! -e %t/err2/mlp.so
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --calib %t/extra.npz --scheme w8 -o %t/err3 2>&1 | FileCheck %s --check-prefix=EXTRA
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --calib %t/none.npz --scheme w8 -o %t/err4 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --scheme a8w8-static -o %t/err5 2>&1 | FileCheck %s --check-prefix=NOSTATS
// RUN: not qforge-compile %S/../../examples/mlp_model.mlir --calib %t/samples.npz --stats %t/stats.safetensors --scheme w8 -o %t/err6 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: test ! -e %t/err3/mlp.so && test ! -e %t/err4/mlp.so && test ! -e %t/err5/mlp.so && test ! -e %t/err6/mlp.so
// MISSING: error: {{.*}}positional.npz: no array 'x' for argument 0 of @mlp (tensor<4x128xf32>); @mlp takes 1 argument(s), the file has: arg0
// SHAPE: error: {{.*}}short.npz: array 'x' has shape [16, 4, 100], i.e. samples of shape [4, 100], but argument 0 of @mlp is tensor<4x128xf32> (shape [4, 128]); the array needs shape [N, 4, 128]
// EXTRA: error: {{.*}}extra.npz: array 'y' is not an argument of @mlp, which takes 1 argument(s): x
// NOFILE: error: {{.*}}none.npz: cannot read: No such file or directory
// NOSTATS: error: {{.*}}
// BOTH: error: --calib and --stats both give calibration statistics; choose one
