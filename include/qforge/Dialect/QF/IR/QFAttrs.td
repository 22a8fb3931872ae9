//===- QFAttrs.td - qf attributes and enums ----------------*- tablegen -*-===//
#ifndef QFORGE_DIALECT_QF_IR_QFATTRS_TD
#define QFORGE_DIALECT_QF_IR_QFATTRS_TD

include "qforge/Dialect/QF/IR/QFDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

class QF_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QF_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def QF_SchemeAttr : QF_Attr<"Scheme", "scheme"> {
  let summary = "a quantization scheme";
  let description = [{
    Wraps `qforge::quant::Scheme`; printed and parsed in the compact text form
    shared with pass options, command lines and cache files:

    ```mlir
    #qf.scheme<"w4g128">        // int4 weights, groups of 128 along K
    #qf.scheme<"w4g128asym">    // uint4 weights with zero points
    #qf.scheme<"a8w8-static">   // int8 activations, per-tensor static scale
    #qf.scheme<"nf4g64-bf16-dq">
    ```
  }];
  let parameters = (ins
    AttrParameter<"::qforge::quant::Scheme", "the scheme">:$scheme);
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    /// Parses `text` (e.g. "w4g128"); emits through `emitError` on failure.
    static SchemeAttr parse(::mlir::MLIRContext *context, ::llvm::StringRef text,
                            ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError);
    /// The element type weights are stored in under this scheme.
    ::mlir::Type getWeightStorageType() const;
    /// The element type of the weight scales.
    ::mlir::Type getScaleElementType() const;
  }];
}

def QF_TargetAttr : QF_Attr<"Target", "target"> {
  let summary = "a code generation target";
  let description = [{
    Wraps `qforge::Target`: `#qf.target<"host">`,
    `#qf.target<"x86_64:znver3+avx2+fma">`, `#qf.target<"aarch64+neon+dotprod">`,
    `#qf.target<"sm_90">`. `host` stays symbolic in IR and resolves to the
    machine's own CPU when code is generated (`getResolved()`).
  }];
  let parameters = (ins AttrParameter<"::qforge::Target", "the target">:$target);
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    ::qforge::Target getResolved() const { return getTarget().resolved(); }
  }];
}

def QF_ActivationNone : I32EnumAttrCase<"none", 0>;
def QF_ActivationRelu : I32EnumAttrCase<"relu", 1>;
def QF_ActivationGelu : I32EnumAttrCase<"gelu", 2>;
def QF_ActivationSilu : I32EnumAttrCase<"silu", 3>;
def QF_ActivationAttr : I32EnumAttr<"Activation",
    "element-wise activation fused into a matmul epilogue",
    [QF_ActivationNone, QF_ActivationRelu, QF_ActivationGelu,
     QF_ActivationSilu]> {
  let cppNamespace = "::qforge::qf";
}

def QF_CodebookNF4 : I32EnumAttrCase<"nf4", 0>;
def QF_CodebookEnum : I32EnumAttr<"Codebook",
    "a non-uniform 4-bit codebook", [QF_CodebookNF4]> {
  let cppNamespace = "::qforge::qf";
  let genSpecializedAttr = 0;
}
def QF_CodebookAttr : EnumAttr<QF_Dialect, QF_CodebookEnum, "codebook"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // QFORGE_DIALECT_QF_IR_QFATTRS_TD
