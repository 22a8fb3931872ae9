// REQUIRES: onnx
// The whole flow with the tools: calibrate the example MLP on samples that
// look like its input (outlier channels), quantize with GPTQ / AWQ /
// SmoothQuant / static int8 from those statistics, compile to shared
// libraries and run them against float; and compare mode's per-layer report.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; rng = np.random.default_rng(1); x = rng.standard_normal((32, 4, 128)).astype(np.float32); x[:, :, [3, 77, 100]] *= 20.0; np.savez(r'%t/samples.npz', arg0=x)"
// RUN: qforge-calibrate %S/../../examples/mlp_model.mlir --inputs %t/samples.npz -o %t/stats.safetensors
// RUN: qforge-compile %S/../../examples/mlp_model.mlir -o %t/f32 --quiet
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --qf-quantize="scheme=w4g32 algorithm=gptq stats=%t/stats.safetensors sensitive-layers=quantize" -mlir-print-debuginfo -o %t/gptq.mlir
// RUN: qforge-compile %t/gptq.mlir -o %t/gptq --quiet
// RUN: run_mlp %t/f32/mlp.so %t/gptq/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=W4
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --qf-quantize="scheme=w4g32 algorithm=gptq gptq-act-order=true gptq-damp=0.05 stats=%t/stats.safetensors sensitive-layers=quantize" -o %t/gptq-ao.mlir
// RUN: qforge-compile %t/gptq-ao.mlir -o %t/gptq-ao --quiet
// RUN: run_mlp %t/f32/mlp.so %t/gptq-ao/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=W4
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --qf-quantize="scheme=w4g32 algorithm=awq awq-clip=true stats=%t/stats.safetensors sensitive-layers=quantize" -o %t/awq.mlir
// RUN: qforge-compile %t/awq.mlir -o %t/awq --quiet
// RUN: run_mlp %t/f32/mlp.so %t/awq/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=W4
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --qf-quantize="scheme=a8w8 algorithm=smoothquant smoothquant-alpha=0.6 stats=%t/stats.safetensors" -o %t/sq.mlir
// RUN: qforge-compile %t/sq.mlir -o %t/sq --quiet
// RUN: run_mlp %t/f32/mlp.so %t/sq/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=A8
// RUN: qforge-opt %S/../../examples/mlp_model.mlir --qf-quantize="scheme=a8w8-static stats=%t/stats.safetensors" -o %t/static.mlir
// RUN: qforge-compile %t/static.mlir -o %t/static --quiet
// RUN: run_mlp %t/f32/mlp.so %t/static/mlp.so %S/../../examples/mlp_input.bin 3 | FileCheck %s --check-prefix=STATIC
// The compare report names each layer with its scheme and algorithm (layer
// names live in locations: keep them with -mlir-print-debuginfo).
// RUN: qforge-calibrate %S/../../examples/mlp_model.mlir --inputs %t/samples.npz --compare %t/gptq.mlir --json %t/report.json > /dev/null
// RUN: FileCheck %s --check-prefix=REPORT < %t/report.json
// Statistics of one model are refused for another.
// RUN: not qforge-opt %S/../../examples/mlp.mlir --qf-quantize="scheme=w4g32 algorithm=gptq stats=%t/stats.safetensors sensitive-layers=quantize" 2>&1 | FileCheck %s --check-prefix=OTHER

// W4: relative error 0.{{[01][0-9]+}}
// A8: relative error 0.0{{[0-4][0-9]+}}
// STATIC: relative error 0.0{{[0-9]+}}
// REPORT: "layers"
// REPORT: "name": "fc1"
// REPORT-NEXT: "scheme": "w4g32"
// REPORT-NEXT: "algorithm": "gptq"
// OTHER: error: qf-quantize: stats file '{{.*}}stats.safetensors' was recorded on a different model
