//===- LowerToReference.cpp - qf ops to linalg with exact semantics ------===//
//
// The reference lowering: straightforward linalg.generics whose bodies are
// the numeric core's scalar math (ScalarNumerics.h). Weights are dequantized
// into a temporary here; that is what the fused kernels avoid, and what they
// are checked against.
//
//===----------------------------------------------------------------------===//

#include "ScalarNumerics.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/StorageTypes.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Dialect/QF/Utils/NumericBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/PatternMatch.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFLOWERTOREFERENCE
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;
using namespace qforge;
using namespace qforge::qf;
namespace ref = qforge::qf::reference;

namespace {

using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

//===----------------------------------------------------------------------===//
// Small builders
//===----------------------------------------------------------------------===//

/// An empty tensor shaped like `like` (the first `rank` dims, or all).
Value emptyLike(OpBuilder &b, Location loc, Value like, Type elementType,
                std::optional<unsigned> rank = std::nullopt) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, like);
  if (rank)
    sizes.resize(*rank);
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value filled(OpBuilder &b, Location loc, Value empty, Value value) {
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

/// Maps (d0, ..., d[n-1]) to the listed dims.
AffineMap dimsMap(MLIRContext *ctx, unsigned numDims, ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

AffineMap leadingDimsMap(MLIRContext *ctx, unsigned numDims, unsigned count) {
  return dimsMap(ctx, numDims,
                 llvm::to_vector(llvm::seq<unsigned>(0, count)));
}

/// One linalg.generic with a single output and a body computing its element
/// from the input elements.
Value generic(OpBuilder &b, Location loc, ValueRange inputs, Value init,
              ArrayRef<AffineMap> maps,
              ArrayRef<utils::IteratorType> iterators, BodyFn body) {
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value out = body(nested, nestedLoc, args);
        linalg::YieldOp::create(nested, nestedLoc, out);
      });
  // Block arguments must be signless for arith; unsigned element types are
  // made signless module-wide once everything is lowered.
  for (BlockArgument arg : op.getRegion().front().getArguments())
    if (auto intType = dyn_cast<IntegerType>(arg.getType()))
      if (!intType.isSignless())
        arg.setType(b.getIntegerType(intType.getWidth()));
  return op.getResult(0);
}

