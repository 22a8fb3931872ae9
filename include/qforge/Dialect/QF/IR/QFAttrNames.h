//===- QFAttrNames.h - The qf dialect's discardable attributes --*- C++ -*-===//
//
// Every `qf.*` attribute that passes put on operations they do not own, named
// once. QFDialect::verifyOperationAttribute checks the ones whose value has a
// type of its own (the target, the kernel config).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_DIALECT_QF_IR_QFATTRNAMES_H
#define QFORGE_DIALECT_QF_IR_QFATTRNAMES_H

#include "llvm/ADT/StringRef.h"

namespace qforge::qf {

/// On a module: the #qf.target code is generated for (qf-attach-target).
inline constexpr llvm::StringLiteral kTargetAttrName = "qf.target";
/// On a qf.matmul: the #qf.cpu_kernel that runs it (qf-cpu-select-kernels).
inline constexpr llvm::StringLiteral kCPUKernelAttrName = "qf.cpu.kernel";
/// On a qf.matmul: the packed global and its layout (qf-pack-weights).
inline constexpr llvm::StringLiteral kCPUPackedAttrName = "qf.cpu.packed";
/// On a qf.matmul: the algorithm that quantized it (qf-quantize).
inline constexpr llvm::StringLiteral kAlgorithmAttrName = "qf.algorithm";
/// On a float matmul: autoquant's decision, {scheme = "CANDIDATE"
/// (a scheme, "+i8act" for int8 activations), kernel = #qf.cpu_kernel
/// (optional)}, which qf-quantize applies (qf-autoquant, lib/Autoquant).
inline constexpr llvm::StringLiteral kAutoquantAttrName = "qf.autoquant";
/// On a qf.matmul: run it with the int8-activation kernel (a plan's
/// "+i8act" without a kernel config); qf-cpu-select-kernels reads it.
inline constexpr llvm::StringLiteral kCPUInt8ActivationsAttrName =
    "qf.cpu.int8_activations";
/// On a qf.matmul: why the int8-activation kernel that the pass-wide
/// policy asked for does not run it (a string; qf-cpu-select-kernels),
/// for the compile report.
inline constexpr llvm::StringLiteral kCPUInt8ActivationsNotAppliedAttrName =
    "qf.cpu.int8_activations_not_applied";
/// On a matmul-like linalg op: what the model's layer is, when it is not a
/// plain matmul: "conv" for a convolution the importer wrote as im2col and
/// a matmul (qf-quantize's `only`, the compile report's `kind`).
inline constexpr llvm::StringLiteral kLayerKindAttrName = "qf.layer_kind";
/// On a qf.matmul: the whole-model scheme it was asked to take and why it
/// kept a wider one instead, {requested = "SCHEME", reason = "..."}
/// (qf-quantize's sensitive-layer policy; the compile report shows it).
inline constexpr llvm::StringLiteral kKeptWiderAttrName = "qf.kept_wider";
/// On function arguments and results: the model's tensor names.
inline constexpr llvm::StringLiteral kNameAttrName = "qf.name";
/// On function arguments: names of the dynamic dimensions.
inline constexpr llvm::StringLiteral kDimNamesAttrName = "qf.dim_names";
/// On qf.observe: the contraction dimension of a transposed lhs.
inline constexpr llvm::StringLiteral kChannelDimAttrName = "qf.channel_dim";
/// On the matmul's activation scaling (AWQ / SmoothQuant divisors).
inline constexpr llvm::StringLiteral kActivationScalingAttrName =
    "qf.activation_scaling";

/// On the ops of the CPU kernels: loops and values the later CPU passes
/// rewrite. The kernels' parallel loop (qf-cpu-outline-parallel):
inline constexpr llvm::StringLiteral kParallelGrainAttrName =
    "qf.cpu.parallel_grain";
/// Byte dots lowered to x86 intrinsics by qf-lower-cpu-lookups:
/// vpmaddubsw, vpmaddwd, vpdpbusd, vpsignb.
inline constexpr llvm::StringLiteral kMaddUbsAttrName = "qf.cpu.maddubs";
inline constexpr llvm::StringLiteral kPairSumAttrName = "qf.cpu.pair_sum";
inline constexpr llvm::StringLiteral kDotBusdAttrName = "qf.cpu.dpbusd";
inline constexpr llvm::StringLiteral kSignByAttrName = "qf.cpu.sign_by";

} // namespace qforge::qf

#endif // QFORGE_DIALECT_QF_IR_QFATTRNAMES_H
