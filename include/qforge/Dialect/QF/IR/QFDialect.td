//===- QFDialect.td - The qf dialect -----------------------*- tablegen -*-===//
#ifndef QFORGE_DIALECT_QF_IR_QFDIALECT_TD
#define QFORGE_DIALECT_QF_IR_QFDIALECT_TD

include "mlir/IR/OpBase.td"

def QF_Dialect : Dialect {
  let name = "qf";
  let summary = "QForge quantized tensors and quantized matmul";
  let description = [{
    The `qf` dialect represents quantization on tensors. Scales and zero points
    are SSA values (tensors), never arrays inside a type, so that weights with
    millions of scales stay practical. A scheme (`#qf.scheme<"w4g128">`) is a
    small attribute; a target (`#qf.target<"x86_64+avx2+fma">`) too.

    Storage element types: signless `iN` is a signed integer, `uiN` an
    unsigned one (N in 8, 4, 2); `f8E4M3FN`, `f8E5M2` and `f4E2M1FN` are the
    float8 and FP4 formats; NF4 codes are stored as `ui4` with
    `codebook = nf4`.
  }];
  let cppNamespace = "::qforge::qf";
  let useDefaultAttributePrinterParser = 1;
  // The discardable qf.* attributes with typed values (QFAttrNames.h).
  let hasOperationAttrVerify = 1;
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

class QF_Op<string mnemonic, list<Trait> traits = []>
    : Op<QF_Dialect, mnemonic, traits>;

#endif // QFORGE_DIALECT_QF_IR_QFDIALECT_TD
