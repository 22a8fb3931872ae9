//===- PackedSource.cpp - Weights from a --qf-pack-weights global --------===//
//
// Reads the PackedLayout bytes with plain vector loads: per tile and group a
// header of f32 scales (and zero terms), then per K block one load per row,
// split into fields with shift/mask and into VL-lane sub-vectors.
//
//===----------------------------------------------------------------------===//

#include "Packing.h"
#include "WeightSource.h"
#include "KernelSelection.h"


#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace qforge::cpu {

// The prefetch distance: the packed blob is one sequential stream per tile,
// and on Zen 3 a single hardware-prefetched stream reaches only about 60% of
// the read bandwidth that several streams do.
void prefetchPackedAhead(KB &k, Value blob, Value offset, int64_t blockBytes,
                   int64_t totalBytes) {
  const int64_t distance = 1024;
  for (int64_t line = 0; line < blockBytes; line += 64) {
    Value at = k.minIdx(k.add(offset, k.idx(line + distance)),
                        k.idx(totalBytes - 1));
    memref::PrefetchOp::create(k.b, k.loc, blob, ValueRange{at},
                               /*isWrite=*/false, /*localityHint=*/3,
                               /*isDataCache=*/true);
  }
}

Value loadPackedF32s(KB &k, Value blob, Value offset, int64_t count) {
  Value bytes = vector::LoadOp::create(k.b, k.loc, k.vec(4 * count, k.b.getI8Type()),
                                       blob, ValueRange{offset});
  return vector::BitCastOp::create(k.b, k.loc, k.vec(count, k.b.getF32Type()),
                                   bytes);
}

namespace {

class PackedFloatSource : public WeightSource {
public:
  PackedFloatSource(const KernelConfig &cfg, const PackedLayout &layout,
                    Value blob, PackedDecode decode,
                    quant::WeightFormat format, Value table)
      : cfg(cfg), l(layout), blob(blob), decode(decode), format(format),
        table(table) {}

  int64_t stepElems() const override { return l.kb; }
  int64_t groupSize() const override {
    return l.groupSize > 0 ? l.groupSize : l.k;
  }
  bool hasZeroTerm() const override { return l.hasZeroTerm; }
  int64_t gemvChains() const override {
    // Gathers (or lookups) need registers of their own; FP8's arithmetic
    // decode does not.
    return decode == PackedDecode::Table && !isFloat8(format) ? 1 : 2;
  }

  void beginTile(KB &k, Value nt) override {
    tileBase = k.mul(nt, k.idx(l.tileBytes()));
  }

  void beginGroup(KB &k, Value g) override {
    groupBase = k.add(tileBase, k.mul(g, k.idx(l.fullGroupBytes())));
    Value s = loadPackedF32s(k, blob, groupBase, l.nr);
    Value z = l.hasZeroTerm
                  ? loadPackedF32s(k, blob, k.add(groupBase, k.idx(4 * l.nr)), l.nr)
                  : Value();
    scales.clear();
    zeroTerms.clear();
    for (int64_t r = 0; r < l.nr; ++r) {
      scales.push_back(vector::ExtractOp::create(k.b, k.loc, s, r));
      if (z)
        zeroTerms.push_back(vector::ExtractOp::create(k.b, k.loc, z, r));
    }
  }

  Value scale(KB &k, int64_t r) override { return scales[r]; }
  Value zeroTerm(KB &k, int64_t r) override { return zeroTerms[r]; }

