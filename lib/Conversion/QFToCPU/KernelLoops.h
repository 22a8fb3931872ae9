//===- KernelLoops.h - Loop nests and dots shared by the kernels -*- C++ -*-===//
//
// The small-M kernels (LowerToCPU.cpp, Int8ActivationKernel.cpp) share their
// outer structure: a parallel loop over (N tile, block of lhs rows), blocks
// of MR rows inside, and vector accumulators carried through K loops.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_CONVERSION_QFTOCPU_KERNELLOOPS_H
#define QFORGE_LIB_CONVERSION_QFTOCPU_KERNELLOOPS_H

#include "KernelBuilder.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace qforge::cpu {

/// Rows per M block of the kernels' parallel loop. Even, so that the MR = 2
/// row pairs (and the odd last row) are the ones an unsplit loop makes.
inline constexpr int64_t kRowsPerBlock = 64;

/// Weight elements of work (NR rows x K, per lhs row) one task of the
/// parallel loop should cover at least, so that a tiny kernel is not split
/// into tasks cheaper than handing them out.
inline constexpr int64_t kMinTaskWork = 1 << 15;

/// for iv in [lo, hi) step `step`: body(iv).
void forLoop(KB &k, mlir::Value lo, mlir::Value hi, int64_t step,
             llvm::function_ref<void(KB &, mlir::Value)> body);

/// for m0 in [lo, hi) step mr: body(m0, mr); then the remainder rows one by
/// one (when mr > 1).
void forRowBlocks(KB &k, mlir::Value lo, mlir::Value hi, int64_t mr,
                  llvm::function_ref<void(mlir::OpBuilder &, mlir::Value,
                                          int64_t)>
                      body);

/// A loop of `count` iterations with vector iter_args, or the body inlined
/// when it runs once (or not at all).
llvm::SmallVector<mlir::Value> loopWithAccs(
    KB &k, int64_t count, mlir::ValueRange inits,
    llvm::function_ref<llvm::SmallVector<mlir::Value>(
        mlir::OpBuilder &, mlir::Value, mlir::ValueRange)>
        body);

/// The kernels' outer loop: every (N tile, block of kRowsPerBlock rows) pair,
/// tile-major (a task's tiles are adjacent in the packed stream), as an
/// `scf.parallel` marked `qf.cpu.parallel_grain` for
/// --qf-cpu-outline-parallel. Each output element is computed by exactly one
/// iteration with the same code as a serial loop, so the results do not
/// depend on how the iterations are split across threads.
void forTilesParallel(
    KB &k, int64_t numTiles, mlir::Value numRows, int64_t k0, int64_t nr,
    llvm::function_ref<void(KB &, mlir::Value nt, mlir::Value mLo,
                            mlir::Value mHi)>
        body);

/// acc (vector<8xi32>) += the products x * w (vector<KI x i8> each, signed),
/// in any lane (the lanes are summed exactly at the end). With AArch64
/// dotprod: one `sdot` per 16 bytes (4-product sums into 4 lanes),
/// alternating between the two halves of acc
/// (test/Conversion/QFToCPU/aarch64-objdump.mlir). Otherwise summed in
/// adjacent pairs and then folded to 8 lanes with plain arith/vector ops,
/// exact in i32; on x86 with AVX2, LLVM selects vpmovsxbw + vpmaddwd for the
/// pair sums (a8w8-vpmaddwd.mlir checks the assembly).
mlir::Value dotI8(KB &k, mlir::Value x, mlir::Value w, mlir::Value acc,
                  Int8DotKind dot);

/// acc (vector<N/4 x i32>) + the 4-byte dot products of u and s
/// (vector<N x i8>, u unsigned, s signed): lane i += sum of u[4i + j] *
/// s[4i + j], j < 4. With AArch64 dotprod one `sdot` per 16 bytes (signed
/// bytes: u must be in 0..127), otherwise plain widening arith, exact for any
/// u, the 4-byte sums tagged kDotBusdAttr for N = 32 (x86 AVX2 without VNNI
/// uses pairProductsU8S8 / pairSumsI16 instead).
mlir::Value dotGroupsOf4(KB &k, mlir::Value u, mlir::Value s, mlir::Value acc,
                         Int8DotKind dot);

/// acc (vector<8 x i32>) + the 4-byte dot products of a and b (vector<32 x
/// i8>, signed, b never -128; absA = |a| as unsigned bytes, which the caller
/// shares between the dots of the same a) per 32-bit lane, on AVX2 as
/// vpmaddubsw(|a|, b * sign(a)) (pair sums <= 2 * 128 * 127 < 2^15: exact)
/// widened by vpmaddwd: b * sign(a) is a select tagged kSignByAttr.
mlir::Value dotSignedGroupsOf4(KB &k, mlir::Value a, mlir::Value b,
                               mlir::Value absA, mlir::Value acc);

/// Marks the adjacent-pair sums and 4-byte dots that --qf-lower-cpu-lookups
/// turns into AVX2 / VNNI multiply-add instructions after bufferization (an
/// intrinsic call has no memory-effect model, which buffer deallocation
/// needs, so the kernels emit plain vector ops and tag them):
///   kMaddUbsAttr on addi(even(p), odd(p)), p = extui(a) * extsi(b) in i16
///     (a, b: vector<32 x i8>) -> vpmaddubsw(a, b), which saturates where the
///     i16 sum would wrap: only for pairs the caller guarantees cannot occur;
///   kPairSumAttr on addi(even(e), odd(e)), e = extsi(v) to i32
///     (v: vector<16 x i16>) -> vpmaddwd(v, splat(1)), exact;
///   kDotBusdAttr on addi(even(q), odd(q)), q = addi(even(p), odd(p)),
///     p = extui(u) * extsi(s) in i32 (u, s: vector<32 x i8>; the 4-byte
///     sums of dotGroupsOf4) -> on VNNI targets vpdpbusd(acc, u, s) with the
///     acc it is added to (or zero), exact for any unsigned u and signed s
///     (each product fits in 16 bits, the four are summed into acc without
///     saturation).
inline constexpr llvm::StringLiteral kMaddUbsAttr = qf::kMaddUbsAttrName;
inline constexpr llvm::StringLiteral kPairSumAttr = qf::kPairSumAttrName;
///   kSignByAttr on select(a < 0, 0 - b, b) (vector<32 x i8>) ->
///     vpsignb(b, a), which also zeroes lanes where a == 0: only for values
///     then multiplied by |a|.
inline constexpr llvm::StringLiteral kDotBusdAttr = qf::kDotBusdAttrName;
inline constexpr llvm::StringLiteral kSignByAttr = qf::kSignByAttrName;

/// vector<N/2 x i16>: u[2j] * s[2j] + u[2j+1] * s[2j+1] for u unsigned and s
/// signed bytes (vector<N x i8>, N = 32 tagged for vpmaddubsw). The caller
/// guarantees each pair sum fits in i16.
mlir::Value pairProductsU8S8(KB &k, mlir::Value u, mlir::Value s);

/// vector<N/2 x i32>: v[2j] + v[2j+1], sign-extended (vector<N x i16>; N = 16
/// tagged for vpmaddwd).
mlir::Value pairSumsI16(KB &k, mlir::Value v);

} // namespace qforge::cpu

#endif
