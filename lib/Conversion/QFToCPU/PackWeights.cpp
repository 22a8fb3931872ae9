//===- PackWeights.cpp - Repack constant weights for the CPU kernels -----===//
//
// Reads constant weight codes, scales and zero points of each qf.matmul,
// transforms them into the kernel's codes (offset to unsigned, zero terms
// scale * zp precomputed in f32) and writes PackedLayout bytes into a private
// constant memref.global, then tags the op with qf.cpu.packed.
//
//===----------------------------------------------------------------------===//

#include "KernelSelection.h"
#include "Packing.h"

#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"

namespace qforge::cpu {
#define GEN_PASS_DEF_QFPACKWEIGHTS
#include "qforge/Conversion/QFToCPU/Passes.h.inc"
} // namespace qforge::cpu

using namespace mlir;
using namespace qforge;
using namespace qforge::cpu;

namespace {

/// The elements of a constant, one byte per element (sub-byte and 8-bit
/// storage) or as floats (scales). Nullopt when `v` is not a constant.
std::optional<std::vector<uint8_t>> constantBytes(Value v, int64_t count) {
  auto cst = v ? v.getDefiningOp<arith::ConstantOp>() : nullptr;
  if (!cst)
    return std::nullopt;
  Attribute attr = cst.getValue();
  std::vector<uint8_t> out;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    Type elt = dense.getElementType();
    if (elt.getIntOrFloatBitWidth() > 8)
      return std::nullopt;
    ArrayRef<char> raw = dense.getRawData();
    if (dense.isSplat()) {
      // Storage is one byte per element (rounded up) for these widths.
      out.assign(count, uint8_t(raw[0]));
      return out;
    }
    if (int64_t(raw.size()) != count)
      return std::nullopt;
    out.assign(raw.begin(), raw.end());
    return out;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || int64_t(blob->getData().size()) != count)
      return std::nullopt;
    ArrayRef<char> raw = blob->getData();
    out.assign(raw.begin(), raw.end());
    return out;
  }
  return std::nullopt;
}

std::optional<std::vector<float>> constantFloats(Value v) {
  auto cst = v ? v.getDefiningOp<arith::ConstantOp>() : nullptr;
  if (!cst)
    return std::nullopt;
  auto dense = dyn_cast<DenseFPElementsAttr>(cst.getValue());
  if (!dense)
    return std::nullopt;
  std::vector<float> out;
  for (APFloat f : dense.getValues<APFloat>()) {
    bool lost;
    f.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    out.push_back(f.convertToFloat());
  }
  return out;
}

