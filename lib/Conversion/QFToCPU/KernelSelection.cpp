//===- KernelSelection.cpp - Which CPU kernel runs a qf.matmul -----------===//
//
// selectKernel() is the CPU backend's only decision about a qf.matmul;
// whyKernelCannotRun() says which configs the kernels can honour, so that
// a config written by hand or by autoquant is either run exactly or refused
// with a located error.
//
//===----------------------------------------------------------------------===//

#include "KernelSelection.h"
#include "Int8ActivationKernel.h"
#include "Packing.h"

#include "qforge/Dialect/QF/IR/QFAttrNames.h"

#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace qforge::cpu {
namespace {

using qf::CPUKernelAttr;
using qf::CPUKernelKind;
using qf::CPUWeightLayout;

/// A constant qf-pack-weights reads one byte per element from (PackWeights'
/// constantBytes): dense with elements of at most 8 bits, or a
/// dense_resource blob of exactly `count` bytes.
bool isByteConstant(Value v, int64_t count) {
  auto cst = v ? v.getDefiningOp<arith::ConstantOp>() : nullptr;
  if (!cst)
    return false;
  Attribute attr = cst.getValue();
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (dense.getElementType().getIntOrFloatBitWidth() > 8)
      return false;
    return dense.isSplat() || int64_t(dense.getRawData().size()) == count;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    return blob && int64_t(blob->getData().size()) == count;
  }
  return false;
}

bool isFloatConstant(Value v) {
  auto cst = v ? v.getDefiningOp<arith::ConstantOp>() : nullptr;
  return cst && isa<DenseFPElementsAttr>(cst.getValue());
}

/// [N, K] of the op's weight, or nullopt when not static.
std::optional<std::pair<int64_t, int64_t>> weightShape(qf::MatmulOp op) {
  auto type = cast<RankedTensorType>(op.getWeight().getType());
  if (!type.hasStaticShape())
    return std::nullopt;
  return std::make_pair(type.getDimSize(0), type.getDimSize(1));
}

bool isA8W8(const quant::Scheme &scheme) {
  return scheme.activation != quant::ActivationMode::None;
}

/// Group size along K as the kernels see it (K for one group).
int64_t groupAlongK(const quant::Scheme &scheme, int64_t k) {
  return scheme.granularity == quant::Granularity::Group ? scheme.groupSize : k;
}

CPUKernelAttr make(MLIRContext *ctx, CPUKernelKind kind,
                   CPUWeightLayout layout, int64_t nr, int64_t kb,
                   int64_t largeM) {
  return CPUKernelAttr::get(ctx, kind, layout, nr, kb, largeM);
}

bool wantsInt8Activations(Int8ActivationPolicy policy,
                          const KernelConfig &cfg) {
  switch (policy) {
  case Int8ActivationPolicy::Never:
    return false;
  case Int8ActivationPolicy::Always:
    return true;
  case Int8ActivationPolicy::Auto:
    return cfg.int8Dot != Int8DotKind::Generic;
  }
  return false;
}

} // namespace

bool hasPackableConstants(qf::MatmulOp op) {
  std::optional<std::pair<int64_t, int64_t>> shape = weightShape(op);
  if (!shape)
    return false;
  quant::Scheme scheme = op.getQuantScheme();
  if (!isByteConstant(op.getWeight(), shape->first * shape->second) ||
      !isFloatConstant(op.getWeightScale()))
    return false;
  if (!scheme.symmetric && scheme.isInteger()) {
    Value zp = op.getWeightZeroPoint();
    if (!zp)
      return false;
    auto zpType = cast<RankedTensorType>(zp.getType());
    return zpType.hasStaticShape() &&
           isByteConstant(zp, zpType.getNumElements());
  }
  return true;
}

