//===- ImportQuant.cpp - !quant.uniform at the boundary to qf ops --------===//
//
// Upstream quant types carry their scales inside the type; qf keeps scales
// as tensors (DESIGN.md, principle 1). This pass moves them out: types become
// their storage type and the scales become constants feeding qf ops.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Transforms/DialectConversion.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFIMPORTQUANT
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;
using namespace qforge::qf;

namespace {

/// `iN` for signed storage, `uiN` for unsigned.
Type storageOf(quant::QuantizedType type) {
  unsigned width = type.getStorageTypeIntegralWidth();
  return IntegerType::get(type.getContext(), width,
                          type.isSigned() ? IntegerType::Signless
                                          : IntegerType::Unsigned);
}

quant::QuantizedType getQuantElement(Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return dyn_cast<quant::QuantizedType>(tensor.getElementType());
  return dyn_cast<quant::QuantizedType>(type);
}

/// Scales, zero points and layout of one quantized tensor type, as qf wants.
struct Layout {
  SmallVector<int64_t> shape; ///< of the scale / zero point tensors
  SmallVector<float> scales;
  SmallVector<int64_t> zeroPoints;
  std::optional<int64_t> axis, blockSize;
};

FailureOr<Layout> getLayout(Operation *op, RankedTensorType tensorType,
                            quant::QuantizedType quantType) {
  Layout layout;
  if (quantType.hasStorageTypeBounds())
    return op->emitOpError("narrowed storage range [")
           << quantType.getStorageTypeMin() << ", "
           << quantType.getStorageTypeMax()
           << "] is not supported; qf saturates to the storage type's range";
  if (auto t = dyn_cast<quant::UniformQuantizedType>(quantType)) {
    layout.scales = {float(t.getScale())};
    layout.zeroPoints = {t.getZeroPoint()};
    return layout;
  }
  if (auto t = dyn_cast<quant::UniformQuantizedPerAxisType>(quantType)) {
    for (double s : t.getScales())
      layout.scales.push_back(float(s));
    layout.zeroPoints.assign(t.getZeroPoints().begin(), t.getZeroPoints().end());
    layout.axis = t.getQuantizedDimension();
    layout.shape = {int64_t(layout.scales.size())};
    return layout;
  }
  auto t = dyn_cast<quant::UniformQuantizedSubChannelType>(quantType);
  if (!t)
    return op->emitOpError("unsupported quantized type ") << quantType;
  if (!tensorType.hasStaticShape())
    return op->emitOpError("sub-channel quantized tensors need a static shape");

  // qf blocks a single axis (like ONNX). Block along the dimension whose
  // blocks shrink it most and repeat the scales along every other blocked
  // dimension: that keeps the materialised scale tensor smallest, and with a
  // single blocked dimension nothing is repeated at all.
  ArrayRef<int64_t> shape = tensorType.getShape();
  unsigned rank = shape.size();
  SmallVector<int64_t> block(rank);
  for (unsigned d = 0; d < rank; ++d)
    block[d] = shape[d];
  for (auto [dim, size] : t.getBlockSizeInfo())
    block[dim] = size;
  auto reduction = [&](unsigned d) {
    return shape[d] / llvm::divideCeil(shape[d], block[d]);
  };
  int64_t axis = 0;
  for (unsigned d = 1; d < rank; ++d)
    if (reduction(d) > reduction(axis))
      axis = d;
  layout.axis = axis;
  layout.blockSize = block[axis];
  layout.shape.assign(shape.begin(), shape.end());
  layout.shape[axis] = llvm::divideCeil(shape[axis], block[axis]);

  DenseElementsAttr scales = t.getScales();
  DenseElementsAttr zps = t.getZeroPoints();
  ArrayRef<int64_t> srcShape = cast<ShapedType>(scales.getType()).getShape();
  SmallVector<APFloat> srcScales(scales.getValues<APFloat>());
  SmallVector<APInt> srcZps(zps.getValues<APInt>());
  int64_t count = 1;
  for (int64_t d : layout.shape)
    count *= d;
  SmallVector<int64_t> index(rank, 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    // Source index: element index / block size; along `axis` the layout
    // index already counts blocks.
    int64_t src = 0;
    for (unsigned d = 0; d < rank; ++d) {
      int64_t i = d == axis ? index[d] : index[d] / block[d];
      src = src * srcShape[d] + i;
    }
    APFloat s = srcScales[src];
    bool losesInfo;
    s.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &losesInfo);
    layout.scales.push_back(s.convertToFloat());
    layout.zeroPoints.push_back(srcZps[src].getSExtValue());
    for (int d = rank - 1; d >= 0; --d) {
      if (++index[d] < layout.shape[d])
        break;
      index[d] = 0;
    }
  }
  return layout;
}

