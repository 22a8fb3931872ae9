//===- QFOps.td - qf operations ----------------------------*- tablegen -*-===//
#ifndef QFORGE_DIALECT_QF_IR_QFOPS_TD
#define QFORGE_DIALECT_QF_IR_QFOPS_TD

include "qforge/Dialect/QF/IR/QFDialect.td"
include "qforge/Dialect/QF/IR/QFAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

def QF_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;

//===----------------------------------------------------------------------===//
// quantize / dequantize
//===----------------------------------------------------------------------===//

class QF_QuantLayoutOp<string mnemonic, list<Trait> traits = []>
    : QF_Op<mnemonic, !listconcat(traits, [Pure])> {
  code layoutDoc = [{
    The layout of `scale` (and `zero_point`, which has the same shape and the
    storage element type) follows ONNX QuantizeLinear:
    - no `axis`: per tensor, `scale` is a rank-0 tensor;
    - `axis` only: per axis, `scale` is rank 1 with the size of that dimension;
    - `axis` and `block_size`: blocked, `scale` has the input's rank and shape
      except along `axis`, where it has `ceil(dim / block_size)` elements.
    Integer storage may be `i8`/`ui8`/`i4`/`ui4`/`i2`/`ui2`; float storage
    `f8E4M3FN`, `f8E5M2`, `f4E2M1FN` (no zero point); with `codebook = nf4` the
    storage is `ui4` holding NF4 codes (no zero point).
  }];
  let hasVerifier = 1;
}

def QF_QuantizeOp : QF_QuantLayoutOp<"quantize"> {
  let summary = "quantize a float tensor with given scales";
  let description = [{
    `q = saturate(round_half_even(x / scale) + zero_point)` for integer
    storage (NaN maps to the zero point, ±Inf saturate); float8/FP4 storage is
    `x / scale` rounded to nearest-even and saturated to the largest finite
    value; NF4 picks the nearest of the 16 NF4 levels of `x / scale`. The
    numeric core (`lib/Quant`) defines these bit for bit; see docs/NUMERICS.md.
  }] # layoutDoc # [{

    ```mlir
    %q = qf.quantize %x, %s, %zp {axis = 1 : i64, block_size = 32 : i64}
        : (tensor<4x64xf32>, tensor<4x2xf32>, tensor<4x2xui4>) -> tensor<4x64xui4>
    ```
  }];
  let arguments = (ins QF_FloatTensor:$input, QF_FloatTensor:$scale,
                       Optional<AnyRankedTensor>:$zero_point,
                       OptionalAttr<I64Attr>:$axis,
                       OptionalAttr<I64Attr>:$block_size,
                       OptionalAttr<QF_CodebookAttr>:$codebook);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? attr-dict `:` functional-type(operands, results)
  }];
}