CPUKernelAttr selectKernel(qf::MatmulOp op, const KernelConfig &cfg,
                           const SelectionPolicy &policy) {
  MLIRContext *ctx = op.getContext();
  quant::Scheme scheme = op.getQuantScheme();
  std::optional<std::pair<int64_t, int64_t>> shape = weightShape(op);
  bool constants = policy.pack && shape && codeBits(scheme.weight) != 0 &&
                   hasPackableConstants(op);
  auto packable = [&](CPUKernelAttr kernel) {
    return constants &&
           packedLayout(scheme, shape->first, shape->second, kernel)
               .verify()
               .empty();
  };

  if (isA8W8(scheme)) {
    CPUKernelAttr tiled = make(ctx, CPUKernelKind::Int8, CPUWeightLayout::Tiled,
                               cfg.nr, cfg.ki, cfg.largeM);
    if (packable(tiled))
      return tiled;
    return make(ctx, CPUKernelKind::Int8, CPUWeightLayout::Unpacked, cfg.nr, 0,
                cfg.largeM);
  }
  // The int8-activation kernel serves every M (measured on Zen 3, 2
  // threads: ~200 GFLOP/s from M = 8 to 512, faster than the f32 kernels
  // at every M; docs/BENCHMARKS.md), so large_m = 0.
  if (wantsInt8Activations(policy.int8Activations, cfg) &&
      takesInt8Activations(scheme)) {
    CPUKernelAttr dot = make(
        ctx, CPUKernelKind::Int8Activations, CPUWeightLayout::Dot,
        kInt8ActivationRows,
        int8ActivationBlock(int8ActivationBits(scheme)), /*largeM=*/0);
    if (packable(dot))
      return dot;
  }
  if (int64_t kb = floatPackingBlock(scheme, cfg)) {
    CPUWeightLayout order = floatLookupOrder(scheme, kb, cfg)
                                ? CPUWeightLayout::Lookup
                                : CPUWeightLayout::Tiled;
    CPUKernelAttr tiled =
        make(ctx, CPUKernelKind::Float, order, cfg.nr, kb, cfg.largeM);
    if (packable(tiled))
      return tiled;
  }
  // Unpacked weights are decoded VL elements at a time: the large-M kernel
  // needs whole steps per group (or one group over K).
  int64_t k = cast<RankedTensorType>(op.getWeight().getType()).getDimSize(1);
  int64_t group = groupAlongK(scheme, k);
  bool largeM = ShapedType::isDynamic(k) || group >= k || group % cfg.vl == 0;
  return make(ctx, CPUKernelKind::Float, CPUWeightLayout::Unpacked, cfg.nr, 0,
              largeM ? cfg.largeM : 0);
}

std::string whyNoInt8Activations(qf::MatmulOp op, const KernelConfig &cfg,
                                 const SelectionPolicy &policy,
                                 CPUKernelAttr selected) {
  quant::Scheme scheme = op.getQuantScheme();
  if (policy.int8Activations == Int8ActivationPolicy::Never ||
      selected.getKind() == CPUKernelKind::Int8Activations ||
      isA8W8(scheme) || scheme.isFloat())
    return "";
  if (!wantsInt8Activations(policy.int8Activations, cfg))
    return "the target has no native int8 dot product (int8-activations="
           "auto keeps f32 activations there)";
  std::string schemeText = "'" + scheme.str() + "'";
  unsigned bits = int8ActivationBits(scheme);
  if (bits == 0)
    return "the int8-activation kernel takes 4- and 8-bit integer, NF4 and "
           "FP4 weights, not " + schemeText;
  if (!takesInt8Activations(scheme))
    return "groups of " + std::to_string(scheme.groupSize) + " (" +
           schemeText + ") are not a multiple of the int8-activation "
           "kernel's block of " + std::to_string(int8ActivationBlock(bits)) +
           " for " + std::to_string(bits) + "-bit codes";
  if (!policy.pack)
    return "weights are not packed (pack=false); the int8-activation "
           "kernel reads packed weights only";
  std::optional<std::pair<int64_t, int64_t>> shape = weightShape(op);
  if (!shape || !hasPackableConstants(op))
    return "the weights, scales or zero points are not constants of static "
           "shape, which the int8-activation kernel packs at compile time";
  CPUKernelAttr dot = make(op.getContext(), CPUKernelKind::Int8Activations,
                           CPUWeightLayout::Dot, kInt8ActivationRows,
                           int8ActivationBlock(bits), /*largeM=*/0);
  std::string why = whyKernelCannotRun(op, dot, cfg);
  return why.empty() ? "another kernel was chosen" : why;
}

PackedLayout packedLayoutOf(qf::MatmulOp op, CPUKernelAttr kernel) {
  auto type = cast<RankedTensorType>(op.getWeight().getType());
  return packedLayout(op.getQuantScheme(), type.getDimSize(0),
                      type.getDimSize(1), kernel);
}

