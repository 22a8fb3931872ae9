//===- LowerLookups.cpp - 16-entry table lookups as register permutes ----===//
//
// vector.gather %table[%c0] [%idx] (all lanes, vector<8xi32> indices) from a
// constant 16 x f32 memref.global becomes, on AVX2:
//   lo = vpermps(table[0..7], idx); hi = vpermps(table[8..15], idx)
//   result = idx > 7 ? hi : lo
// vpermps reads only the low 3 bits of each index.
//
// Also the kernels' tagged adjacent-pair sums (KernelLoops.h) become
// vpmaddubsw / vpmaddwd, their tagged sign transfers vpsignb, and on VNNI
// targets their tagged 4-byte dots vpdpbusd.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilder.h"
#include "KernelLoops.h"

#include "qforge/Conversion/QFToCPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"

namespace qforge::cpu {
#define GEN_PASS_DEF_QFLOWERCPULOOKUPS
#include "qforge/Conversion/QFToCPU/Passes.h.inc"
} // namespace qforge::cpu

using namespace mlir;
using namespace qforge;
using namespace qforge::cpu;

namespace {

/// The initial value of the constant global read by `base`, if it is one.
DenseElementsAttr tableAttr(Value base) {
  auto get = base.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return {};
  auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      get, get.getNameAttr());
  if (!global || !global.getConstant() || !global.getInitialValue())
    return {};
  return dyn_cast<DenseElementsAttr>(*global.getInitialValue());
}

/// The 16 f32 values of a constant global read by `base`, if it is one.
std::optional<SmallVector<float>> tableValues(Value base) {
  auto dense = dyn_cast_if_present<DenseFPElementsAttr>(tableAttr(base));
  if (!dense || !dense.getElementType().isF32() || dense.getNumElements() != 16)
    return std::nullopt;
  SmallVector<float> values;
  for (APFloat v : dense.getValues<APFloat>())
    values.push_back(v.convertToFloat());
  return values;
}

bool isAllTrue(Value mask) {
  if (matchPattern(mask, m_One()))
    return true;
  auto cst = mask.getDefiningOp<vector::ConstantMaskOp>();
  if (!cst)
    return false;
  auto type = cast<VectorType>(mask.getType());
  return cst.getMaskDimSizes()[0] == type.getDimSize(0);
}

/// gather of 32 bytes from a 16-byte constant table, indexed by zero-extended
/// bytes < 16 (a nibble, or two concatenated): vpshufb with the table in both
/// 128-bit lanes.
bool lowerByteLookup(vector::GatherOp op) {
  auto type = cast<VectorType>(op.getType());
  if (type.getRank() != 1 || type.getDimSize(0) != 32 ||
      !type.getElementType().isInteger(8) || !isAllTrue(op.getMask()) ||
      op.getOffsets().size() != 1 || !matchPattern(op.getOffsets()[0], m_Zero()))
    return false;
  auto ext = op.getIndices().getDefiningOp<arith::ExtUIOp>();
  if (!ext || cast<VectorType>(ext.getIn().getType()).getElementType() !=
                  type.getElementType())
    return false;
  // Indices must be < 16: masked to a nibble or shifted right by 4.
  Operation *def = ext.getIn().getDefiningOp();
  auto shuffle = dyn_cast_or_null<vector::ShuffleOp>(def);
  auto isNibble = [](Value v) {
    APInt c;
    if (auto andOp = v.getDefiningOp<arith::AndIOp>())
      return matchPattern(andOp.getRhs(), m_ConstantInt(&c)) && c.ule(15);
    if (auto shr = v.getDefiningOp<arith::ShRUIOp>())
      return matchPattern(shr.getRhs(), m_ConstantInt(&c)) && c.uge(4);
    return false;
  };
  bool nibbles = shuffle ? isNibble(shuffle.getV1()) && isNibble(shuffle.getV2())
                        : isNibble(ext.getIn());
  if (!nibbles)
    return false;
  DenseElementsAttr table = tableAttr(op.getBase());
  if (!table || !table.getElementType().isInteger(8) ||
      table.getNumElements() != 16)
    return false;
  SmallVector<int8_t> bytes;
  for (APInt v : table.getValues<APInt>())
    bytes.push_back(int8_t(v.getSExtValue()));
  bytes.append(SmallVector<int8_t>(bytes));
  OpBuilder b(op);
  Value tableVec = arith::ConstantOp::create(
      b, op.getLoc(), DenseElementsAttr::get(type, ArrayRef<int8_t>(bytes)));
  Value result = LLVM::CallIntrinsicOp::create(
                     b, op.getLoc(), type, b.getStringAttr("llvm.x86.avx2.pshuf.b"),
                     ValueRange{tableVec, ext.getIn()})
                     .getResult(0);
  op.replaceAllUsesWith(result);
  op.erase();
  return true;
}

