// RUN: qforge-opt %s -split-input-file -verify-diagnostics

func.func @per_tensor_scale_rank(%x: tensor<4x8xf32>, %s: tensor<4xf32>) {
  // expected-error @+1 {{per-tensor scale must be rank 0, got shape [4]}}
  %q = qf.quantize %x, %s : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xi8>
  return
}

// -----

func.func @per_axis_scale_size(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{per-axis scale must have shape [4] (dimension 0 of the data), got [8]}}
  %q = qf.quantize %x, %s {axis = 0 : i64} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xi8>
  return
}

// -----

func.func @axis_out_of_range(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %q = qf.quantize %x, %s {axis = 2 : i64} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xi8>
  return
}

// -----

func.func @blocked_scale_shape(%x: tensor<4x70xf32>, %s: tensor<4x2xf32>) {
  // expected-error @+1 {{blocked scale must have shape [4, 3] (dimension 1 divided by block_size 32, rounded up), got [4, 2]}}
  %q = qf.quantize %x, %s {axis = 1 : i64, block_size = 32 : i64} : (tensor<4x70xf32>, tensor<4x2xf32>) -> tensor<4x70xi4>
  return
}

// -----

func.func @block_without_axis(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{'block_size' needs an 'axis'}}
  %q = qf.quantize %x, %s {block_size = 4 : i64} : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xi8>
  return
}

// -----

func.func @bad_block_size(%x: tensor<4x8xf32>, %s: tensor<4x8xf32>) {
  // expected-error @+1 {{block_size must be positive, got 0}}
  %q = qf.quantize %x, %s {axis = 1 : i64, block_size = 0 : i64} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xi8>
  return
}

// -----

func.func @bad_storage(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{storage element type must be i8, ui8, i4, ui4, i2, ui2, f8E4M3FN, f8E5M2 or f4E2M1FN, got 'i16'}}
  %q = qf.quantize %x, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xi16>
  return
}

// -----

func.func @zero_point_type(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<i8>) {
  // expected-error @+1 {{zero point element type 'i8' must be the storage type 'ui8'}}
  %q = qf.quantize %x, %s, %z : (tensor<4x8xf32>, tensor<f32>, tensor<i8>) -> tensor<4x8xui8>
  return
}

// -----

func.func @zero_point_shape(%x: tensor<4x8xf32>, %s: tensor<4xf32>, %z: tensor<8xui8>) {
  // expected-error @+1 {{zero point shape [8] must match the scale shape [4]}}
  %q = qf.quantize %x, %s, %z {axis = 0 : i64} : (tensor<4x8xf32>, tensor<4xf32>, tensor<8xui8>) -> tensor<4x8xui8>
  return
}

// -----

func.func @float_storage_zero_point(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<f8E4M3FN>) {
  // expected-error @+1 {{takes no zero point with float storage}}
  %q = qf.quantize %x, %s, %z : (tensor<4x8xf32>, tensor<f32>, tensor<f8E4M3FN>) -> tensor<4x8xf8E4M3FN>
  return
}

// -----

func.func @codebook_storage(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{with codebook 'nf4' needs 'ui4' storage, got 'i4'}}
  %q = qf.quantize %x, %s {codebook = #qf.codebook<nf4>} : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xi4>
  return
}

// -----

func.func @shape_mismatch(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{result shape [4, 9] must match the input shape [4, 8]}}
  %q = qf.quantize %x, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x9xi8>
  return
}

// -----

func.func @dequantize_float_input(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{storage element type must be}}
  %q = qf.dequantize %x, %s : (tensor<4x8xf32>, tensor<f32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @dynamic_scale_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{scale must have shape [4], got []}}
  %q, %s, %z = qf.dynamic_quantize %x per_row : tensor<4x8xf32> -> tensor<4x8xi8>, tensor<f32>, tensor<i8>
  return
}

// -----

