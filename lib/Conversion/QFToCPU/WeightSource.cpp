//===- WeightSource.cpp - Unpacked weight operands ------------------------===//
//
// Weights read straight from the qf.matmul operands: W[N, K] in its storage
// type, scales and zero points in the verifier's layouts. Rows past N are
// clamped to the last row (their results are dropped by the masked store).
// 8-bit and wider codes are read with vector.transfer_read; sub-byte storage
// (i4, i2, f4E2M1FN: one element per byte in memory, as LLVM lays out such
// arrays) with vector.gather of the row's elements.
//
//===----------------------------------------------------------------------===//

#include "WeightSource.h"
#include "Packing.h"

#include "qforge/Dialect/QF/Utils/NumericBuilders.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;

namespace qforge::cpu {

Value getConstantTable(OpBuilder &b, Location loc, Operation *anchor,
                       StringRef name, ArrayRef<float> values) {
  auto module = anchor->getParentOfType<ModuleOp>();
  auto type = MemRefType::get({int64_t(values.size())}, b.getF32Type());
  if (!SymbolTable::lookupSymbolIn(module, name)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    auto tensorType = RankedTensorType::get(type.getShape(), b.getF32Type());
    memref::GlobalOp::create(b, loc, name, b.getStringAttr("private"), type,
                             DenseElementsAttr::get(tensorType, values),
                             /*constant=*/true, b.getI64IntegerAttr(64));
  }
  return memref::GetGlobalOp::create(b, loc, type, name);
}

Value getConstantByteTable(OpBuilder &b, Location loc, Operation *anchor,
                           StringRef name, ArrayRef<int8_t> values) {
  auto module = anchor->getParentOfType<ModuleOp>();
  auto type = MemRefType::get({int64_t(values.size())}, b.getI8Type());
  if (!SymbolTable::lookupSymbolIn(module, name)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    auto tensorType = RankedTensorType::get(type.getShape(), b.getI8Type());
    memref::GlobalOp::create(b, loc, name, b.getStringAttr("private"), type,
                             DenseElementsAttr::get(tensorType, values),
                             /*constant=*/true, b.getI64IntegerAttr(16));
  }
  return memref::GetGlobalOp::create(b, loc, type, name);
}

namespace {

Value toBuffer(OpBuilder &b, Location loc, Value tensor) {
  if (!tensor)
    return {};
  auto type = cast<RankedTensorType>(tensor.getType());
  return bufferization::ToBufferOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()), tensor,
      /*read_only=*/true);
}

enum class Decode { Float, SInt, UInt, Table };

/// Reads of per-row parameters (scale, zero point) in the verifier's layouts.
struct ParamReader {
  Value buf;
  quant::Granularity granularity;
  bool isUnsigned = false;

  Value load(KB &k, Value row, Value g) const {
    SmallVector<Value> indices;
    if (granularity == quant::Granularity::Channel)
      indices = {row};
    else if (granularity == quant::Granularity::Group)
      indices = {row, g};
    Value v = memref::LoadOp::create(k.b, k.loc, buf, indices);
    if (isa<IntegerType>(v.getType()))
      return k.intToF32(v, isUnsigned);
    return k.toF32(v);
  }
};

class UnpackedSource : public WeightSource {
public:
  UnpackedSource(const KernelConfig &cfg, qf::MatmulOp op, Value w, Value s,
                 Value z, Decode decode, Value table, int64_t groupSize)
      : cfg(cfg), w(w), decode(decode), table(table), group(groupSize) {
    auto wType = cast<MemRefType>(w.getType());
    n = wType.getDimSize(0);
    storage = wType.getElementType();
    subByte = storage.getIntOrFloatBitWidth() < 8;
    quant::Scheme scheme = op.getQuantScheme();
    format = scheme.weight;
    if (s)
      scales = ParamReader{s, scheme.granularity, false};
    if (z)
      zeros = ParamReader{z, scheme.granularity, true};
  }

  int64_t stepElems() const override { return cfg.vl; }
  int64_t groupSize() const override { return group; }
  bool hasZeroTerm() const override { return bool(zeros.buf); }

  void beginTile(KB &k, Value nt) override {
    rows.clear();
    if (subByte)
      basePtr = memref::ExtractAlignedPointerAsIndexOp::create(k.b, k.loc, w);
    Value last = k.idx(n - 1);
    for (int64_t r = 0; r < cfg.nr; ++r)
      rows.push_back(k.minIdx(k.add(k.mul(nt, k.idx(cfg.nr)), k.idx(r)), last));
  }

  void beginGroup(KB &k, Value g) override {
    groupScales.clear();
    groupZeroTerms.clear();
    for (int64_t r = 0; r < cfg.nr; ++r) {
      Value s = scales.buf ? scales.load(k, rows[r], g) : Value();
      groupScales.push_back(s);
      if (zeros.buf)
        groupZeroTerms.push_back(
            arith::MulFOp::create(k.b, k.loc, s, zeros.load(k, rows[r], g)));
    }
  }

  Value scale(KB &k, int64_t r) override { return groupScales[r]; }
  Value zeroTerm(KB &k, int64_t r) override { return groupZeroTerms[r]; }

