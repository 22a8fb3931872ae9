//===- ImportWeights.cpp - qf.matmul from a --qf-export-weights file -----===//

#include "MatmulRewrite.h"
#include "WeightsFile.h"

#include "qforge/Formats/Json.h"
#include "qforge/Formats/SafeTensors.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/LayerNames.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/JSON.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFIMPORTWEIGHTS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;
using namespace qforge;
using namespace qforge::qf;

namespace {

struct LayerEntry {
  SchemeAttr scheme;
  std::string algorithm;
  Type storage;
  bool used = false;
};

/// The file's codes as the core holds them (one element per byte).
std::vector<int32_t> codesOf(const formats::SafeTensor &t) {
  std::vector<int32_t> out;
  bool isSigned = t.dtype == "I8";
  for (char c : t.data)
    out.push_back(isSigned ? int32_t(int8_t(c)) : int32_t(uint8_t(c)));
  return out;
}

/// F32/F16/BF16 elements as floats, through APFloat for the narrow types.
std::optional<std::vector<float>> floatsOf(const formats::SafeTensor &t) {
  const llvm::fltSemantics *sem = t.dtype == "F32"    ? &APFloat::IEEEsingle()
                                  : t.dtype == "F16"  ? &APFloat::IEEEhalf()
                                  : t.dtype == "BF16" ? &APFloat::BFloat()
                                                      : nullptr;
  if (!sem)
    return std::nullopt;
  unsigned bytes = APFloat::getSizeInBits(*sem) / 8;
  std::vector<float> out;
  for (size_t i = 0; i + bytes <= t.data.size(); i += bytes) {
    uint64_t bits = 0;
    for (unsigned b = 0; b < bytes; ++b)
      bits |= uint64_t(uint8_t(t.data[i + b])) << (8 * b);
    APFloat v(*sem, APInt(bytes * 8, bits));
    bool losesInfo;
    v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &losesInfo);
    out.push_back(v.convertToFloat());
  }
  return out;
}

Type floatType(MLIRContext *ctx, StringRef dtype) {
  if (dtype == "F16")
    return Float16Type::get(ctx);
  if (dtype == "BF16")
    return BFloat16Type::get(ctx);
  return Float32Type::get(ctx);
}

