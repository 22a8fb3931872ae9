//===- MatmulRewrite.cpp - Shared pieces of the quantizing rewrites ------===//

#include "MatmulRewrite.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <algorithm>

using namespace mlir;

namespace qforge::qf::rewrite {
namespace {

/// Row-major float data of a constant, or nullopt.
std::optional<std::vector<float>> constantData(Attribute attr) {
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (!isa<FloatType>(dense.getElementType()))
      return std::nullopt;
    std::vector<float> out;
    out.reserve(dense.getNumElements());
    for (APFloat v : dense.getValues<APFloat>()) {
      bool losesInfo;
      v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven,
                &losesInfo);
      out.push_back(v.convertToFloat());
    }
    return out;
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data || int64_t(data->size()) != resource.getType().getNumElements())
      return std::nullopt;
    return std::vector<float>(data->begin(), data->end());
  }
  return std::nullopt;
}

/// Whether constantData can read `attr` (float elements, of a resource
/// whose blob holds the whole tensor), without reading it.
bool isFloatConstant(Attribute attr) {
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return isa<FloatType>(dense.getElementType());
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    return data &&
           int64_t(data->size()) == resource.getType().getNumElements();
  }
  return false;
}

/// Follows reshapes and 2-D transposes back to a constant's value, or null.
/// `transposed` flips for every transpose crossed; the constant has the
/// weight's data in its own shape (the reshapes are free in row-major
/// order).
Attribute traceConstant(Value v, bool &transposed) {
  while (true) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return nullptr;
    if (auto cst = dyn_cast<arith::ConstantOp>(def))
      return isFloatConstant(cst.getValue()) ? cst.getValue() : nullptr;
    if (auto t = dyn_cast<linalg::TransposeOp>(def)) {
      if (t.getPermutation().size() != 2)
        return nullptr;
      transposed = !transposed;
      v = t.getInput();
      continue;
    }
    if (isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(def)) {
      // A reshape crossed after a transpose would reorder elements.
      if (transposed)
        return nullptr;
      v = def->getOperand(0);
      continue;
    }
    return nullptr;
  }
}

bool isZero(Value v) {
  if (auto fill = v.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_AnyZeroFloat());
  Attribute attr;
  if (matchPattern(v, m_Constant(&attr)))
    if (auto splat = dyn_cast<SplatElementsAttr>(attr))
      return isa<FloatType>(splat.getElementType()) &&
             splat.getSplatValue<APFloat>().isZero();
  return false;
}

} // namespace

std::optional<MatchedMatmul> matchMatmul(linalg::LinalgOp op,
                                         bool readWeights) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op->getNumResults() != 1 || !op.hasPureTensorSemantics() ||
      !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  // Leading dimensions of a 2-D weight's matmul (batch, tokens) are all
  // "m" dimensions to the contraction analysis: they index lhs and result.
  if (failed(dims) || !dims->batch.empty() || dims->k.size() != 1 ||
      dims->n.size() != 1 || dims->m.empty())
    return std::nullopt;
  unsigned n = dims->n[0], k = dims->k[0];
  MLIRContext *ctx = op.getContext();
  auto dimsMap = [&](ArrayRef<unsigned> ds) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d : ds)
      exprs.push_back(getAffineDimExpr(d, ctx));
    return AffineMap::get(op.getNumLoops(), 0, exprs, ctx);
  };
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  // lhs is [rows..., k] and the result [rows..., n], rows in the same order.
  SmallVector<unsigned> rowDims;
  for (AffineExpr e : maps[0].getResults().drop_back()) {
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d)
      return std::nullopt;
    rowDims.push_back(d.getPosition());
  }
  SmallVector<unsigned> lhsDims = rowDims, outDims = rowDims;
  lhsDims.push_back(k);
  outDims.push_back(n);
  if (rowDims.size() != dims->m.size() || maps[0] != dimsMap(lhsDims) ||
      maps[2] != dimsMap(outDims))
    return std::nullopt;
  bool weightIsNK;
  if (maps[1] == dimsMap({k, n}))
    weightIsNK = false;
  else if (maps[1] == dimsMap({n, k}))
    weightIsNK = true;
  else
    return std::nullopt;

  Value lhs = op.getDpsInputOperand(0)->get();
  Value weight = op.getDpsInputOperand(1)->get();
  auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
  auto wType = dyn_cast<RankedTensorType>(weight.getType());
  auto outType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!lhsType || !wType || !outType || !wType.hasStaticShape() ||
      !isa<FloatType>(lhsType.getElementType()) ||
      !isa<FloatType>(outType.getElementType()))
    return std::nullopt;

  bool transposed = false;
  Attribute constant = traceConstant(weight, transposed);
  if (!constant)
    return std::nullopt;
  int64_t rows = wType.getDimSize(0), cols = wType.getDimSize(1);
  bool dataIsNK = weightIsNK != transposed;
  MatchedMatmul match;
  match.lhs = lhs;
  match.n = weightIsNK ? rows : cols;
  match.k = weightIsNK ? cols : rows;
  if (readWeights) {
    // The constant's data is row-major in the order the weight operand is
    // indexed, transposed once more per transpose crossed.
    std::vector<float> data = *constantData(constant);
    if (dataIsNK) {
      match.w = std::move(data);
    } else {
      // Data is [K, N] (ONNX MatMul's layout): transpose into [N, K], in
      // 64 x 64 tiles so that both sides stay in the cache (a plain loop
      // writes with a stride of K floats, a cache miss per element).
      match.w.resize(data.size());
      constexpr int64_t kTile = 64;
      for (int64_t k0 = 0; k0 < match.k; k0 += kTile)
        for (int64_t n0 = 0; n0 < match.n; n0 += kTile)
          for (int64_t kk = k0; kk < std::min(match.k, k0 + kTile); ++kk)
            for (int64_t nn = n0; nn < std::min(match.n, n0 + kTile); ++nn)
              match.w[nn * match.k + kk] = data[kk * match.n + nn];
    }
  }
  if (weightIsNK && !transposed)
    match.weightNK = weight;
  Value init = op.getDpsInitOperand(0)->get();
  if (!isZero(init))
    match.acc = init;
  return match;
}