SmallVector<utils::IteratorType> parallel(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

/// The scale layout of quantize/dequantize as an indexing map.
AffineMap layoutMap(MLIRContext *ctx, unsigned rank,
                    std::optional<int64_t> axis,
                    std::optional<int64_t> blockSize) {
  if (!axis)
    return AffineMap::get(rank, 0, {}, ctx);
  if (!blockSize)
    return dimsMap(ctx, rank, {unsigned(*axis)});
  SmallVector<AffineExpr> exprs;
  for (unsigned d = 0; d < rank; ++d) {
    AffineExpr e = getAffineDimExpr(d, ctx);
    exprs.push_back(d == *axis ? e.floorDiv(*blockSize) : e);
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

//===----------------------------------------------------------------------===//
// Quantize / dequantize of a whole tensor
//===----------------------------------------------------------------------===//

/// Quantizes `x` elementwise with `scale` (and `zp`) indexed by `scaleMap`.
Value buildQuantize(OpBuilder &b, Location loc, Value x, Value scale, Value zp,
                    AffineMap scaleMap, Type storage,
                    std::optional<Codebook> codebook) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  SmallVector<Value> inputs = {x, scale};
  SmallVector<AffineMap> maps = {id, scaleMap};
  if (zp) {
    inputs.push_back(zp);
    maps.push_back(scaleMap);
  }
  maps.push_back(id);
  Value init = emptyLike(b, loc, x, storage);
  return generic(b, loc, inputs, init, maps, parallel(rank),
                 [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
                   Value xv = ref::toF32(nb, l, args[0]);
                   Value s = ref::toF32(nb, l, args[1]);
                   if (codebook)
                     return buildEncodeNF4(nb, l, xv, s);
                   if (isFloatStorage(storage)) {
                     Value v = arith::DivFOp::create(nb, l, xv, s);
                     // As ONNX (adding its float zero point): an exact -0
                     // becomes +0 in FP4.
                     if (isa<Float4E2M1FNType>(storage))
                       v = arith::AddFOp::create(nb, l, v,
                                                 ref::f32(nb, l, 0.0f));
                     return buildEncodeFloat(nb, l, v, storage);
                   }
                   Value zpv = zp ? ref::intToF32(nb, l, args[2], storage)
                                  : ref::f32(nb, l, 0.0f);
                   return ref::quantizeInt(nb, l, xv, s, zpv, storage);
                 });
}

/// Dequantizes `q` to `resultType`'s element type.
Value buildDequantize(OpBuilder &b, Location loc, Value q, Value scale,
                      Value zp, AffineMap scaleMap, Type resultElt,
                      std::optional<Codebook> codebook) {
  MLIRContext *ctx = b.getContext();
  Type storage = cast<RankedTensorType>(q.getType()).getElementType();
  unsigned rank = cast<RankedTensorType>(q.getType()).getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  Value table;
  if (codebook)
    table = ref::makeNF4Table(b, loc);
  else if (isFloatStorage(storage))
    table = ref::makeDecodeTable(b, loc, storage);
  SmallVector<Value> inputs = {q, scale};
  SmallVector<AffineMap> maps = {id, scaleMap};
  if (zp) {
    inputs.push_back(zp);
    maps.push_back(scaleMap);
  }
  maps.push_back(id);
  Value init = emptyLike(b, loc, q, resultElt);
  return generic(
      b, loc, inputs, init, maps, parallel(rank),
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value s = ref::toF32(nb, l, args[1]);
        Value x;
        if (codebook)
          x = arith::MulFOp::create(nb, l, ref::decodeNF4(nb, l, args[0], table), s);
        else if (isFloatStorage(storage))
          x = arith::MulFOp::create(nb, l, ref::decodeFloat(nb, l, args[0], table), s);
        else
          x = ref::dequantize(nb, l, ref::intToF32(nb, l, args[0], storage),
                              zp ? ref::intToF32(nb, l, args[2], storage)
                                 : ref::f32(nb, l, 0.0f),
                              s);
        if (!resultElt.isF32())
          x = arith::TruncFOp::create(nb, l, resultElt, x);
        return x;
      });
}

//===----------------------------------------------------------------------===//
// Dynamic quantization
//===----------------------------------------------------------------------===//

/// Reduces `x` over its last dim (perRow) or over all dims with `combine`.
Value reduce(OpBuilder &b, Location loc, Value x, bool perRow, float init,
             function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  unsigned kept = perRow ? rank - 1 : 0;
  Value empty = emptyLike(b, loc, x, b.getF32Type(), kept);
  Value acc = filled(b, loc, empty, ref::f32(b, loc, init));
  SmallVector<utils::IteratorType> iters = parallel(kept);
  iters.append(rank - kept, utils::IteratorType::reduction);
  return generic(b, loc, {x}, acc,
                 {AffineMap::getMultiDimIdentityMap(rank, ctx),
                  leadingDimsMap(ctx, rank, kept)},
                 iters, [&](OpBuilder &nb, Location l, ValueRange args) {
                   return combine(nb, l, args[0], args[1]);
                 });
}

struct DynamicQuantized {
  Value q, scale, zp;
};

/// ONNX DynamicQuantizeLinear for ui8; symmetric absmax/127 for i8.
DynamicQuantized buildDynamicQuantize(OpBuilder &b, Location loc, Value x,
                                      bool perRow, Type storage) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = cast<RankedTensorType>(x.getType()).getRank();
  unsigned kept = perRow ? rank - 1 : 0;
  AffineMap keptId = AffineMap::getMultiDimIdentityMap(kept, ctx);
  bool isUnsigned = cast<IntegerType>(storage).isUnsigned();
  Value zero = ref::f32(b, loc, 0.0f);

  Value scaleInit = emptyLike(b, loc, x, b.getF32Type(), kept);
  Value zpInit = emptyLike(b, loc, x, storage, kept);
  Value scale, zpF32;
  if (isUnsigned) {
    // Range extended to include 0, as ONNX does.
    Value mn = reduce(b, loc, x, perRow, 0.0f,
                      [](OpBuilder &nb, Location l, Value v, Value acc) -> Value {
                        return arith::MinimumFOp::create(nb, l, v, acc);
                      });
    Value mx = reduce(b, loc, x, perRow, 0.0f,
                      [](OpBuilder &nb, Location l, Value v, Value acc) -> Value {
                        return arith::MaximumFOp::create(nb, l, v, acc);
                      });
    scale = generic(b, loc, {mn, mx}, scaleInit, {keptId, keptId, keptId},
                    parallel(kept),
                    [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      Value range = arith::SubFOp::create(nb, l, a[1], a[0]);
                      Value s = arith::DivFOp::create(
                          nb, l, range, ref::f32(nb, l, 255.0f));
                      Value isZero = arith::CmpFOp::create(
                          nb, l, arith::CmpFPredicate::OEQ, s,
                          ref::f32(nb, l, 0.0f));
                      return arith::SelectOp::create(nb, l, isZero,
                                                     ref::f32(nb, l, 1.0f), s);
                    });
    // zp = saturate(roundeven(0 - min / scale)): quantizeInt of -min.
    zpF32 = generic(b, loc, {mn, scale}, scaleInit, {keptId, keptId, keptId},
                    parallel(kept),
                    [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      Value negMin = arith::NegFOp::create(nb, l, a[0]);
                      Value zpBits = ref::quantizeInt(
                          nb, l, negMin, a[1], ref::f32(nb, l, 0.0f), storage);
                      return ref::intToF32(nb, l, zpBits, storage);
                    });
  } else {
    Value amax = reduce(b, loc, x, perRow, 0.0f,
                        [](OpBuilder &nb, Location l, Value v, Value acc) -> Value {
                          Value a = math::AbsFOp::create(nb, l, v);
                          return arith::MaximumFOp::create(nb, l, a, acc);
                        });
    scale = generic(b, loc, {amax}, scaleInit, {keptId, keptId}, parallel(kept),
                    [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                      Value s = arith::DivFOp::create(
                          nb, l, a[0], ref::f32(nb, l, 127.0f));
                      Value isZero = arith::CmpFOp::create(
                          nb, l, arith::CmpFPredicate::OEQ, s,
                          ref::f32(nb, l, 0.0f));
                      return arith::SelectOp::create(nb, l, isZero,
                                                     ref::f32(nb, l, 1.0f), s);
                    });
    zpF32 = filled(b, loc, emptyLike(b, loc, x, b.getF32Type(), kept), zero);
  }
  Value zp = generic(b, loc, {zpF32}, zpInit, {keptId, keptId}, parallel(kept),
                     [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                       Value i = arith::FPToSIOp::create(nb, l, nb.getI32Type(), a[0]);
                       return arith::TruncIOp::create(nb, l, nb.getI8Type(), i);
                     });
  Value q = buildQuantize(b, loc, x, scale, zp, leadingDimsMap(ctx, rank, kept),
                          storage, std::nullopt);
  return {q, scale, zp};
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

/// sum_k lhs[..., m, k] * w[n, k]: f32 accumulation of float operands, or
/// i32 accumulation of i8 operands.
Value contract(OpBuilder &b, Location loc, Value lhs, Value w, bool integer) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = cast<RankedTensorType>(lhs.getType()).getRank();
  unsigned numDims = rank + 1; // batch..., m, n, k
  unsigned n = rank - 1, k = rank;
  SmallVector<unsigned> lhsDims = llvm::to_vector(llvm::seq<unsigned>(0, rank - 1));
  lhsDims.push_back(k);
  AffineMap lhsMap = dimsMap(ctx, numDims, lhsDims);
  AffineMap wMap = dimsMap(ctx, numDims, {n, k});
  AffineMap outMap = leadingDimsMap(ctx, numDims, rank);

  Type accType = integer ? Type(b.getI32Type()) : Type(b.getF32Type());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, lhs);
  sizes.back() = tensor::getMixedSize(b, loc, w, 0);
  Value empty = tensor::EmptyOp::create(b, loc, sizes, accType);
  Value zero = integer ? arith::ConstantIntOp::create(b, loc, b.getI32Type(), 0)
                             .getResult()
                       : ref::f32(b, loc, 0.0f);
  Value init = filled(b, loc, empty, zero);
  SmallVector<utils::IteratorType> iters = parallel(rank);
  iters.push_back(utils::IteratorType::reduction);
  return generic(b, loc, {lhs, w}, init, {lhsMap, wMap, outMap}, iters,
                 [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                   if (integer) {
                     Value x = arith::ExtSIOp::create(nb, l, nb.getI32Type(), a[0]);
                     Value y = arith::ExtSIOp::create(nb, l, nb.getI32Type(), a[1]);
                     return arith::AddIOp::create(
                         nb, l, a[2], arith::MulIOp::create(nb, l, x, y));
                   }
                   Value x = ref::toF32(nb, l, a[0]);
                   Value y = ref::toF32(nb, l, a[1]);
                   return arith::AddFOp::create(
                       nb, l, a[2], arith::MulFOp::create(nb, l, x, y));
                 });
}