/// Constant scale (f32) and zero point (storage type; null when all zero).
std::pair<Value, Value> materialize(OpBuilder &b, Location loc,
                                    const Layout &layout, Type storage) {
  auto scaleType = RankedTensorType::get(layout.shape, b.getF32Type());
  Value scale = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(scaleType, ArrayRef<float>(layout.scales)));
  if (llvm::all_of(layout.zeroPoints, [](int64_t z) { return z == 0; }))
    return {scale, Value()};
  unsigned width = storage.getIntOrFloatBitWidth();
  SmallVector<APInt> zps;
  for (int64_t z : layout.zeroPoints)
    zps.push_back(APInt(width, uint64_t(z), /*isSigned=*/true,
                        /*implicitTrunc=*/true));
  auto zpType = RankedTensorType::get(layout.shape, storage);
  Value zp =
      arith::ConstantOp::create(b, loc, DenseElementsAttr::get(zpType, zps));
  return {scale, zp};
}

IntegerAttr optionalI64(OpBuilder &b, std::optional<int64_t> v) {
  return v ? b.getI64IntegerAttr(*v) : IntegerAttr();
}

struct QuantizeCastLowering : OpConversionPattern<quant::QuantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::QuantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    auto quantType = getQuantElement(resultType);
    FailureOr<Layout> layout = getLayout(op, resultType, quantType);
    if (failed(layout))
      return failure();
    Type storage = storageOf(quantType);
    auto [scale, zp] = materialize(rewriter, op.getLoc(), *layout, storage);
    Value input = adaptor.getInput();
    rewriter.replaceOpWithNewOp<QuantizeOp>(
        op, resultType.clone(storage), input, scale, zp,
        optionalI64(rewriter, layout->axis),
        optionalI64(rewriter, layout->blockSize), CodebookAttr());
    return success();
  }
};

struct DequantizeCastLowering : OpConversionPattern<quant::DequantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::DequantizeCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto inputType = cast<RankedTensorType>(op.getInput().getType());
    auto quantType = getQuantElement(inputType);
    FailureOr<Layout> layout = getLayout(op, inputType, quantType);
    if (failed(layout))
      return failure();
    Type storage = storageOf(quantType);
    auto [scale, zp] = materialize(rewriter, op.getLoc(), *layout, storage);
    rewriter.replaceOpWithNewOp<DequantizeOp>(
        op, op.getResult().getType(), adaptor.getInput(), scale, zp,
        optionalI64(rewriter, layout->axis),
        optionalI64(rewriter, layout->blockSize), CodebookAttr());
    return success();
  }
};

/// Storage and quantized values are the same bits once types are converted.
struct StorageCastLowering : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// Diagnoses quant ops that qf cannot represent.
LogicalResult checkSupported(Operation *op) {
  if (!isa<quant::QuantizeCastOp, quant::DequantizeCastOp,
           quant::StorageCastOp>(op))
    return success();
  if (auto scast = dyn_cast<quant::StorageCastOp>(op)) {
    Type from = scast.getInput().getType(), to = scast.getResult().getType();
    auto storageLike = [](Type t) -> Type {
      if (auto q = getQuantElement(t)) {
        Type storage = storageOf(q);
        if (auto tensor = dyn_cast<RankedTensorType>(t))
          return tensor.clone(storage);
        return storage;
      }
      return t;
    };
    if (storageLike(from) != storageLike(to))
      return op->emitOpError("casts ")
             << storageLike(from) << " to " << storageLike(to)
             << ", whose signedness differs; qf cannot reinterpret it";
    return success();
  }
  Type quantized = isa<quant::QuantizeCastOp>(op) ? op->getResult(0).getType()
                                                  : op->getOperand(0).getType();
  auto tensor = dyn_cast<RankedTensorType>(quantized);
  if (!tensor)
    return op->emitOpError("on scalars or unranked tensors is not supported "
                           "by qf; use ranked tensors");
  return getLayout(op, tensor, getQuantElement(tensor));
}

struct ImportQuantPass : qforge::qf::impl::QFImportQuantBase<ImportQuantPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Check everything first, so that each unsupported op gets one clear
    // diagnostic rather than a conversion failure after it.
    WalkResult checked = getOperation().walk([](Operation *op) {
      return succeeded(checkSupported(op)) ? WalkResult::advance()
                                           : WalkResult::interrupt();
    });
    if (checked.wasInterrupted())
      return signalPassFailure();
    TypeConverter converter;
    converter.addConversion([](Type type) { return type; });
    converter.addConversion([](quant::QuantizedType type) -> Type {
      return storageOf(type);
    });
    converter.addConversion([](RankedTensorType type) -> Type {
      if (auto q = dyn_cast<quant::QuantizedType>(type.getElementType()))
        return type.clone(storageOf(q));
      return type;
    });

    ConversionTarget target(*ctx);
    target.addLegalDialect<QFDialect, arith::ArithDialect>();
    target.addIllegalDialect<quant::QuantDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    patterns.add<QuantizeCastLowering, DequantizeCastLowering,
                 StorageCastLowering>(converter, ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateBranchOpInterfaceTypeConversionPattern(patterns, converter);
    // Upstream folds dcast(qcast(x)) to x, which would drop the rounding a
    // quantize/dequantize pair exists to model.
    ConversionConfig config;
    config.foldingMode = DialectConversionFoldingMode::Never;
    if (failed(applyFullConversion(getOperation(), target, std::move(patterns),
                                   config)))
      signalPassFailure();
  }
};

} // namespace
