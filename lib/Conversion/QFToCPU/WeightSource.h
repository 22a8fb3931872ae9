//===- WeightSource.h - Where a kernel's weights come from ------*- C++ -*-===//
//
// The kernels in LowerToCPU.cpp are written against these interfaces; the
// implementations read the unpacked [N, K] weight operand (any scheme, any
// shape) or the packed global written by --qf-pack-weights.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_CONVERSION_QFTOCPU_WEIGHTSOURCE_H
#define QFORGE_LIB_CONVERSION_QFTOCPU_WEIGHTSOURCE_H

#include "KernelBuilder.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

#include <memory>

namespace qforge::cpu {

/// Weights of the float kernel, decoded to f32 vectors in registers.
/// Decoded values are "codes": the kernel computes, per group g and row r,
///   scale(r) * sum_k x * code  -  zeroTerm(r) * sum_k x.
class WeightSource {
public:
  virtual ~WeightSource() = default;
  /// K elements consumed by one decodeStep (a multiple of VL).
  virtual int64_t stepElems() const = 0;
  /// Group size along K (K itself for per-channel / per-tensor / f32).
  virtual int64_t groupSize() const = 0;
  virtual bool hasZeroTerm() const = 0;
  /// Independent FMA chains per (row, lhs row) for GEMV (decoders that need
  /// many registers of their own prefer fewer).
  virtual int64_t gemvChains() const { return 2; }
  /// Per tile of NR rows (nt: tile index).
  virtual void beginTile(KB &k, mlir::Value nt) = 0;
  /// Per group g (index) of the current tile.
  virtual void beginGroup(KB &k, mlir::Value g) = 0;
  /// f32 scale of row r in the current group, or null (no scaling).
  virtual mlir::Value scale(KB &k, int64_t r) = 0;
  /// f32 zero term of row r in the current group (hasZeroTerm() only).
  virtual mlir::Value zeroTerm(KB &k, int64_t r) = 0;
  /// Decodes the step `stepIdx` of the current group, which starts at element
  /// `kIdx` of K and has `valid` valid elements: out[r][s] is a
  /// vector<VL x f32> of elements s*VL .. s*VL+VL of the step, for
  /// s < ceil(valid / VL); lanes past `valid` are finite.
  virtual void decodeStep(KB &k, mlir::Value stepIdx, mlir::Value kIdx,
                          int64_t valid,
                          llvm::SmallVectorImpl<llvm::SmallVector<mlir::Value>> &out) = 0;
};

/// Weights of the integer kernel: int8 codes, one f32 scale per row.
class IntWeightSource {
public:
  virtual ~IntWeightSource() = default;
  virtual void beginTile(KB &k, mlir::Value nt) = 0;
  /// vector<NR x f32> of the tile's row scales.
  virtual mlir::Value rowScales(KB &k) = 0;
  /// vector<KI x i8> per row for K elements kIdx .. kIdx+KI (zeros past K;
  /// `isTail` is true for the last, partial step).
  virtual llvm::SmallVector<mlir::Value> readStep(KB &k, mlir::Value stepIdx,
                                                  mlir::Value kIdx,
                                                  bool isTail) = 0;
};

/// Null after emitting a diagnostic on `op` when the scheme is not supported.
std::unique_ptr<WeightSource> makeFloatWeightSource(mlir::OpBuilder &b,
                                                    mlir::Location loc,
                                                    qf::MatmulOp op,
                                                    const KernelConfig &cfg);
std::unique_ptr<IntWeightSource> makeIntWeightSource(mlir::OpBuilder &b,
                                                     mlir::Location loc,
                                                     qf::MatmulOp op,
                                                     const KernelConfig &cfg);

struct PackedInfo;
/// Sources for weights packed by --qf-pack-weights (PackedSource.cpp); null
/// with `failed` set after a diagnostic when the packed global is unusable.
std::unique_ptr<WeightSource> makePackedFloatSource(mlir::OpBuilder &b,
                                                    mlir::Location loc,
                                                    qf::MatmulOp op,
                                                    const PackedInfo &info,
                                                    const KernelConfig &cfg,
                                                    bool &failed);
std::unique_ptr<IntWeightSource> makePackedIntSource(mlir::OpBuilder &b,
                                                     mlir::Location loc,
                                                     qf::MatmulOp op,
                                                     const PackedInfo &info,
                                                     const KernelConfig &cfg,
                                                     bool &failed);

/// The packed global of `op` (memref.get_global), checked against the
/// layout its kernel config names; emits an error on `op` and returns null
/// otherwise.
mlir::Value getPackedBlob(mlir::OpBuilder &b, mlir::Location loc,
                          qf::MatmulOp op, const PackedInfo &info);
/// `count` f32 stored at byte `offset` of a packed blob, as a vector.
mlir::Value loadPackedF32s(KB &k, mlir::Value blob, mlir::Value offset,
                           int64_t count);
/// Software prefetch of the cache lines a fixed distance past those of the
/// block of `blockBytes` at `offset` being decoded (clamped to the blob).
void prefetchPackedAhead(KB &k, mlir::Value blob, mlir::Value offset,
                         int64_t blockBytes, int64_t totalBytes);

/// The f32 value of every code of a 16-level scheme (NF4 levels, FP4 values)
/// as a memref.get_global; null for other schemes (FP8 needs no table).
mlir::Value getDecodeTable(mlir::OpBuilder &b, mlir::Location loc,
                           qf::MatmulOp op);

/// CodeDecode.cpp: f32 values of non-integer codes, in registers.
bool isFloat8(quant::WeightFormat format);
/// FP8 codes given as bytes (vector<N x i8>, the storage's bit patterns).
/// Without `specialCodes` the caller guarantees there is no NaN/Inf code,
/// and their fix-up is left out.
mlir::Value decodeFloat8(KB &k, mlir::Value bytes, quant::WeightFormat format,
                         const KernelConfig &cfg, bool specialCodes = true);
/// 16-level codes (vector<N x i32>, 0..15) gathered from `table`
/// (getDecodeTable).
mlir::Value gatherCodes(KB &k, mlir::Value codes, mlir::Value table);

/// A private constant memref.global of f32 values in the module of `anchor`
/// (created once per name); returns a memref.get_global of it.
mlir::Value getConstantTable(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Operation *anchor, llvm::StringRef name,
                             llvm::ArrayRef<float> values);

/// The same for i8 values.
mlir::Value getConstantByteTable(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Operation *anchor, llvm::StringRef name,
                                 llvm::ArrayRef<int8_t> values);

} // namespace qforge::cpu

#endif