LogicalResult lowerMatmul(IRRewriter &b, MatmulOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  quant::Scheme scheme = op.getQuantScheme();
  Value lhs = op.getLhs();
  Value weight = op.getWeight();
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  unsigned rank = lhsType.getRank();
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap rowMap = leadingDimsMap(ctx, rank, rank - 1);
  AffineMap colMap = dimsMap(ctx, rank, {rank - 1});
  AffineMap scalarMap = AffineMap::get(rank, 0, {}, ctx);

  // Weight scale layout over the weight's [N, K] iteration space.
  AffineMap wScaleMap;
  switch (scheme.granularity) {
  case quant::Granularity::Tensor:
    wScaleMap = AffineMap::get(2, 0, {}, ctx);
    break;
  case quant::Granularity::Channel:
    wScaleMap = dimsMap(ctx, 2, {0});
    break;
  case quant::Granularity::Group:
    wScaleMap = layoutMap(ctx, 2, 1, scheme.groupSize);
    break;
  }

  Value y;
  if (scheme.activation == quant::ActivationMode::None) {
    Value w = weight;
    if (!scheme.isFloat()) {
      std::optional<Codebook> codebook;
      if (scheme.weight == quant::WeightFormat::NF4)
        codebook = Codebook::nf4;
      w = buildDequantize(b, loc, weight, op.getWeightScale(),
                          op.getWeightZeroPoint(), wScaleMap, b.getF32Type(),
                          codebook);
    }
    y = contract(b, loc, lhs, w, /*integer=*/false);
  } else {
    Value xq = lhs, xs = op.getLhsScale();
    AffineMap xsMap = scalarMap; // in the result's iteration space
    if (isa<FloatType>(lhsType.getElementType())) {
      Type i8 = b.getI8Type();
      if (scheme.activation == quant::ActivationMode::Static) {
        xq = buildQuantize(b, loc, lhs, xs, Value(),
                           AffineMap::get(rank, 0, {}, ctx), i8, std::nullopt);
      } else {
        DynamicQuantized dq =
            buildDynamicQuantize(b, loc, lhs, /*perRow=*/true, i8);
        xq = dq.q;
        xs = dq.scale;
        xsMap = rowMap;
      }
    } else if (cast<RankedTensorType>(xs.getType()).getRank() != 0) {
      xsMap = rowMap;
    }
    Value acc = contract(b, loc, xq, weight, /*integer=*/true);
    AffineMap wsMap =
        scheme.granularity == quant::Granularity::Tensor ? scalarMap : colMap;
    Value init = emptyLike(b, loc, acc, b.getF32Type());
    y = generic(b, loc, {acc, xs, op.getWeightScale()}, init,
                {id, xsMap, wsMap, id}, parallel(rank),
                [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                  Value v = arith::SIToFPOp::create(nb, l, nb.getF32Type(), a[0]);
                  v = arith::MulFOp::create(nb, l, v, ref::toF32(nb, l, a[1]));
                  return arith::MulFOp::create(nb, l, v, ref::toF32(nb, l, a[2]));
                });
  }

  // Epilogue: + bias, activation, + residual, requantize / narrow.
  Activation act = op.getActivationKind();
  Type resultElt = resultType.getElementType();
  Value bias = op.getBias(), residual = op.getResidual();
  Value outScale = op.getOutputScale(), outZp = op.getOutputZeroPoint();
  if (bias || residual || outScale || act != Activation::none ||
      !resultElt.isF32()) {
    SmallVector<Value> inputs = {y};
    SmallVector<AffineMap> maps = {id};
    int biasIdx = -1, resIdx = -1, osIdx = -1, ozIdx = -1;
    auto add = [&](Value v, AffineMap m, int &idx) {
      if (!v)
        return;
      idx = inputs.size();
      inputs.push_back(v);
      maps.push_back(m);
    };
    add(bias, colMap, biasIdx);
    add(residual, id, resIdx);
    add(outScale, scalarMap, osIdx);
    add(outZp, scalarMap, ozIdx);
    maps.push_back(id);
    Value init = emptyLike(b, loc, y, resultElt);
    y = generic(b, loc, inputs, init, maps, parallel(rank),
                [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                  Value v = a[0];
                  if (biasIdx >= 0)
                    v = arith::AddFOp::create(nb, l, v, ref::toF32(nb, l, a[biasIdx]));
                  v = buildActivation(nb, l, v, act);
                  if (resIdx >= 0)
                    v = arith::AddFOp::create(nb, l, v, ref::toF32(nb, l, a[resIdx]));
                  if (osIdx >= 0) {
                    Value zpv = ozIdx >= 0
                                    ? ref::intToF32(nb, l, a[ozIdx], resultElt)
                                    : ref::f32(nb, l, 0.0f);
                    return ref::quantizeInt(nb, l, v,
                                            ref::toF32(nb, l, a[osIdx]), zpv,
                                            resultElt);
                  }
                  if (!resultElt.isF32())
                    v = arith::TruncFOp::create(nb, l, resultElt, v);
                  return v;
                });
  }
  b.replaceOp(op, y);
  return success();
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// uiN -> iN everywhere: types of values, block arguments, function
/// signatures and the element types of constants (same bits).
void makeIntegersSignless(ModuleOp module) {
  // Dense constants keep their own type inside the attribute, which the
  // replacer below does not rebuild.
  module.walk([](arith::ConstantOp op) {
    auto dense = dyn_cast<DenseElementsAttr>(op.getValue());
    if (!dense)
      return;
    auto intType = dyn_cast<IntegerType>(dense.getElementType());
    if (!intType || intType.isSignless())
      return;
    op.setValueAttr(dense.bitcast(
        IntegerType::get(op.getContext(), intType.getWidth())));
  });
  AttrTypeReplacer replacer;
  replacer.addReplacement([](IntegerType type) -> std::optional<Type> {
    if (type.isSignless())
      return std::nullopt;
    return IntegerType::get(type.getContext(), type.getWidth());
  });
  replacer.recursivelyReplaceElementsIn(module, /*replaceAttrs=*/true,
                                        /*replaceLocs=*/false,
                                        /*replaceTypes=*/true);
}

struct LowerToReferencePass
    : qf::impl::QFLowerToReferenceBase<LowerToReferencePass> {
  void runOnOperation() override {
    if (failed(lowerToReference(getOperation())))
      signalPassFailure();
  }
};

} // namespace