  void decodeStep(KB &k, Value stepIdx, Value kIdx, int64_t valid,
                  SmallVectorImpl<SmallVector<Value>> &out) override {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t vl = cfg.vl, rbb = l.rowBlockBytes();
    int64_t fields = 8 / l.bits, chunks = rbb / vl;
    int64_t subs = (valid + vl - 1) / vl;
    Type i8 = b.getI8Type(), i32 = b.getI32Type();
    VectorType chunkType = k.vec(vl, i8), wideType = k.vec(vl, i32);
    Value stepBase = k.add(k.add(groupBase, k.idx(l.headerBytes())),
                           k.mul(stepIdx, k.idx(l.blockBytes())));
    out.clear();
    prefetchPackedAhead(k, blob, stepBase, l.blockBytes(), l.totalBytes());
    if (l.lookupOrder) {
      for (int64_t r = 0; r < l.nr; ++r)
        out.push_back(lookupBlock(k, k.add(stepBase, k.idx(r * rbb))));
      return;
    }
    for (int64_t r = 0; r < l.nr; ++r) {
      // Sub-vector s = p * chunks + h holds field p of the VL bytes of chunk
      // h: elements s * VL .. s * VL + VL of the block. Each chunk is one
      // widening load (vpmovzxbd / vpmovsxbd from memory on x86); fields are
      // split with 32-bit shifts and masks.
      SmallVector<Value> row(subs);
      for (int64_t h = 0; h < chunks; ++h) {
        bool needed = false;
        for (int64_t p = 0; p < fields; ++p)
          needed |= p * chunks + h < subs;
        if (!needed)
          continue;
        Value bytes = vector::LoadOp::create(
            b, loc, chunkType, blob,
            ValueRange{k.add(stepBase, k.idx(r * rbb + h * vl))});
        if (decode == PackedDecode::SInt8) {
          row[h] = k.intToF32(arith::ExtSIOp::create(b, loc, wideType, bytes),
                              /*isUnsigned=*/false);
          continue;
        }
        if (isFloat8(format)) { // 8 bits: one field, sub-vector h
          row[h] = decodeFloat8(k, bytes, format, cfg, specialCodes);
          continue;
        }
        Value wide = arith::ExtUIOp::create(b, loc, wideType, bytes);
        for (int64_t p = 0; p < fields; ++p) {
          int64_t sIdx = p * chunks + h;
          if (sIdx >= subs)
            continue;
          Value f = wide;
          if (p > 0)
            f = arith::ShRUIOp::create(
                b, loc, f, k.splat(wideType, k.i32(p * l.bits)));
          if (p < fields - 1)
            f = arith::AndIOp::create(
                b, loc, f, k.splat(wideType, k.i32((1 << l.bits) - 1)));
          row[sIdx] = decodeCodes(k, f);
        }
      }
      out.push_back(row);
    }
  }

private:
  /// A 4-bit table-coded block of 32 in lookup order: the 32 codes index
  /// four 16-entry byte tables (byte q of every value's f32 bits; one
  /// vpshufb each on AVX2 after --qf-lower-cpu-lookups), and in-lane
  /// byte/word interleaves (vpunpck{l,h}{bw,wd}) assemble the f32 values of
  /// 4 x 8 consecutive elements.
  SmallVector<Value> lookupBlock(KB &k, Value offset) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    Type i8 = b.getI8Type();
    VectorType v16 = k.vec(16, i8), v32 = k.vec(32, i8);
    Value bytes = vector::LoadOp::create(b, loc, v16, blob, ValueRange{offset});
    Value lo = arith::AndIOp::create(b, loc, bytes,
                                     k.splat(v16, k.intConst(i8, 0x0F)));
    Value hi = arith::ShRUIOp::create(b, loc, bytes,
                                      k.splat(v16, k.intConst(i8, 4)));
    SmallVector<int64_t> concat;
    for (int64_t i = 0; i < 32; ++i)
      concat.push_back(i);
    Value codes = vector::ShuffleOp::create(b, loc, lo, hi, concat);
    Value index = arith::ExtUIOp::create(b, loc, k.vec(32, b.getI32Type()), codes);
    Value all = vector::ConstantMaskOp::create(
        b, loc, k.vec(32, b.getI1Type()), vector::ConstantMaskKind::AllTrue);
    SmallVector<Value> planes;
    for (Value table : byteTables)
      planes.push_back(vector::GatherOp::create(b, loc, v32, table,
                                                ValueRange{k.idx(0)}, index,
                                                all, k.zero(v32)));
    // In-lane unpacks, as on x86 (two 16-byte lanes).
    auto unpack = [&](Value x, Value y, int64_t lanesPer, bool high) {
      int64_t n = cast<VectorType>(x.getType()).getNumElements();
      int64_t laneElems = n / 2, half = laneElems / 2;
      SmallVector<int64_t> mask;
      for (int64_t lane = 0; lane < 2; ++lane)
        for (int64_t i = 0; i < half; ++i) {
          int64_t src = lane * laneElems + (high ? half : 0) + i;
          mask.push_back(src);
          mask.push_back(n + src);
        }
      (void)lanesPer;
      return vector::ShuffleOp::create(b, loc, x, y, mask).getResult();
    };
    Value lo01 = unpack(planes[0], planes[1], 16, false);
    Value hi01 = unpack(planes[0], planes[1], 16, true);
    Value lo23 = unpack(planes[2], planes[3], 16, false);
    Value hi23 = unpack(planes[2], planes[3], 16, true);
    VectorType w16 = k.vec(16, b.getI16Type());
    auto words = [&](Value v) {
      return vector::BitCastOp::create(b, loc, w16, v).getResult();
    };
    auto floats = [&](Value v) {
      return vector::BitCastOp::create(b, loc, k.vec(8, b.getF32Type()), v)
          .getResult();
    };
    return {floats(unpack(words(lo01), words(lo23), 8, false)),
            floats(unpack(words(lo01), words(lo23), 8, true)),
            floats(unpack(words(hi01), words(hi23), 8, false)),
            floats(unpack(words(hi01), words(hi23), 8, true))};
  }

  /// Non-negative i32 codes -> f32 (exact), or looked up.
  Value decodeCodes(KB &k, Value codes) {
    if (decode != PackedDecode::Table)
      return k.intToF32(codes, /*isUnsigned=*/false);
    return gatherCodes(k, codes, table);
  }