/// The operand of the even-lane shuffle feeding `v`, an adjacent-pair addi.
Value pairTreeSource(Value v) {
  auto add = v.getDefiningOp<arith::AddIOp>();
  auto even = add ? add.getLhs().getDefiningOp<vector::ShuffleOp>() : nullptr;
  return even ? even.getV1() : Value();
}

/// A kMaddUbsAttr / kPairSumAttr sum (KernelLoops.h) as its AVX2
/// multiply-add; false (IR unchanged) when it is not of the tagged form.
bool lowerTaggedPairSum(arith::AddIOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  KB k{b, loc};
  Value src = pairTreeSource(op);
  if (!src)
    return false;
  Value result;
  if (op->hasAttr(kMaddUbsAttr)) {
    auto mul = src.getDefiningOp<arith::MulIOp>();
    auto u = mul ? mul.getLhs().getDefiningOp<arith::ExtUIOp>() : nullptr;
    auto s = mul ? mul.getRhs().getDefiningOp<arith::ExtSIOp>() : nullptr;
    if (!u || !s || cast<VectorType>(u.getIn().getType()).getNumElements() != 32)
      return false;
    result = LLVM::CallIntrinsicOp::create(
                 b, loc, op.getType(), b.getStringAttr("llvm.x86.avx2.pmadd.ub.sw"),
                 ValueRange{u.getIn(), s.getIn()})
                 .getResult(0);
  } else {
    auto ext = src.getDefiningOp<arith::ExtSIOp>();
    if (!ext)
      return false;
    auto inType = cast<VectorType>(ext.getIn().getType());
    if (inType.getNumElements() != 16 || !inType.getElementType().isInteger(16))
      return false;
    Value ones = k.splat(inType, k.intConst(b.getI16Type(), 1));
    result = LLVM::CallIntrinsicOp::create(
                 b, loc, op.getType(), b.getStringAttr("llvm.x86.avx2.pmadd.wd"),
                 ValueRange{ext.getIn(), ones})
                 .getResult(0);
  }
  op.replaceAllUsesWith(result);
  op.erase();
  return true;
}

/// A kDotBusdAttr sum of 4-byte products (KernelLoops.h: two levels of
/// adjacent-pair sums of extui(u) * extsi(s)) as vpdpbusd(acc, u, s): acc is
/// what the sum is added to when that is its only use (the add becomes the
/// instruction), else zero (an add of a zero accumulator folds away before
/// this pass). False (IR unchanged) when it is not of the tagged form.
bool lowerTaggedDotBusd(arith::AddIOp op) {
  Value level1 = pairTreeSource(op);
  Value products = level1 ? pairTreeSource(level1) : Value();
  auto mul = products ? products.getDefiningOp<arith::MulIOp>() : nullptr;
  auto u = mul ? mul.getLhs().getDefiningOp<arith::ExtUIOp>() : nullptr;
  auto s = mul ? mul.getRhs().getDefiningOp<arith::ExtSIOp>() : nullptr;
  auto type = cast<VectorType>(op.getType());
  auto isBytes32 = [](Value v) {
    auto t = cast<VectorType>(v.getType());
    return t.getNumElements() == 32 && t.getElementType().isInteger(8);
  };
  if (!u || !s || type.getNumElements() != 8 || !isBytes32(u.getIn()) ||
      !isBytes32(s.getIn()))
    return false;
  Operation *replaced = op;
  OpBuilder b(op);
  Value acc;
  if (op->hasOneUse())
    if (auto user = dyn_cast<arith::AddIOp>(*op->user_begin())) {
      replaced = user;
      acc = user.getLhs() == op.getResult() ? user.getRhs() : user.getLhs();
      b.setInsertionPoint(user);
    }
  if (!acc)
    acc = KB{b, op.getLoc()}.zero(type);
  Value result = LLVM::CallIntrinsicOp::create(
                     b, op.getLoc(), type,
                     b.getStringAttr("llvm.x86.avx512.vpdpbusd.256"),
                     ValueRange{acc, u.getIn(), s.getIn()})
                     .getResult(0);
  replaced->replaceAllUsesWith(ValueRange{result});
  replaced->erase();
  if (replaced != op.getOperation())
    op.erase();
  return true;
}

