//===- Packing.cpp - Which weights are packed, and how -------------------===//

#include "Packing.h"

#include "mlir/IR/Builders.h"

#include <algorithm>

using namespace mlir;

namespace qforge::cpu {

unsigned codeBits(quant::WeightFormat format) {
  switch (format) {
  case quant::WeightFormat::Int8:
  case quant::WeightFormat::FP8E4M3:
  case quant::WeightFormat::FP8E5M2:
    return 8;
  case quant::WeightFormat::Int4:
  case quant::WeightFormat::NF4:
  case quant::WeightFormat::FP4:
    return 4;
  case quant::WeightFormat::Int2:
    return 2;
  case quant::WeightFormat::F32:
    break;
  }
  return 0;
}

PackedLayout packedLayout(const quant::Scheme &scheme, int64_t n, int64_t k,
                          qf::CPUKernelAttr kernel) {
  PackedLayout l;
  l.n = n;
  l.k = k;
  l.bits = codeBits(scheme.weight);
  l.nr = kernel.getNr();
  l.kb = kernel.getKb();
  int64_t group =
      scheme.granularity == quant::Granularity::Group ? scheme.groupSize : 0;
  bool integer = scheme.isInteger();
  switch (kernel.getKind()) {
  case qf::CPUKernelKind::Int8:
    // Integer kernel: int8 rows in steps of KI, one f32 scale per row.
    l.groupSize = 0;
    l.hasZeroTerm = false;
    break;
  case qf::CPUKernelKind::Int8Activations:
    // Int8ActivationKernel.h: 32-byte row blocks (64 4-bit or 32 8-bit
    // codes), tiles of 8 rows in dot order, unsigned codes. Only asymmetric
    // integers store zero terms: symmetric codes are stored offset by
    // 2^(bits-1) and table codes as level + 128, whose offset terms the
    // kernel derives from the scale (at g128, 4 bytes fewer per row and
    // group: 5.6% of the bytes a token reads).
    l.dotOrder = true;
    l.groupSize = group;
    l.hasZeroTerm = integer && !scheme.symmetric;
    break;
  case qf::CPUKernelKind::Float:
    l.groupSize = group;
    // NF4 / FP4 on AVX2: byte-shuffle lookups want blocks of 32 in lookup
    // order (PackedLayout.h).
    l.lookupOrder = kernel.getLayout() == qf::CPUWeightLayout::Lookup;
    l.hasZeroTerm = integer && (!scheme.symmetric || l.bits < 8);
    break;
  }
  return l;
}

int64_t floatPackingBlock(const quant::Scheme &scheme,
                          const KernelConfig &cfg) {
  unsigned bits = codeBits(scheme.weight);
  if (bits == 0)
    return 0;
  // A row's block is one vector load of kb * bits / 8 bytes, which must
  // split into whole VL-lane sub-vectors per field.
  int64_t minBlock = (8 / bits) * cfg.vl;
  // FP8's arithmetic decode takes ~12 vector ops and a few constants per VL
  // codes: decoding 4 rows x 4 sub-vectors of a 32-element block at once
  // spills on AVX2's 16 registers, 2 sub-vectors per row do not.
  bool float8 = scheme.weight == quant::WeightFormat::FP8E4M3 ||
                scheme.weight == quant::WeightFormat::FP8E5M2;
  int64_t preferred = bits == 2 ? 64 : float8 ? 2 * cfg.vl : 32;
  int64_t group =
      scheme.granularity == quant::Granularity::Group ? scheme.groupSize : 0;
  for (int64_t kb = std::max(preferred, minBlock); kb >= minBlock; kb /= 2)
    if (kb % minBlock == 0 && (group == 0 || group % kb == 0))
      return kb;
  return 0;
}

bool floatLookupOrder(const quant::Scheme &scheme, int64_t kb,
                      const KernelConfig &cfg) {
  return codeBits(scheme.weight) == 4 && !scheme.isInteger() &&
         cfg.registerLookups && cfg.vl == 8 && kb == 32;
}

PackedDecode packedDecode(const quant::Scheme &scheme) {
  if (!scheme.isInteger())
    return PackedDecode::Table;
  if (scheme.weight == quant::WeightFormat::Int8 && scheme.symmetric)
    return PackedDecode::SInt8;
  return PackedDecode::UInt;
}

DictionaryAttr packedInfoToAttr(MLIRContext *context, const PackedInfo &info) {
  Builder b(context);
  const PackedLayout &l = info.layout;
  SmallVector<NamedAttribute> attrs = {
      b.getNamedAttr("global", info.global),
      b.getNamedAttr("n", b.getI64IntegerAttr(l.n)),
      b.getNamedAttr("k", b.getI64IntegerAttr(l.k)),
      b.getNamedAttr("bits", b.getI64IntegerAttr(l.bits)),
      b.getNamedAttr("nr", b.getI64IntegerAttr(l.nr)),
      b.getNamedAttr("kb", b.getI64IntegerAttr(l.kb)),
      b.getNamedAttr("group", b.getI64IntegerAttr(l.groupSize)),
      b.getNamedAttr("zero_term", b.getBoolAttr(l.hasZeroTerm)),
      b.getNamedAttr("lookup_order", b.getBoolAttr(l.lookupOrder)),
  };
  if (l.dotOrder)
    attrs.push_back(b.getNamedAttr("dot_order", b.getBoolAttr(true)));
  if (!info.specialCodes)
    attrs.push_back(b.getNamedAttr("specials", b.getBoolAttr(false)));
  return b.getDictionaryAttr(attrs);
}

std::optional<PackedInfo> getPackedInfo(Operation *op) {
  auto dict = op->getAttrOfType<DictionaryAttr>(kPackedAttrName);
  if (!dict)
    return std::nullopt;
  PackedInfo info;
  info.global = dict.getAs<FlatSymbolRefAttr>("global");
  auto get = [&](StringRef name) -> std::optional<int64_t> {
    if (auto a = dict.getAs<IntegerAttr>(name))
      return a.getInt();
    return std::nullopt;
  };
  auto n = get("n"), k = get("k"), bits = get("bits"), nr = get("nr"),
       kb = get("kb"), group = get("group");
  auto zt = dict.getAs<BoolAttr>("zero_term");
  auto order = dict.getAs<BoolAttr>("lookup_order");
  if (!info.global || !n || !k || !bits || !nr || !kb || !group || !zt)
    return std::nullopt;
  info.layout.lookupOrder = order && order.getValue();
  auto dot = dict.getAs<BoolAttr>("dot_order");
  info.layout.dotOrder = dot && dot.getValue();
  auto specials = dict.getAs<BoolAttr>("specials");
  info.specialCodes = !specials || specials.getValue();
  info.layout.n = *n;
  info.layout.k = *k;
  info.layout.bits = unsigned(*bits);
  info.layout.nr = *nr;
  info.layout.kb = *kb;
  info.layout.groupSize = *group;
  info.layout.hasZeroTerm = zt.getValue();
  return info;
}

} // namespace qforge::cpu