  void decodeStep(KB &k, Value stepIdx, Value kIdx, int64_t valid,
                  SmallVectorImpl<SmallVector<Value>> &out) override {
    int64_t vl = cfg.vl;
    out.clear();
    for (int64_t r = 0; r < cfg.nr; ++r) {
      Value codes = subByte
                        ? readSubByte(k, rows[r], kIdx, valid)
                        : k.read(k.vec(vl, storage), w, {rows[r], kIdx},
                                 k.zero(storage), valid, /*inBounds=*/true);
      out.push_back({decodeCodes(k, codes)});
    }
  }

private:
  /// Sub-byte storage takes one byte per element in memory (LLVM's layout of
  /// [K x i4] arrays), but a vector<8xi4> load would read 8 packed nibbles:
  /// read the bytes through the buffer's pointer instead, and normalize them
  /// to i8 codes (sign-extended for signed integers, masked otherwise).
  Value readSubByte(KB &k, Value row, Value kIdx, int64_t valid) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t vl = cfg.vl;
    unsigned bits = storage.getIntOrFloatBitWidth();
    int64_t kDim = cast<MemRefType>(w.getType()).getDimSize(1);
    Value offset = k.add(k.mul(row, k.idx(kDim)), kIdx);
    Value addr = arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                            k.add(basePtr, offset));
    Value ptr = LLVM::IntToPtrOp::create(b, loc,
                                         LLVM::LLVMPointerType::get(b.getContext()),
                                         addr);
    VectorType bytesType = k.vec(vl, b.getI8Type());
    Value bytes;
    if (valid < vl) {
      // The tail byte by byte: a wider load could run past the buffer (and
      // llvm.intr.masked.load has no memory-effect model for bufferization).
      SmallVector<Value> elems;
      for (int64_t j = 0; j < vl; ++j) {
        if (j >= valid) {
          elems.push_back(k.intConst(b.getI8Type(), 0));
          continue;
        }
        Value pj = LLVM::GEPOp::create(
            b, loc, ptr.getType(), b.getI8Type(), ptr,
            ArrayRef<LLVM::GEPArg>{LLVM::GEPArg(int32_t(j))});
        elems.push_back(LLVM::LoadOp::create(b, loc, b.getI8Type(), pj, 1));
      }
      bytes = vector::FromElementsOp::create(b, loc, bytesType, elems);
    } else
      bytes = LLVM::LoadOp::create(b, loc, bytesType, ptr, /*alignment=*/1);
    Value shift = k.splat(bytesType, k.intConst(b.getI8Type(), 8 - bits));
    if (decode == Decode::SInt)
      return arith::ShRSIOp::create(
          b, loc, arith::ShLIOp::create(b, loc, bytes, shift), shift);
    return arith::AndIOp::create(
        b, loc, bytes,
        k.splat(bytesType, k.intConst(b.getI8Type(), (1 << bits) - 1)));
  }

  Value decodeCodes(KB &k, Value codes) {
    OpBuilder &b = k.b;
    Location loc = k.loc;
    int64_t vl = cfg.vl;
    switch (decode) {
    case Decode::Float:
      return k.toF32(codes);
    case Decode::SInt:
      return k.intToF32(codes, /*isUnsigned=*/false);
    case Decode::UInt:
      return k.intToF32(codes, /*isUnsigned=*/true);
    case Decode::Table: {
      Type elt = cast<VectorType>(codes.getType()).getElementType();
      Value asInt = codes;
      if (isa<FloatType>(elt))
        asInt = arith::BitcastOp::create(
            b, loc, k.vec(vl, b.getIntegerType(elt.getIntOrFloatBitWidth())),
            codes);
      if (isFloat8(format))
        return decodeFloat8(k, asInt, format, cfg);
      Value index =
          arith::ExtUIOp::create(b, loc, k.vec(vl, b.getI32Type()), asInt);
      return gatherCodes(k, index, table);
    }
    }
    return codes;
  }

  const KernelConfig &cfg;
  Value w;
  Decode decode;
  quant::WeightFormat format;
  Value table;
  int64_t group;
  int64_t n = 0;
  Type storage;
  bool subByte = false;
  ParamReader scales, zeros;
  SmallVector<Value> rows, groupScales, groupZeroTerms;
  Value basePtr;
};

class UnpackedIntSource : public IntWeightSource {
public:
  UnpackedIntSource(const KernelConfig &cfg, Value w, Value s,
                    quant::Granularity granularity)
      : cfg(cfg), w(w), s(s), granularity(granularity) {
    n = cast<MemRefType>(w.getType()).getDimSize(0);
  }

  void beginTile(KB &k, Value nt) override {
    rows.clear();
    n0 = k.mul(nt, k.idx(cfg.nr));
    Value last = k.idx(n - 1);
    for (int64_t r = 0; r < cfg.nr; ++r)
      rows.push_back(k.minIdx(k.add(n0, k.idx(r)), last));
  }