std::string whyKernelCannotRun(qf::MatmulOp op, CPUKernelAttr kernel,
                               const KernelConfig &cfg) {
  quant::Scheme scheme = op.getQuantScheme();
  std::string schemeText = "'" + scheme.str() + "'";
  auto str = [](int64_t v) { return std::to_string(v); };
  switch (kernel.getKind()) {
  case CPUKernelKind::Int8:
    if (!isA8W8(scheme))
      return "the int8 kernel runs a8w8 schemes only, not " + schemeText;
    if (!kernel.isPacked() &&
        (scheme.weight != quant::WeightFormat::Int8 || !scheme.symmetric ||
         scheme.granularity == quant::Granularity::Group))
      return "the int8 kernel reads unpacked weights only as symmetric int8 "
             "with channel or tensor scales, not " + schemeText;
    if (kernel.isPacked() && kernel.getKb() != cfg.ki)
      return "the int8 kernel reads blocks of " + str(cfg.ki) +
             " elements, not " + str(kernel.getKb());
    break;
  case CPUKernelKind::Int8Activations:
    if (!takesInt8Activations(scheme))
      return "the int8_activations kernel takes weight-only 4- and 8-bit "
             "integer, NF4 and FP4 schemes (groups of a multiple of its "
             "block), not " + schemeText;
    if (kernel.getNr() != kInt8ActivationRows ||
        kernel.getKb() != int8ActivationBlock(int8ActivationBits(scheme)))
      return "the int8_activations kernel reads tiles of " +
             str(kInt8ActivationRows) + " rows and blocks of " +
             str(int8ActivationBlock(int8ActivationBits(scheme))) +
             " elements for " + schemeText;
    break;
  case CPUKernelKind::Float:
    if (isA8W8(scheme))
      return "the float kernel does not run a8w8 schemes (" + schemeText +
             "): use kind = int8";
    if (kernel.isPacked()) {
      int64_t minBlock = codeBits(scheme.weight)
                             ? (8 / codeBits(scheme.weight)) * cfg.vl
                             : 0;
      if (minBlock && kernel.getKb() % minBlock != 0)
        return "the float kernel's blocks must be a multiple of " +
               str(minBlock) + " elements on this target (" +
               str(cfg.vl) + " f32 lanes), not " + str(kernel.getKb());
      if (kernel.getLayout() == CPUWeightLayout::Lookup &&
          !floatLookupOrder(scheme, kernel.getKb(), cfg))
        return "the lookup layout needs NF4/FP4 codes in blocks of 32 on a "
               "target with register lookups and 8 f32 lanes";
    } else {
      int64_t k =
          cast<RankedTensorType>(op.getWeight().getType()).getDimSize(1);
      int64_t group = groupAlongK(scheme, k);
      if (kernel.getLargeM() != 0 && !ShapedType::isDynamic(k) &&
          group < k && group % cfg.vl != 0)
        return "the large-M kernel cannot read unpacked groups of " +
               str(group) + " (not a multiple of " + str(cfg.vl) +
               " lanes): large_m must be 0";
    }
    break;
  }
  if (kernel.getKind() != CPUKernelKind::Int8Activations &&
      kernel.getNr() != cfg.nr)
    return "the kernels are built for tiles of " + str(cfg.nr) +
           " rows on this target, not " + str(kernel.getNr());
  if (kernel.isPacked()) {
    // (Whether the constants can be read is qf-pack-weights' concern: once
    // packed, the kernels read the global, not the operands.)
    if (codeBits(scheme.weight) == 0)
      return "weights of scheme " + schemeText + " are not packed";
    if (!cast<RankedTensorType>(op.getWeight().getType()).hasStaticShape())
      return "a packed layout needs a weight of static shape";
    std::string why = packedLayoutOf(op, kernel).verify();
    if (!why.empty())
      return "packed layout: " + why;
  }
  return "";
}

FailureOr<CPUKernelAttr> getKernel(qf::MatmulOp op, const KernelConfig &cfg) {
  auto kernel = op->getAttrOfType<CPUKernelAttr>(qf::kCPUKernelAttrName);
  if (!kernel)
    return op.emitOpError("has no ")
           << qf::kCPUKernelAttrName
           << " kernel config (run --qf-cpu-select-kernels first)";
  std::string why = whyKernelCannotRun(op, kernel, cfg);
  if (!why.empty())
    return op.emitOpError("cannot run ") << kernel << ": " << why;
  return kernel;
}

} // namespace qforge::cpu