/// A kSignByAttr select(a < 0, 0 - b, b) (KernelLoops.h) as vpsignb(b, a).
bool lowerTaggedSignBy(arith::SelectOp op) {
  auto cmp = op.getCondition().getDefiningOp<arith::CmpIOp>();
  auto type = dyn_cast<VectorType>(op.getType());
  if (!cmp || cmp.getPredicate() != arith::CmpIPredicate::slt || !type ||
      type.getNumElements() != 32 || !type.getElementType().isInteger(8))
    return false;
  OpBuilder b(op);
  Value result = LLVM::CallIntrinsicOp::create(
                     b, op.getLoc(), type, b.getStringAttr("llvm.x86.avx2.psign.b"),
                     ValueRange{op.getFalseValue(), cmp.getLhs()})
                     .getResult(0);
  op.replaceAllUsesWith(result);
  op.erase();
  return true;
}

/// The ops of type OpT under `root` that carry any of `tags`, collected
/// before any is rewritten.
template <typename OpT>
SmallVector<OpT> taggedOps(Operation *root, ArrayRef<StringRef> tags) {
  SmallVector<OpT> ops;
  root->walk([&](OpT op) {
    if (llvm::any_of(tags, [&](StringRef tag) { return op->hasAttr(tag); }))
      ops.push_back(op);
  });
  return ops;
}

struct LowerCPULookupsPass
    : cpu::impl::QFLowerCPULookupsBase<LowerCPULookupsPass> {
  using Base::Base;

  void runOnOperation() override {
    FailureOr<KernelConfig> config =
        getKernelConfigFor(getOperation(), "qf-lower-cpu-lookups");
    if (failed(config))
      return signalPassFailure();
    const KernelConfig &cfg = *config;
    if (!cfg.x86Avx2())
      return;
    Operation *root = getOperation();
    for (auto op : taggedOps<arith::AddIOp>(root, {kMaddUbsAttr, kPairSumAttr}))
      lowerTaggedPairSum(op);
    for (auto op : taggedOps<arith::SelectOp>(root, {kSignByAttr}))
      lowerTaggedSignBy(op);
    // The 256-bit intrinsic: VEX-encoded with AVX-VNNI, EVEX with
    // AVX512-VNNI + VL (the artifact writer adds VL to its features).
    if (cfg.int8Dot == Int8DotKind::X86Vnni)
      for (auto op : taggedOps<arith::AddIOp>(root, {kDotBusdAttr}))
        lowerTaggedDotBusd(op);
    SmallVector<vector::GatherOp> gathers;
    getOperation().walk([&](vector::GatherOp op) { gathers.push_back(op); });
    for (vector::GatherOp op : gathers) {
      if (lowerByteLookup(op))
        continue;
      auto type = cast<VectorType>(op.getType());
      auto indexType = cast<VectorType>(op.getIndices().getType());
      if (type.getRank() != 1 || type.getDimSize(0) != 8 ||
          !type.getElementType().isF32() ||
          !indexType.getElementType().isInteger(32) || !isAllTrue(op.getMask()))
        continue;
      if (op.getOffsets().size() != 1 ||
          !matchPattern(op.getOffsets()[0], m_Zero()))
        continue;
      std::optional<SmallVector<float>> values = tableValues(op.getBase());
      if (!values)
        continue;
      OpBuilder b(op);
      KB k{b, op.getLoc()};
      VectorType f8 = k.vec(8, b.getF32Type());
      auto half = [&](int64_t begin) {
        return arith::ConstantOp::create(
            b, op.getLoc(),
            DenseElementsAttr::get(f8, ArrayRef<float>(*values).slice(begin, 8)));
      };
      Value idx = op.getIndices();
      auto permute = [&](Value table) {
        return LLVM::CallIntrinsicOp::create(
                   b, op.getLoc(), f8, b.getStringAttr("llvm.x86.avx2.permps"),
                   ValueRange{table, idx})
            .getResult(0);
      };
      Value lo = permute(half(0)), hi = permute(half(8));
      Value upper = arith::CmpIOp::create(
          b, op.getLoc(), arith::CmpIPredicate::ugt, idx,
          k.splat(indexType, k.i32(7)));
      Value result = arith::SelectOp::create(b, op.getLoc(), upper, hi, lo);
      op.replaceAllUsesWith(result);
      op.erase();
    }
  }
};

} // namespace