struct ImportWeightsPass
    : qf::impl::QFImportWeightsBase<ImportWeightsPass> {
  using QFImportWeightsBase::QFImportWeightsBase;

  LogicalResult initializeOptions(
      StringRef options,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (std::optional<std::string> path = weights::bareFileOption(options)) {
      file = *path;
      return success();
    }
    return Pass::initializeOptions(options, errorHandler);
  }

  InFlightDiagnostic fail(Location loc) {
    signalPassFailure();
    return emitError(loc, "qf-import-weights: ");
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    if (file.empty()) {
      fail(module.getLoc()) << "no file given (--qf-import-weights=FILE)";
      return;
    }
    llvm::Expected<formats::SafeTensorsFile> in = formats::readSafeTensorsFile(file);
    if (!in) {
      fail(module.getLoc()) << llvm::toString(in.takeError());
      return;
    }
    auto meta = [&](StringRef key) {
      auto it = in->metadata.find(key.str());
      return it == in->metadata.end() ? std::string() : it->second;
    };
    if (meta("format") != weights::kFormat) {
      fail(module.getLoc()) << "'" << file
                            << "' is not a qforge weights file (format '"
                            << meta("format") << "')";
      return;
    }
    if (meta("version") != weights::kVersion) {
      fail(module.getLoc()) << "'" << file << "' has version '"
                            << meta("version") << "', expected "
                            << weights::kVersion;
      return;
    }
    llvm::Expected<llvm::json::Value> parsed =
        formats::parseJson(meta("quantization_map"), file);
    const llvm::json::Object *map = parsed ? parsed->getAsObject() : nullptr;
    if (!map) {
      if (!parsed)
        llvm::consumeError(parsed.takeError());
      fail(module.getLoc()) << "'" << file
                            << "' has no valid quantization_map";
      return;
    }
    llvm::StringMap<LayerEntry> layers;
    for (const auto &[name, value] : *map) {
      const llvm::json::Object *entry = value.getAsObject();
      std::optional<StringRef> scheme =
          entry ? entry->getString("scheme") : std::nullopt;
      std::optional<StringRef> storage =
          entry ? entry->getString("storage") : std::nullopt;
      if (!scheme || !storage) {
        fail(module.getLoc()) << "quantization_map entry '" << name.str()
                              << "' needs 'scheme' and 'storage'";
        return;
      }
      LayerEntry e;
      e.scheme = SchemeAttr::parse(ctx, *scheme,
                                   [&] { return fail(module.getLoc()); });
      e.storage = parseType(*storage, ctx);
      if (!e.scheme || !e.storage ||
          e.storage != e.scheme.getWeightStorageType()) {
        fail(module.getLoc()) << "layer '" << name.str() << "': storage '"
                              << storage->str()
                              << "' does not fit scheme '" << scheme->str()
                              << "'";
        return;
      }
      e.algorithm = entry->getString("algorithm").value_or("rtn").str();
      layers[name.str()] = e;
    }

    llvm::DenseMap<Operation *, std::string> names = getLayerNames(module);
    SmallVector<Operation *> candidates;
    module.walk([&](linalg::LinalgOp op) {
      if (names.count(op) && layers.count(names[op]))
        candidates.push_back(op);
    });
    IRRewriter b(ctx);
    for (Operation *op : candidates) {
      std::string layer = names[op];
      LayerEntry &entry = layers[layer];
      if (failed(importLayer(b, op, layer, entry, *in)))
        return signalPassFailure();
      entry.used = true;
    }
    for (const auto &[name, entry] : layers)
      if (!entry.used) {
        fail(module.getLoc()) << "layer '" << name.str() << "' of '" << file
                              << "' is not a matmul with a constant weight "
                                 "in this module";
        return;
      }
  }

  LogicalResult importLayer(IRRewriter &b, Operation *op, StringRef layer,
                            const LayerEntry &entry,
                            const formats::SafeTensorsFile &in) {
    std::optional<rewrite::MatchedMatmul> match =
        rewrite::matchMatmul(cast<linalg::LinalgOp>(op));
    if (!match)
      return op->emitError("qf-import-weights: layer '")
             << layer << "' is not a matmul with a constant weight";
    auto tensor = [&](StringRef suffix) {
      return in.find((layer + suffix).str());
    };
    const formats::SafeTensor *w = tensor(".weight");
    const formats::SafeTensor *s = tensor(".scale");
    if (!w || !s)
      return op->emitError("qf-import-weights: '")
             << file << "' lacks " << layer << ".weight or " << layer
             << ".scale";
    if (w->shape != std::vector<int64_t>{match->n, match->k})
      return op->emitError("qf-import-weights: layer '")
             << layer << "' has a [" << match->n << ", " << match->k
             << "] weight in this module, but the file's is ["
             << llvm::make_range(w->shape.begin(), w->shape.end()) << "]";
    b.setInsertionPoint(op);
    Location loc = op->getLoc();
    auto wType = RankedTensorType::get({match->n, match->k}, entry.storage);
    Value weight =
        arith::ConstantOp::create(b, loc, rewrite::codesAttr(wType, codesOf(*w)));
    std::optional<std::vector<float>> scales = floatsOf(*s);
    if (!scales)
      return op->emitError("qf-import-weights: ")
             << layer << ".scale has dtype " << s->dtype;
    auto sType = RankedTensorType::get(s->shape, floatType(b.getContext(), s->dtype));
    Value scale =
        arith::ConstantOp::create(b, loc, rewrite::floatsAttr(sType, *scales));
    Value zp;
    if (const formats::SafeTensor *z = tensor(".zero_point")) {
      auto zType = RankedTensorType::get(z->shape, entry.storage);
      zp = arith::ConstantOp::create(b, loc,
                                     rewrite::codesAttr(zType, codesOf(*z)));
    }
    std::vector<float> divisor;
    if (const formats::SafeTensor *d = tensor(".input_divisor"))
      divisor = floatsOf(*d).value_or(std::vector<float>());
    std::optional<float> lhsScale;
    if (const formats::SafeTensor *ls = tensor(".lhs_scale"))
      if (auto v = floatsOf(*ls); v && !v->empty())
        lhsScale = (*v)[0];
    MatmulOp mm = rewrite::replaceWithQfMatmul(b, op, *match, entry.scheme,
                                               weight, scale, zp, divisor,
                                               lhsScale, entry.algorithm);
    // The verifier checks that what the file holds fits the scheme.
    return mlir::verify(mm);
  }
};

} // namespace
