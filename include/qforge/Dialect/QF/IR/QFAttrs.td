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

//===----------------------------------------------------------------------===//
// The CPU kernel chosen for a qf.matmul
//===----------------------------------------------------------------------===//

def QF_CPUKernelFloat : I32EnumAttrCase<"Float", 0, "float">;
def QF_CPUKernelInt8Activations : I32EnumAttrCase<"Int8Activations", 1, "int8_activations">;
def QF_CPUKernelInt8 : I32EnumAttrCase<"Int8", 2, "int8">;
def QF_CPUKernelKind : I32EnumAttr<"CPUKernelKind",
    "the arithmetic of a CPU matmul kernel",
    [QF_CPUKernelFloat, QF_CPUKernelInt8Activations, QF_CPUKernelInt8]> {
  let cppNamespace = "::qforge::qf";
  let genSpecializedAttr = 0;
}

def QF_CPULayoutUnpacked : I32EnumAttrCase<"Unpacked", 0, "unpacked">;
def QF_CPULayoutTiled : I32EnumAttrCase<"Tiled", 1, "tiled">;
def QF_CPULayoutLookup : I32EnumAttrCase<"Lookup", 2, "lookup">;
def QF_CPULayoutDot : I32EnumAttrCase<"Dot", 3, "dot">;
def QF_CPUWeightLayout : I32EnumAttr<"CPUWeightLayout",
    "how a CPU kernel's weights are laid out",
    [QF_CPULayoutUnpacked, QF_CPULayoutTiled, QF_CPULayoutLookup,
     QF_CPULayoutDot]> {
  let cppNamespace = "::qforge::qf";
  let genSpecializedAttr = 0;
}

def QF_CPUKernelAttr : QF_Attr<"CPUKernel", "cpu_kernel"> {
  let summary = "the CPU kernel that runs a qf.matmul";
  let description = [{
    Written on each `qf.matmul` (as the discardable attribute `qf.cpu.kernel`)
    by `--qf-cpu-select-kernels`, by autoquant or by hand; `--qf-pack-weights`
    and `--qf-lower-to-cpu` only read it (docs/KERNELS.md "Kernel
    selection"):

    ```mlir
    #qf.cpu_kernel<kind = float, layout = tiled, nr = 4, kb = 32, large_m = 32>
    #qf.cpu_kernel<kind = int8_activations, layout = dot, nr = 8, kb = 64>
    #qf.cpu_kernel<kind = int8, layout = unpacked, nr = 4, large_m = 32>
    ```

    - `kind`: `float` (weights decoded to f32 in registers, f32
      accumulation), `int8_activations` (activations quantized to int8 per
      weight group at run time, integer dot products), `int8` (a8w8 schemes:
      int8 x int8 in i32);
    - `layout`: `unpacked` (the weight operand as it is), or packed by
      `--qf-pack-weights` in tiles of `nr` rows and blocks of `kb` elements
      along K: `tiled`, `lookup` (4-bit table codes ordered for byte
      shuffles), `dot` (the int8-activation kernel's dot order);
    - `nr`: weight rows per tile; `kb`: elements per block (0 unpacked);
    - `large_m`: from this many lhs rows on the large-M GEMM kernel runs
      (chosen at run time for a dynamic M); 0: never.

    The attribute verifies its own consistency; whether it fits the op's
    scheme, shape and target is checked where it is read.
  }];
  let parameters = (ins
    EnumParameter<QF_CPUKernelKind>:$kind,
    EnumParameter<QF_CPUWeightLayout>:$layout,
    "int64_t":$nr,
    DefaultValuedParameter<"int64_t", "0">:$kb,
    DefaultValuedParameter<"int64_t", "0">:$large_m);
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    bool isPacked() const {
      return getLayout() != ::qforge::qf::CPUWeightLayout::Unpacked;
    }
  }];
}

#endif // QFORGE_DIALECT_QF_IR_QFATTRS_TD
