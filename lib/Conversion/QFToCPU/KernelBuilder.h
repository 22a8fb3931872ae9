//===- KernelBuilder.h - Shared pieces of the CPU kernels -------*- C++ -*-===//
//
// Small IR builders and the kernel configuration shared by the lowering of
// qf.matmul to vector loops (LowerToCPU.cpp) and the weight sources it reads
// (unpacked operands or packed globals).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_CONVERSION_QFTOCPU_KERNELBUILDER_H
#define QFORGE_LIB_CONVERSION_QFTOCPU_KERNELBUILDER_H

#include "qforge/Target/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

namespace qforge::cpu {

/// Tile sizes and instruction choices, from the target.
struct KernelConfig {
  int64_t vl = 8;  ///< f32 lanes of one vector register.
  int64_t nr = 4;  ///< Weight rows (output channels) per tile.
  int64_t mr = 2;  ///< Activation rows per tile (M > 1).
  int64_t ki = 32; ///< int8 elements per K step of the integer kernel.
  /// Large-M (prefill) GEMM kernel (LargeMKernel.h): used from this many
  /// lhs rows on (measured on Zen 3: at M = 16 the small-M kernels are as
  /// fast or faster, from 32 on slower); MR x (2 * VL) register tile; K
  /// blocks of kcFloat / kcInt elements (decoded tiles of 512 x 16 f32 =
  /// 32 KiB and 256 x 16 int16 pairs = 16 KiB on AVX2; 512 beat 128 and 256
  /// for f32, fewer passes over the accumulators).
  int64_t largeM = 32;
  int64_t mrLarge = 6;
  int64_t kcFloat = 512;
  int64_t kcInt = 512;
  /// How int8 dots are computed (TargetInfo::getInt8DotKind): vpmaddubsw
  /// pairs on AVX2, vpdpbusd with VNNI (LLVM then also folds vpmaddwd + add
  /// into vpdpwssd), sdot on AArch64 with dotprod, portable ops otherwise.
  Int8DotKind int8Dot = Int8DotKind::Generic;
  /// NF4/FP4 codes may be decoded with in-register table lookups (x86
  /// AVX2: vpshufb, vpermps).
  bool registerLookups = false;
  /// f16 -> f32 vector conversion in hardware (x86 F16C, AArch64).
  bool f16Convert = false;

  /// The AVX2 intrinsics of --qf-lower-cpu-lookups may be called.
  bool x86Avx2() const {
    return int8Dot == Int8DotKind::X86MaddUbs ||
           int8Dot == Int8DotKind::X86Vnni;
  }
};

/// Tiles and instruction choices for a CPU target.
KernelConfig getKernelConfig(const TargetInfo &target);

/// The kernel configuration for the target `anchor` is compiled for (its
/// module's #qf.target, qforge::qf::getTargetOf): emits an error on `anchor`
/// (prefixed with `passName`) and fails when it is not a CPU target.
mlir::FailureOr<KernelConfig> getKernelConfigFor(mlir::Operation *anchor,
                                                 llvm::StringRef passName);

/// Thin wrapper over OpBuilder + Location with the constants and vector
/// helpers the kernels use everywhere.
struct KB {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Value idx(int64_t v);
  mlir::Value f32(float v);
  mlir::Value i32(int64_t v);
  mlir::Value intConst(mlir::Type type, int64_t v);
  mlir::Value zero(mlir::Type type); ///< 0 / 0.0 of a scalar or vector type.
  mlir::Value splat(mlir::VectorType type, mlir::Value scalar);
  mlir::VectorType vec(int64_t n, mlir::Type elt);
  mlir::Value add(mlir::Value a, mlir::Value b);
  mlir::Value mul(mlir::Value a, mlir::Value b);
  mlir::Value minIdx(mlir::Value a, mlir::Value b);
  /// Any float scalar/vector (f16, bf16, f32) widened to f32.
  mlir::Value toF32(mlir::Value v);
  /// An integer scalar/vector as f32, zero- or sign-extended first.
  mlir::Value intToF32(mlir::Value v, bool isUnsigned);
  /// vector<valid lanes set, rest clear> of n lanes.
  mlir::Value mask(int64_t n, int64_t valid);
  /// 1-D read of `type` at `indices`; `valid` < lanes reads with a mask and
  /// `padding` in the other lanes; inBounds asserts no lane is out of the
  /// memref (otherwise lanes past the last dimension read `padding`).
  mlir::Value read(mlir::VectorType type, mlir::Value base,
                   mlir::ValueRange indices, mlir::Value padding,
                   int64_t valid, bool inBounds);
};

} // namespace qforge::cpu

#endif