func.func @dynamic_zero_point_type(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{zero point element type 'i8' must match the result's 'ui8'}}
  %q, %s, %z = qf.dynamic_quantize %x : tensor<4x8xf32> -> tensor<4x8xui8>, tensor<f32>, tensor<i8>
  return
}

// -----

func.func @observe_empty_id(%x: tensor<4xf32>) {
  // expected-error @+1 {{needs a non-empty id}}
  %y = qf.observe %x id "" : tensor<4xf32>
  return
}

// -----

func.func @matmul_k_mismatch(%x: tensor<8x128xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{reduction sizes differ: lhs has K = 128, weight has K = 256}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<8x128xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_result_shape(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{result shape must be [8, 64], got [8, 32]}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x32xf32>
  return
}

// -----

func.func @matmul_weight_type(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64x2xf32>) {
  // expected-error @+1 {{scheme 'w4g128' stores weights as 'i4', got 'i8'}}
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64x2xf32>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_group_scale_shape(%x: tensor<8x200xf32>, %w: tensor<64x200xi4>, %s: tensor<64x1xf32>) {
  // expected-error @+1 {{scheme 'w4g128' needs weight scales of shape [64, 2], got [64, 1]}}
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) : (tensor<8x200xf32>, tensor<64x200xi4>, tensor<64x1xf32>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_scale_dtype(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{scheme 'w8-f16' has 'f16' scales, got 'f32'}}
  %y = qf.matmul #qf.scheme<"w8-f16"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_missing_scale(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>) {
  // expected-error @+1 {{scheme 'w8' needs a weight scale}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w : (tensor<8x256xf32>, tensor<64x256xi8>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_asym_needs_zero_point(%x: tensor<8x256xf32>, %w: tensor<64x256xui4>, %s: tensor<64x2xf32>) {
  // expected-error @+1 {{scheme 'w4g128asym' is asymmetric and needs a zero point}}
  %y = qf.matmul #qf.scheme<"w4g128asym"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xui4>, tensor<64x2xf32>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_sym_no_zero_point(%x: tensor<8x256xf32>, %w: tensor<64x256xi4>, %s: tensor<64x2xf32>, %z: tensor<64x2xi4>) {
  // expected-error @+1 {{scheme 'w4g128' is symmetric and takes no zero point}}
  %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) zero_point(%z) : (tensor<8x256xf32>, tensor<64x256xi4>, tensor<64x2xf32>, tensor<64x2xi4>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_static_needs_lhs_scale(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{static scheme 'a8w8-static' needs a rank-0 lhs_scale}}
  %y = qf.matmul #qf.scheme<"a8w8-static"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_dynamic_no_lhs_scale(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>, %xs: tensor<f32>) {
  // expected-error @+1 {{dynamic scheme 'a8w8' computes activation scales at run time; remove lhs_scale}}
  %y = qf.matmul #qf.scheme<"a8w8"> %x, %w scale(%s) lhs_scale(%xs) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>, tensor<f32>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_weight_only_int_lhs(%x: tensor<8x256xi8>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{scheme 'w8' is weight-only: lhs must be float and take no lhs_scale}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<8x256xi8>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_bias_shape(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>, %b: tensor<32xf32>) {
  // expected-error @+1 {{bias must have shape [64], got [32]}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) bias(%b) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>, tensor<32xf32>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_requant_type(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>, %os: tensor<f32>) {
  // expected-error @+1 {{a requantized result must be i8 or ui8, got 'f32'}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) output_scale(%os) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>, tensor<f32>) -> tensor<8x64xf32>
  return
}

// -----

func.func @matmul_int_result_without_scale(%x: tensor<8x256xf32>, %w: tensor<64x256xi8>, %s: tensor<64xf32>) {
  // expected-error @+1 {{result must be float unless output_scale is given, got 'i8'}}
  %y = qf.matmul #qf.scheme<"w8"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xi8>, tensor<64xf32>) -> tensor<8x64xi8>
  return
}

// -----

func.func @matmul_f32_no_scale(%x: tensor<8x256xf32>, %w: tensor<64x256xf32>, %s: tensor<64xf32>) {
  // expected-error @+1 {{scheme 'f32' takes no weight scale or zero point}}
  %y = qf.matmul #qf.scheme<"f32"> %x, %w scale(%s) : (tensor<8x256xf32>, tensor<64x256xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  return
}
