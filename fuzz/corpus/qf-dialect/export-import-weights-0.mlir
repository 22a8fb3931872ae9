// Quantized weights exported with --qf-export-weights and imported into the
// float model with --qf-import-weights give back the same module, byte for
// byte, for each family of schemes and algorithms.
// The quantization map names each layer's scheme, algorithm and storage.
// MAP: "quantization_map":"{\"fc1\":{\"algorithm\":\"hqq\",\"scheme\":\"w4g32asym\",\"storage\":\"ui4\"},\"fc2\":{{.*}}}"
// Errors: a file that is not one, a layer the model lacks, a shape mismatch.
// MISSING: error: qf-import-weights: {{.*}}missing
// NOLAYER: error: qf-import-weights: layer 'fc1' of '{{.*}}' is not a matmul with a constant weight in this module
// NOFILE: error: qf-export-weights: no file given

func.func @other(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  return %x : tensor<2x4xf32>
}