  const KernelConfig &cfg;
  PackedLayout l;
  Value blob;
  PackedDecode decode;
  quant::WeightFormat format;
  Value table;
  Value tileBase, groupBase;

public:
  bool specialCodes = true;

private:
  SmallVector<Value> scales, zeroTerms;

public:
  /// Byte q of each table value's f32 bits (lookup order only).
  SmallVector<Value> byteTables;
};

class PackedIntSource : public IntWeightSource {
public:
  PackedIntSource(const PackedLayout &layout, Value blob)
      : l(layout), blob(blob) {}

  void beginTile(KB &k, Value nt) override {
    tileBase = k.mul(nt, k.idx(l.tileBytes()));
  }

  Value rowScales(KB &k) override { return loadPackedF32s(k, blob, tileBase, l.nr); }

  SmallVector<Value> readStep(KB &k, Value stepIdx, Value kIdx,
                              bool isTail) override {
    Value stepBase = k.add(k.add(tileBase, k.idx(l.headerBytes())),
                           k.mul(stepIdx, k.idx(l.blockBytes())));
    prefetchPackedAhead(k, blob, stepBase, l.blockBytes(), l.totalBytes());
    SmallVector<Value> out;
    for (int64_t r = 0; r < l.nr; ++r)
      out.push_back(vector::LoadOp::create(
          k.b, k.loc, k.vec(l.kb, k.b.getI8Type()), blob,
          ValueRange{k.add(stepBase, k.idx(r * l.rowBlockBytes()))}));
    return out;
  }

private:
  PackedLayout l;
  Value blob;
  Value tileBase;
};

} // namespace

Value getPackedBlob(OpBuilder &b, Location loc, qf::MatmulOp op,
                    const PackedInfo &info) {
  auto module = op->getParentOfType<ModuleOp>();
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      module, info.global);
  const PackedLayout &l = info.layout;
  auto wType = cast<RankedTensorType>(op.getWeight().getType());
  std::string why = l.verify();
  if (why.empty() && !global)
    why = "no memref.global @" + info.global.getValue().str();
  if (why.empty() &&
      global.getType().getNumElements() != l.totalBytes())
    why = "the global's size does not match the layout";
  if (why.empty() &&
      (wType.getDimSize(0) != l.n || wType.getDimSize(1) != l.k))
    why = "the layout's shape does not match the weight";
  // The layout must be the one the op's kernel config names (getKernel has
  // checked that config against the scheme and target).
  auto kernel = op->getAttrOfType<qf::CPUKernelAttr>(qf::kCPUKernelAttrName);
  if (why.empty() && !kernel)
    why = "the op has no kernel config";
  if (why.empty() && packedLayoutOf(op, kernel) != l) {
    llvm::raw_string_ostream os(why);
    os << "the layout is not the one of the op's kernel config " << kernel;
  }
  if (!why.empty()) {
    op.emitOpError("has an invalid ") << kPackedAttrName << ": " << why;
    return {};
  }
  return memref::GetGlobalOp::create(b, loc, global.getType(), global.getSymName());
}

std::unique_ptr<WeightSource> makePackedFloatSource(OpBuilder &b, Location loc,
                                                    qf::MatmulOp op,
                                                    const PackedInfo &info,
                                                    const KernelConfig &cfg,
                                                    bool &failed) {
  Value blob = getPackedBlob(b, loc, op, info);
  failed = !blob;
  if (!blob)
    return nullptr;
  PackedDecode decode = packedDecode(op.getQuantScheme());
  Value table = decode == PackedDecode::Table ? getDecodeTable(b, loc, op) : Value();
  auto source = std::make_unique<PackedFloatSource>(
      cfg, info.layout, blob, decode, op.getQuantScheme().weight, table);
  source->specialCodes = info.specialCodes;
  if (info.layout.lookupOrder) {
    auto tableGlobal = table.getDefiningOp<memref::GetGlobalOp>();
    std::string base = tableGlobal.getName().str();
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        op, tableGlobal.getNameAttr());
    auto values = cast<DenseFPElementsAttr>(*global.getInitialValue());
    SmallVector<uint32_t> bits;
    for (APFloat v : values.getValues<APFloat>())
      bits.push_back(uint32_t(v.bitcastToAPInt().getZExtValue()));
    for (unsigned q = 0; q < 4; ++q) {
      SmallVector<int8_t> plane;
      for (uint32_t w : bits)
        plane.push_back(int8_t(uint8_t(w >> (8 * q))));
      source->byteTables.push_back(getConstantByteTable(
          b, loc, op, base + "_byte" + std::to_string(q), plane));
    }
  }
  return source;
}

std::unique_ptr<IntWeightSource> makePackedIntSource(OpBuilder &b, Location loc,
                                                     qf::MatmulOp op,
                                                     const PackedInfo &info,
                                                     const KernelConfig &cfg,
                                                     bool &failed) {
  Value blob = getPackedBlob(b, loc, op, info);
  failed = !blob;
  if (!blob)
    return nullptr;
  return std::make_unique<PackedIntSource>(info.layout, blob);
}

} // namespace qforge::cpu