struct PackWeightsPass : cpu::impl::QFPackWeightsBase<PackWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<KernelConfig> config =
        getKernelConfigFor(module, "qf-pack-weights");
    if (failed(config))
      return signalPassFailure();
    SymbolTable symbols(module);
    WalkResult result = module.walk([&](qf::MatmulOp op) {
      return failed(pack(op, *config, symbols)) ? WalkResult::interrupt()
                                                : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  LogicalResult pack(qf::MatmulOp op, const KernelConfig &cfg,
                     SymbolTable &symbols) {
    if (op->hasAttr(kPackedAttrName))
      return success();
    // The layout is the kernel config's (qf-cpu-select-kernels), checked.
    FailureOr<qf::CPUKernelAttr> kernel = getKernel(op, cfg);
    if (failed(kernel))
      return failure();
    if (!kernel->isPacked())
      return success();
    quant::Scheme scheme = op.getQuantScheme();
    PackedLayout layout = packedLayoutOf(op, *kernel);
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    int64_t n = wType.getDimSize(0), k = wType.getDimSize(1);
    auto unreadable = [&] {
      return op.emitOpError("qf-pack-weights: cannot read the constant "
                            "weights, scales or zero points to pack");
    };
    std::optional<std::vector<uint8_t>> codes =
        constantBytes(op.getWeight(), n * k);
    std::optional<std::vector<float>> scaleValues =
        constantFloats(op.getWeightScale());
    if (!codes || !scaleValues)
      return unreadable();
    int64_t groups = layout.numGroups();
    // Scales (and zero points) per (row, group), whatever the granularity.
    auto perRowGroup = [&](const auto &values, auto &out) {
      out.resize(n * groups);
      for (int64_t r = 0; r < n; ++r)
        for (int64_t g = 0; g < groups; ++g) {
          int64_t i = 0;
          if (scheme.granularity == quant::Granularity::Channel)
            i = r;
          else if (scheme.granularity == quant::Granularity::Group)
            i = r * groups + g;
          out[r * groups + g] = values.size() == 1 ? values[0] : values[i];
        }
    };
    std::vector<float> scales;
    perRowGroup(*scaleValues, scales);
    unsigned bits = layout.bits;
    std::vector<float> zeroTerms;
    if (layout.hasZeroTerm) {
      std::vector<uint8_t> zpRaw;
      if (!scheme.symmetric) {
        auto zpType =
            cast<RankedTensorType>(op.getWeightZeroPoint().getType());
        std::optional<std::vector<uint8_t>> zps =
            constantBytes(op.getWeightZeroPoint(), zpType.getNumElements());
        if (!zps)
          return unreadable();
        zpRaw = *zps;
      }
      std::vector<uint8_t> zp;
      perRowGroup(zpRaw.empty() ? std::vector<uint8_t>{0} : zpRaw, zp);
      uint8_t mask = bits == 8 ? 0xFF : uint8_t((1u << bits) - 1);
      zeroTerms.resize(n * groups);
      for (int64_t i = 0; i < n * groups; ++i) {
        // Symmetric codes are stored offset by 2^(bits-1).
        float z = scheme.symmetric ? float(1 << (bits - 1))
                                   : float(zp[i] & mask);
        zeroTerms[i] = scales[i] * z;
      }
    }
    if (scheme.isInteger() && scheme.symmetric &&
        (layout.hasZeroTerm || layout.dotOrder)) {
      // Signed field -> unsigned: q + 2^(bits-1) (symmetric sub-byte codes,
      // and every symmetric integer of the int8-activation (dot-order)
      // layout, whose kernel derives the offset term from the scale).
      uint8_t mask = uint8_t((1u << bits) - 1);
      uint8_t offset = uint8_t(1u << (bits - 1));
      for (uint8_t &c : *codes)
        c = uint8_t(((c & mask) + offset) & mask);
    }
    // FP8 NaN/Inf codes (exponent field all ones where the format has
    // specials): E4M3FN 0x7F/0xFF, E5M2 0x7C..0x7F and 0xFC..0xFF. Other
    // formats keep the default (no `specials` attribute).
    bool specialCodes = true;
    if (scheme.weight == quant::WeightFormat::FP8E4M3)
      specialCodes = llvm::any_of(
          *codes, [](uint8_t c) { return (c & 0x7F) == 0x7F; });
    else if (scheme.weight == quant::WeightFormat::FP8E5M2)
      specialCodes = llvm::any_of(
          *codes, [](uint8_t c) { return (c & 0x7F) >= 0x7C; });
    std::vector<uint8_t> bytes = packWeights(layout, *codes, scales, zeroTerms);

    // The global, next to the function.
    OpBuilder b(op.getContext());
    auto module = op->getParentOfType<ModuleOp>();
    b.setInsertionPointToStart(module.getBody());
    auto memrefType =
        MemRefType::get({int64_t(bytes.size())}, b.getI8Type());
    auto tensorType =
        RankedTensorType::get({int64_t(bytes.size())}, b.getI8Type());
    ArrayRef<char> raw(reinterpret_cast<const char *>(bytes.data()),
                       bytes.size());
    auto global = memref::GlobalOp::create(
        b, op.getLoc(), "__qf_packed_weights", b.getStringAttr("private"),
        memrefType, DenseElementsAttr::getFromRawBuffer(tensorType, raw),
        /*constant=*/true, b.getI64IntegerAttr(64));
    StringAttr name = symbols.insert(global);
    op->setAttr(kPackedAttrName,
                packedInfoToAttr(op.getContext(), {FlatSymbolRefAttr::get(name),
                                                   layout, specialCodes}));
    return success();
  }
};

} // namespace