LogicalResult qforge::qf::lowerToReference(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) {
    if (isa<QFDialect>(op->getDialect()))
      ops.push_back(op);
  });
  IRRewriter b(ctx);
  for (Operation *op : ops) {
    b.setInsertionPoint(op);
    Location loc = op->getLoc();
    if (auto q = dyn_cast<QuantizeOp>(op)) {
      unsigned rank = q.getInput().getType().getRank();
      Value r = buildQuantize(
          b, loc, q.getInput(), q.getScale(), q.getZeroPoint(),
          layoutMap(ctx, rank, q.getAxis(), q.getBlockSize()),
          q.getResult().getType().getElementType(), q.getCodebook());
      b.replaceOp(op, r);
    } else if (auto dq = dyn_cast<DequantizeOp>(op)) {
      unsigned rank = dq.getInput().getType().getRank();
      Value r = buildDequantize(
          b, loc, dq.getInput(), dq.getScale(), dq.getZeroPoint(),
          layoutMap(ctx, rank, dq.getAxis(), dq.getBlockSize()),
          dq.getResult().getType().getElementType(), dq.getCodebook());
      b.replaceOp(op, r);
    } else if (auto dyn = dyn_cast<DynamicQuantizeOp>(op)) {
      DynamicQuantized r = buildDynamicQuantize(
          b, loc, dyn.getInput(), dyn.getPerRow(),
          dyn.getResult().getType().getElementType());
      b.replaceOp(op, ValueRange{r.q, r.scale, r.zp});
    } else if (auto obs = dyn_cast<ObserveOp>(op)) {
      b.replaceOp(op, obs.getInput());
    } else if (auto mm = dyn_cast<MatmulOp>(op)) {
      if (failed(lowerMatmul(b, mm)))
        return failure();
    } else {
      return op->emitOpError("has no reference lowering");
    }
  }
  makeIntegersSignless(module);
  // Tensor names (qf.name, from the ONNX importer) are for reports and
  // artifact signatures, read before lowering; LLVM would warn about them.
  module.walk([&](func::FuncOp fn) {
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      fn.removeArgAttr(i, kNameAttrName);
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      fn.removeResultAttr(i, StringAttr::get(ctx, kNameAttrName));
  });
  return success();
}