  Value rowScales(KB &k) override {
    VectorType vf = k.vec(cfg.nr, k.b.getF32Type());
    Type elt = cast<MemRefType>(s.getType()).getElementType();
    if (granularity == quant::Granularity::Tensor)
      return k.splat(vf, k.toF32(memref::LoadOp::create(k.b, k.loc, s,
                                                        ValueRange{})));
    Value v = k.read(k.vec(cfg.nr, elt), s, {n0}, k.zero(elt), cfg.nr,
                     /*inBounds=*/false);
    return k.toF32(v);
  }

  SmallVector<Value> readStep(KB &k, Value stepIdx, Value kIdx,
                              bool isTail) override {
    SmallVector<Value> out;
    Type i8 = k.b.getI8Type();
    for (int64_t r = 0; r < cfg.nr; ++r)
      out.push_back(k.read(k.vec(cfg.ki, i8), w, {rows[r], kIdx}, k.zero(i8),
                           cfg.ki, /*inBounds=*/!isTail));
    return out;
  }

private:
  const KernelConfig &cfg;
  Value w, s;
  quant::Granularity granularity;
  int64_t n = 0;
  Value n0;
  SmallVector<Value> rows;
};

} // namespace

Value getDecodeTable(OpBuilder &b, Location loc, qf::MatmulOp op) {
  quant::Scheme scheme = op.getQuantScheme();
  StringRef name;
  switch (scheme.weight) {
  case quant::WeightFormat::NF4:
    name = "__qf_nf4_levels";
    break;
  case quant::WeightFormat::FP4:
    name = "__qf_fp4e2m1_values";
    break;
  default:
    return {};
  }
  SmallVector<float> values = qf::codeValues(scheme.weight);
  return getConstantTable(b, loc, op, name, values);
}

/// The packed source when `op` carries qf.cpu.packed; `failed` after a
/// diagnostic when the attribute is malformed or unusable.
static std::optional<PackedInfo> packedInfoOf(qf::MatmulOp op, bool &failed) {
  failed = false;
  if (!op->hasAttr(kPackedAttrName))
    return std::nullopt;
  std::optional<PackedInfo> info = getPackedInfo(op);
  if (!info) {
    op.emitOpError("has a malformed ") << kPackedAttrName << " attribute";
    failed = true;
  }
  return info;
}

std::unique_ptr<WeightSource> makeFloatWeightSource(OpBuilder &b, Location loc,
                                                    qf::MatmulOp op,
                                                    const KernelConfig &cfg) {
  bool failed;
  if (std::optional<PackedInfo> info = packedInfoOf(op, failed))
    return makePackedFloatSource(b, loc, op, *info, cfg, failed);
  if (failed)
    return nullptr;
  quant::Scheme scheme = op.getQuantScheme();
  Value w = toBuffer(b, loc, op.getWeight());
  Value s = toBuffer(b, loc, op.getWeightScale());
  Value z = toBuffer(b, loc, op.getWeightZeroPoint());
  int64_t k = cast<MemRefType>(w.getType()).getDimSize(1);
  int64_t group = scheme.granularity == quant::Granularity::Group
                      ? scheme.groupSize
                      : k;
  if (scheme.isFloat())
    return std::make_unique<UnpackedSource>(cfg, op, w, Value(), Value(),
                                            Decode::Float, Value(), k);
  Value table;
  Decode decode;
  switch (scheme.weight) {
  case quant::WeightFormat::Int8:
  case quant::WeightFormat::Int4:
  case quant::WeightFormat::Int2:
    decode = scheme.symmetric ? Decode::SInt : Decode::UInt;
    break;
  case quant::WeightFormat::NF4:
  case quant::WeightFormat::FP4:
  case quant::WeightFormat::FP8E4M3:
  case quant::WeightFormat::FP8E5M2:
    table = getDecodeTable(b, loc, op); // null for FP8: decoded by arithmetic
    decode = Decode::Table;
    break;
  default:
    op.emitOpError("qf-lower-to-cpu: unsupported weight format in scheme '")
        << scheme.str() << "'";
    return nullptr;
  }
  return std::make_unique<UnpackedSource>(cfg, op, w, s, z, decode, table,
                                          group);
}

std::unique_ptr<IntWeightSource> makeIntWeightSource(OpBuilder &b, Location loc,
                                                     qf::MatmulOp op,
                                                     const KernelConfig &cfg) {
  bool failed;
  if (std::optional<PackedInfo> info = packedInfoOf(op, failed))
    return makePackedIntSource(b, loc, op, *info, cfg, failed);
  if (failed)
    return nullptr;
  quant::Scheme scheme = op.getQuantScheme();
  if (scheme.weight != quant::WeightFormat::Int8 || !scheme.symmetric ||
      scheme.granularity == quant::Granularity::Group) {
    op.emitOpError("qf-lower-to-cpu: the integer kernel needs symmetric int8 "
                   "weights with channel or tensor scales, got scheme '")
        << scheme.str() << "'";
    return nullptr;
  }
  Value w = toBuffer(b, loc, op.getWeight());
  Value s = toBuffer(b, loc, op.getWeightScale());
  return std::make_unique<UnpackedIntSource>(cfg, w, s, scheme.granularity);
}

} // namespace qforge::cpu