def QF_DequantizeOp : QF_QuantLayoutOp<"dequantize"> {
  let summary = "dequantize a tensor with given scales";
  let description = [{
    `x = (q - zero_point) * scale` computed in f32 (then rounded to the
    result's float type); float storage is decoded exactly and multiplied by
    the scale; NF4 codes index the NF4 table.
  }] # layoutDoc # [{

    ```mlir
    %x = qf.dequantize %q, %s {axis = 0 : i64}
        : (tensor<16x8xi8>, tensor<16xf32>) -> tensor<16x8xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, QF_FloatTensor:$scale,
                       Optional<AnyRankedTensor>:$zero_point,
                       OptionalAttr<I64Attr>:$axis,
                       OptionalAttr<I64Attr>:$block_size,
                       OptionalAttr<QF_CodebookAttr>:$codebook);
  let results = (outs QF_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale (`,` $zero_point^)? attr-dict `:` functional-type(operands, results)
  }];
}

def QF_DynamicQuantizeOp : QF_Op<"dynamic_quantize", [Pure]> {
  let summary = "quantize with scales chosen at run time from the data";
  let description = [{
    Chooses the scale (and zero point) from the input's range at run time,
    per tensor or, with `per_row`, per row (reducing over the last dimension:
    `scale` has the input's shape without its last dimension).

    - `ui8` result: asymmetric, exactly ONNX DynamicQuantizeLinear: the range
      is extended to include 0, `scale = (max - min) / 255`,
      `zero_point = saturate(round_half_even(-min / scale))`.
    - `i8` result: symmetric, `scale = max|x| / 127`, `zero_point = 0`.
    An all-zero range gives `scale = 1`.

    ```mlir
    %q, %s, %zp = qf.dynamic_quantize %x per_row
        : tensor<4x64xf32> -> tensor<4x64xi8>, tensor<4xf32>, tensor<4xi8>
    ```
  }];
  let arguments = (ins RankedTensorOf<[F32]>:$input, UnitAttr:$per_row);
  let results = (outs RankedTensorOf<[I8, UI8]>:$result,
                      RankedTensorOf<[F32]>:$scale,
                      RankedTensorOf<[I8, UI8]>:$zero_point);
  let assemblyFormat = [{
    $input (`per_row` $per_row^)? attr-dict `:` type($input) `->` type($result) `,` type($scale) `,` type($zero_point)
  }];
  let hasVerifier = 1;
}

def QF_ObserveOp : QF_Op<"observe", [AllTypesMatch<["input", "result"]>]> {
  let summary = "calibration tap: records statistics of a value";
  let description = [{
    Returns its input unchanged. Calibration lowers it to code that records
    the value's statistics under `id`; every other lowering drops it. It has a
    (memory) side effect so that it is not folded away before calibration.

    ```mlir
    %y = qf.observe %x id "fc1.input" : tensor<8x512xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, StrAttr:$id);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input `id` $id attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

def QF_MatmulOp : QF_Op<"matmul", [Pure, AttrSizedOperandSegments]> {
  let summary = "matmul of activations with quantized weights, fused epilogue";
  let description = [{
    `result[..., m, n] = epilogue(sum_k lhs[..., m, k] * W[n, k])` where `W` is
    `weight` ([N, K], output channel first) dequantized under `scheme`.

    Operands beyond `lhs` and `weight`, by keyword:
    - `scale(%s)`: weight scales, required unless the scheme is `f32`:
      rank 0 (per tensor), `[N]` (per channel) or `[N, ceil(K/G)]` (groups of
      G along K), element type from the scheme (f32/f16/bf16);
    - `zero_point(%z)`: same shape as the scales, storage element type;
      present exactly when the scheme is asymmetric;
    - `lhs_scale(%s)`: activation scale. A static scheme (`a8w8-static`) with
      float `lhs` needs a rank-0 scale; an `i8` `lhs` (already quantized)
      needs its scale, rank 0 or per row (lhs shape without the last dim);
    - `bias(%b)`: `[N]`; `residual(%r)`: the result's shape;
    - `output_scale(%s)` / `output_zero_point(%z)`: rank 0; requantize the
      result to `i8`/`ui8`.
    Epilogue order: `+ bias`, `activation`, `+ residual`, requantize.

    ```mlir
    %y = qf.matmul #qf.scheme<"w4g128"> %x, %w scale(%s) bias(%b) activation(relu)
        : (tensor<8x256xf32>, tensor<64x256xi4>, tensor<64x2xf32>, tensor<64xf32>) -> tensor<8x64xf32>
    ```
  }];
  let arguments = (ins
    RankedTensorOf<[F32, F16, BF16, I8]>:$lhs,
    AnyRankedTensor:$weight,
    QF_SchemeAttr:$scheme,
    Optional<QF_FloatTensor>:$weight_scale,
    Optional<AnyRankedTensor>:$weight_zero_point,
    Optional<QF_FloatTensor>:$lhs_scale,
    Optional<QF_FloatTensor>:$bias,
    Optional<QF_FloatTensor>:$residual,
    Optional<QF_FloatTensor>:$output_scale,
    Optional<RankedTensorOf<[I8, UI8]>>:$output_zero_point,
    OptionalAttr<QF_ActivationAttr>:$activation);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = [{
    qualified($scheme) $lhs `,` $weight
    (`scale` `(` $weight_scale^ `)`)?
    (`zero_point` `(` $weight_zero_point^ `)`)?
    (`lhs_scale` `(` $lhs_scale^ `)`)?
    (`bias` `(` $bias^ `)`)?
    (`residual` `(` $residual^ `)`)?
    (`output_scale` `(` $output_scale^ `)`)?
    (`output_zero_point` `(` $output_zero_point^ `)`)?
    (`activation` `(` $activation^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::qforge::quant::Scheme getQuantScheme() { return getScheme().getScheme(); }
    ::qforge::qf::Activation getActivationKind() {
      return getActivation().value_or(::qforge::qf::Activation::none);
    }
  }];
}

#endif // QFORGE_DIALECT_QF_IR_QFOPS_TD