/// Codes (as the core holds them) in a constant of `storage`. Every storage
/// type here is at most 8 bits wide and dense attributes keep such elements
/// one per byte, so the codes go in as a raw buffer: building APInts or
/// APFloats per element would cost tens of bytes each on 100M-parameter
/// models.
DenseElementsAttr codesAttr(RankedTensorType type,
                            const std::vector<int32_t> &codes) {
  unsigned bits = type.getElementType().getIntOrFloatBitWidth();
  assert(bits > 1 && bits <= 8 && "codes are 2 to 8 bits wide");
  std::vector<char> raw(codes.size());
  uint32_t mask = (1u << bits) - 1;
  // Only the low `bits` bits: that is what APInt-built attributes store (an
  // APInt keeps its unused high bits zero) and what readers expect.
  for (size_t i = 0; i < codes.size(); ++i)
    raw[i] = static_cast<char>(uint32_t(codes[i]) & mask);
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}

DenseElementsAttr floatsAttr(RankedTensorType type, ArrayRef<float> values) {
  if (type.getElementType().isF32())
    return DenseElementsAttr::get(type, values);
  auto floatType = cast<FloatType>(type.getElementType());
  SmallVector<APFloat> converted;
  for (float v : values) {
    APFloat f(v);
    bool losesInfo;
    f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
              &losesInfo);
    converted.push_back(f);
  }
  return DenseElementsAttr::get(type, converted);
}

/// Erases the pure, now unused producers of `v`, walking up their operands.
void eraseDeadChain(IRRewriter &b, Value v) {
  SmallVector<Operation *> worklist;
  if (Operation *def = v.getDefiningOp())
    worklist.push_back(def);
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (!op->use_empty() || !isPure(op))
      continue;
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        worklist.push_back(def);
    b.eraseOp(op);
  }
}

/// lhs / s along its last dimension: the activation side of AWQ and
/// SmoothQuant when there is no previous op to fold s into.
Value scaleActivations(OpBuilder &b, Location loc, Value lhs,
                       ArrayRef<float> s) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  unsigned rank = lhsType.getRank();
  auto sType = RankedTensorType::get({int64_t(s.size())},
                                     lhsType.getElementType());
  Value sConst = arith::ConstantOp::create(b, loc, floatsAttr(sType, s));
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, lhs);
  Value init = tensor::EmptyOp::create(b, loc, sizes,
                                       lhsType.getElementType());
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap last = AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, ctx));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{lhsType}, ValueRange{lhs, sConst}, ValueRange{init},
      ArrayRef<AffineMap>{id, last, id},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [](OpBuilder &nb, Location l, ValueRange args) {
        Value v = arith::DivFOp::create(nb, l, args[0], args[1]);
        linalg::YieldOp::create(nb, l, v);
      });
  // Marked, so that --qf-export-weights can find the divisor again.
  generic->setAttr(kActivationScalingAttr, UnitAttr::get(b.getContext()));
  return generic.getResult(0);
}

qforge::qf::MatmulOp
replaceWithQfMatmul(IRRewriter &b, Operation *op, const MatchedMatmul &match,
                    qforge::qf::SchemeAttr scheme, Value weight, Value scale,
                    Value zeroPoint, ArrayRef<float> divisor,
                    std::optional<float> lhsScale, StringRef algorithm) {
  Location loc = op->getLoc();
  b.setInsertionPoint(op);
  Value lhs = match.lhs;
  if (!divisor.empty())
    lhs = scaleActivations(b, loc, lhs, divisor);
  Value lhsScaleValue;
  if (lhsScale) {
    auto t = RankedTensorType::get({}, b.getF32Type());
    lhsScaleValue = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(t, ArrayRef<float>(*lhsScale)));
  }
  Type resultType = op->getResult(0).getType();
  auto mm = qforge::qf::MatmulOp::create(
      b, loc, resultType, lhs, weight, scheme, scale, zeroPoint, lhsScaleValue,
      /*bias=*/Value(), /*residual=*/match.acc, /*output_scale=*/Value(),
      /*output_zero_point=*/Value(), qforge::qf::ActivationAttr());
  if (!algorithm.empty())
    mm->setAttr(kAlgorithmAttrName, b.getStringAttr(algorithm));
  SmallVector<Value> inputs(op->getOperands());
  b.replaceOp(op, mm.getResult());
  // The float weight (and its transposes/reshapes) and a zero accumulator
  // are usually dead now; they are the model's biggest constants.
  for (Value v : inputs)
    eraseDeadChain(b, v);
  return mm;
}

} // namespace qforge::qf::rewrite
