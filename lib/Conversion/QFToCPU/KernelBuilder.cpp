//===- KernelBuilder.cpp - Shared pieces of the CPU kernels --------------===//

#include "KernelBuilder.h"

#include "qforge/Dialect/QF/IR/QFAttrs.h"

#include "mlir/Dialect/Vector/Utils/VectorUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

namespace qforge::cpu {

FailureOr<KernelConfig> getKernelConfigFor(Operation *anchor,
                                           StringRef passName) {
  Target target = qf::getTargetOf(anchor);
  llvm::Expected<std::unique_ptr<TargetInfo>> info = TargetInfo::get(target);
  if (!info)
    return anchor->emitError()
           << passName << ": " << llvm::toString(info.takeError());
  if (!(*info)->isCPU())
    return anchor->emitError() << passName << ": target '" << target.str()
                               << "' is not a CPU target";
  return getKernelConfig(**info);
}

KernelConfig getKernelConfig(const TargetInfo &target) {
  KernelConfig c;
  c.vl = target.getF32Lanes();
  c.int8Dot = target.getInt8DotKind();
  c.registerLookups = target.hasRegisterLookups();
  c.f16Convert = target.hasF16Conversion();
  return c;
}

Value KB::idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

Value KB::f32(float v) {
  return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                        llvm::APFloat(v));
}

Value KB::i32(int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
}

Value KB::intConst(Type type, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, v));
}

Value KB::zero(Type type) {
  if (auto vt = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(
        b, loc, cast<TypedAttr>(DenseElementsAttr::get(
                    vt, b.getZeroAttr(vt.getElementType()))));
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(b.getZeroAttr(type)));
}

Value KB::splat(VectorType type, Value scalar) {
  return vector::BroadcastOp::create(b, loc, type, scalar);
}

VectorType KB::vec(int64_t n, Type elt) { return VectorType::get({n}, elt); }

Value KB::add(Value x, Value y) {
  if (isa<FloatType>(getElementTypeOrSelf(x.getType())))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

Value KB::mul(Value x, Value y) {
  if (isa<FloatType>(getElementTypeOrSelf(x.getType())))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

Value KB::minIdx(Value x, Value y) {
  return arith::MinSIOp::create(b, loc, x, y);
}

static Type withElement(Type like, Type elt) {
  if (auto vt = dyn_cast<VectorType>(like))
    return vt.clone(elt);
  return elt;
}

Value KB::toF32(Value v) {
  Type elt = getElementTypeOrSelf(v.getType());
  if (elt.isF32())
    return v;
  if (elt.isBF16()) {
    // Exact and portable: the bf16 bits are the top half of the f32's.
    Type i16 = withElement(v.getType(), b.getI16Type());
    Type i32 = withElement(v.getType(), b.getI32Type());
    Value bits = arith::BitcastOp::create(b, loc, i16, v);
    Value wide = arith::ExtUIOp::create(b, loc, i32, bits);
    Value sixteen = isa<VectorType>(i32)
                        ? splat(cast<VectorType>(i32), this->i32(16))
                        : this->i32(16);
    wide = arith::ShLIOp::create(b, loc, wide, sixteen);
    return arith::BitcastOp::create(
        b, loc, withElement(v.getType(), b.getF32Type()), wide);
  }
  return arith::ExtFOp::create(b, loc,
                               withElement(v.getType(), b.getF32Type()), v);
}

Value KB::intToF32(Value v, bool isUnsigned) {
  Type f32Type = withElement(v.getType(), b.getF32Type());
  if (isUnsigned)
    return arith::UIToFPOp::create(b, loc, f32Type, v);
  return arith::SIToFPOp::create(b, loc, f32Type, v);
}

Value KB::mask(int64_t n, int64_t valid) {
  return vector::CreateMaskOp::create(b, loc, vec(n, b.getI1Type()),
                                      ValueRange{idx(valid)});
}

Value KB::read(VectorType type, Value base, ValueRange indices, Value padding,
               int64_t valid, bool inBounds) {
  auto memrefType = cast<MemRefType>(base.getType());
  AffineMap map = vector::getTransferMinorIdentityMap(memrefType, type);
  SmallVector<bool> inBoundsVec(1, inBounds);
  if (valid >= type.getNumElements())
    return vector::TransferReadOp::create(b, loc, type, base, indices, padding,
                                          map, inBoundsVec);
  return vector::TransferReadOp::create(
      b, loc, type, base, indices, AffineMapAttr::get(map), padding,
      mask(type.getNumElements(), valid), b.getBoolArrayAttr(inBoundsVec));
}

} // namespace qforge::cpu
