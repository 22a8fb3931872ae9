//===- Quantize.cpp - Float matmuls with constant weights to qf.matmul ---===//
//
// The weights are quantized here, at compile time, by the numeric core; the
// IR only ever sees the codes and their scale tensors.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Utils/ResourceSizes.h"
#include "qforge/Support/InputFile.h"
#include "qforge/Dialect/QF/Transforms/LayerNames.h"
#include "MatmulRewrite.h"
#include "SensitiveLayers.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Quant/DoubleQuant.h"
#include "qforge/Calibration/Fingerprint.h"
#include "qforge/Calibration/StatsFile.h"
#include "qforge/Quant/Awq.h"
#include "qforge/Quant/Gptq.h"
#include "qforge/Quant/Hqq.h"
#include "qforge/Quant/SmoothQuant.h"
#include "qforge/Quant/QuantizeTensor.h"
#include "qforge/Quant/WeightQuant.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Threading.h"
#include "mlir/IR/BuiltinDialect.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

namespace qforge::qf {
#define GEN_PASS_DEF_QFQUANTIZE
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;
using namespace qforge;
using namespace qforge::qf;
namespace q = qforge::quant;
using namespace qforge::qf::rewrite;

namespace {

//===----------------------------------------------------------------------===//
// Matching: a contraction with a constant [K, N] or [N, K] weight
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// Building the quantized constants
//===----------------------------------------------------------------------===//

SmallVector<int64_t> scaleShape(const q::Scheme &s, int64_t n, int64_t k) {
  switch (s.granularity) {
  case q::Granularity::Tensor:
    return {};
  case q::Granularity::Channel:
    return {n};
  case q::Granularity::Group:
    return {n, int64_t(llvm::divideCeil(k, s.groupSize))};
  }
  return {};
}

/// The weight scales as a value: a constant, or for double quantization the
/// int8 codes dequantized by block (qf.dequantize) plus the offset.
Value buildScales(OpBuilder &b, Location loc, const q::Scheme &scheme,
                  SmallVector<int64_t> shape, const std::vector<float> &scales,
                  Type scaleElt) {
  auto type = RankedTensorType::get(shape, scaleElt);
  if (!scheme.doubleQuant)
    return arith::ConstantOp::create(b, loc, floatsAttr(type, scales));
  q::DoubleQuantScales dq = q::doubleQuantizeScales(scales);
  int64_t count = int64_t(scales.size());
  auto flatCodes = RankedTensorType::get({count}, b.getI8Type());
  std::vector<int32_t> codes(dq.codes.begin(), dq.codes.end());
  Value codeConst = arith::ConstantOp::create(b, loc, codesAttr(flatCodes, codes));
  auto blockType = RankedTensorType::get({int64_t(dq.blockScales.size())},
                                         b.getF32Type());
  Value blockScales =
      arith::ConstantOp::create(b, loc, floatsAttr(blockType, dq.blockScales));
  auto flatF32 = RankedTensorType::get({count}, b.getF32Type());
  Value centered = DequantizeOp::create(
      b, loc, flatF32, codeConst, blockScales, Value(),
      b.getI64IntegerAttr(0), b.getI64IntegerAttr(dq.blockSize), CodebookAttr());
  Value offset = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(flatF32, ArrayRef<float>(dq.offset)));
  Value flat = arith::AddFOp::create(b, loc, centered, offset);
  if (!scaleElt.isF32())
    flat = arith::TruncFOp::create(
        b, loc, RankedTensorType::get({count}, scaleElt), flat);
  SmallVector<ReassociationIndices> reassociation = {
      llvm::to_vector(llvm::seq<int64_t>(0, shape.size()))};
  if (shape.empty())
    reassociation.clear();
  return tensor::ExpandShapeOp::create(b, loc, type, flat, reassociation);
}

//===----------------------------------------------------------------------===//
// Per-layer choices
//===----------------------------------------------------------------------===//

struct Glob {
  /// On the heap: llvm::GlobPattern keeps a StringRef to the text it was
  /// made from (its prefix and suffix), which must not move or die with a
  /// scheme file's buffer.
  std::shared_ptr<const std::string> text;
  llvm::GlobPattern pattern;
  bool used = false;
};

FailureOr<Glob> makeGlob(Operation *anchor, StringRef text) {
  auto owned = std::make_shared<const std::string>(text.str());
  llvm::Expected<llvm::GlobPattern> pattern =
      llvm::GlobPattern::create(*owned);
  if (!pattern) {
    emitError(anchor->getLoc(), "invalid layer glob '")
        << text << "': " << llvm::toString(pattern.takeError());
    return failure();
  }
  return Glob{std::move(owned), std::move(*pattern), false};
}

/// What is decided for one layer: its scheme and, from a plan (autoquant's
/// `qf.autoquant` or a scheme-file line), int8 activations and the kernel.
struct LayerDecision {
  q::Scheme scheme;
  bool int8Activations = false;
  qf::CPUKernelAttr kernel;
};

struct SchemeRule {
  Glob glob;
  LayerDecision decision;
};

constexpr llvm::StringLiteral kInt8ActivationsSuffix = "+i8act";

/// A scheme-file line without its comment: '#' starts one at the start of
/// the line or after a space, except the '#' of a `#qf.` attribute.
StringRef stripComment(StringRef line) {
  for (size_t i = 0; i < line.size(); ++i)
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t') &&
        !line.substr(i).starts_with("#qf."))
      return line.take_front(i);
  return line;
}

/// `SCHEME` or `SCHEME+i8act` (weight-only quantized schemes).
FailureOr<LayerDecision> parseDecision(Operation *anchor, StringRef text,
                                       StringRef where) {
  LayerDecision d;
  StringRef schemeText = text;
  d.int8Activations = schemeText.consume_back(kInt8ActivationsSuffix);
  std::string error;
  std::optional<q::Scheme> scheme = q::Scheme::parse(schemeText, &error);
  if (!scheme)
    return emitError(anchor->getLoc(), "qf-quantize: ") << where << error;
  d.scheme = *scheme;
  if (d.int8Activations && (d.scheme.isFloat() ||
                            d.scheme.activation != q::ActivationMode::None))
    return emitError(anchor->getLoc(), "qf-quantize: ")
           << where << "'+i8act' applies to weight-only quantized schemes, not '"
           << schemeText << "'";
  return d;
}

struct QuantizePass : qf::impl::QFQuantizeBase<QuantizePass> {
  using QFQuantizeBase::QFQuantizeBase;
  QuantizePass(const QFQuantizeOptions &options, QuantizeInputs inputs)
      : QFQuantizeBase(options), inputs(std::move(inputs)) {}

  /// Statistics and a plan given in memory (createQFQuantize from C++).
  QuantizeInputs inputs;
  /// Calibration statistics: `stats=` read, or inputs.stats (shared, not
  /// copied: X^T X alone is K^2 floats per layer).
  std::shared_ptr<const calib::StatsFile> stats;
  /// Names them in diagnostics.
  std::string statsName;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Weights are read from their blobs: a short one would be read past.
    if (failed(qf::verifyResourceSizes(module)))
      return signalPassFailure();
    std::string error;
    std::optional<q::Scheme> defaultScheme = q::Scheme::parse(schemeText, &error);
    if (!defaultScheme) {
      emitError(module.getLoc(), "qf-quantize: ") << error;
      return signalPassFailure();
    }
    if (only != "all" && only != "matmul" && only != "conv") {
      emitError(module.getLoc(), "qf-quantize: only='")
          << only << "' is not one of all, matmul, conv";
      return signalPassFailure();
    }
    if (sensitiveLayers != "keep" && sensitiveLayers != "quantize") {
      emitError(module.getLoc(), "qf-quantize: sensitive-layers='")
          << sensitiveLayers << "' is not one of keep, quantize";
      return signalPassFailure();
    }
    if (!std::isfinite(sensitiveMinSqnr)) {
      emitError(module.getLoc(),
                "qf-quantize: sensitive-min-sqnr must be a number of dB");
      return signalPassFailure();
    }
    static const char *const kAlgorithms[] = {"rtn", "gptq", "awq",
                                              "smoothquant", "hqq"};
    // Written so that NaN fails every comparison (issue 16 #7).
    if (!(smoothQuantAlpha >= 0.0 && smoothQuantAlpha <= 1.0) ||
        !(gptqDamp > 0.0 && std::isfinite(gptqDamp))) {
      emitError(module.getLoc(), "qf-quantize: smoothquant-alpha must be in "
                                 "[0, 1] and gptq-damp a positive number");
      return signalPassFailure();
    }
    if (!llvm::is_contained(kAlgorithms, algorithm)) {
      emitError(module.getLoc(), "qf-quantize: unknown algorithm '")
          << algorithm << "' (expected rtn, gptq, awq, smoothquant or hqq)";
      return signalPassFailure();
    }
    bool needsStats = algorithm == "gptq" || algorithm == "awq" ||
                      algorithm == "smoothquant";
    if (inputs.stats && !statsFile.empty()) {
      emitError(module.getLoc(), "qf-quantize: statistics given both in "
                                 "memory and as stats=")
          << statsFile;
      return signalPassFailure();
    }
    if (needsStats && statsFile.empty() && !inputs.stats) {
      emitError(module.getLoc(), "qf-quantize: algorithm '")
          << algorithm
          << "' needs calibration statistics: pass stats=FILE from "
             "qforge-calibrate";
      return signalPassFailure();
    }
    if (!statsFile.empty() || inputs.stats) {
      statsName = inputs.stats ? std::string("the in-memory statistics")
                               : "stats file '" + statsFile + "'";
      if (inputs.stats) {
        stats = inputs.stats;
      } else {
        llvm::Expected<calib::StatsFile> loaded =
            calib::readStatsFile(statsFile);
        if (!loaded) {
          emitError(module.getLoc(), "qf-quantize: ")
              << llvm::toString(loaded.takeError());
          return signalPassFailure();
        }
        stats =
            std::make_shared<const calib::StatsFile>(std::move(*loaded));
      }
      // Statistics of another model would quantize this one silently wrong.
      std::string fingerprint = computeModelFingerprint(module);
      if (stats->fingerprint != fingerprint) {
        emitError(module.getLoc(), "qf-quantize: ")
            << statsName
            << " was recorded on a different model (its fingerprint "
            << stats->fingerprint << ", this module's " << fingerprint << ")";
        return signalPassFailure();
      }
    }

    SmallVector<Glob> skipGlobs, layerGlobs;
    for (const std::string &s : skip) {
      FailureOr<Glob> g = makeGlob(module, s);
      if (failed(g))
        return signalPassFailure();
      skipGlobs.push_back(std::move(*g));
    }
    for (const std::string &s : layers) {
      FailureOr<Glob> g = makeGlob(module, s);
      if (failed(g))
        return signalPassFailure();
      layerGlobs.push_back(std::move(*g));
    }
    SmallVector<SchemeRule> rules;
    if (!schemeFile.empty() && !inputs.schemeFileText.empty()) {
      emitError(module.getLoc(), "qf-quantize: a scheme file given both in "
                                 "memory and as scheme-file=")
          << schemeFile;
      return signalPassFailure();
    }
    if (!schemeFile.empty() && failed(loadSchemeFile(module, rules)))
      return signalPassFailure();
    if (!inputs.schemeFileText.empty() &&
        failed(parseSchemeRules(module, inputs.schemeFileText,
                                inputs.schemeFileName, rules)))
      return signalPassFailure();
    for (const auto &[glob, scheme] : inputs.plan) {
      FailureOr<Glob> g = makeGlob(module, glob);
      if (failed(g))
        return signalPassFailure();
      rules.push_back({std::move(*g), LayerDecision{scheme}});
    }

    llvm::DenseMap<Operation *, std::string> names = getLayerNames(module);
    SmallVector<Operation *> candidates;
    module.walk([&](linalg::LinalgOp op) {
      if (names.count(op))
        candidates.push_back(op);
    });

    auto matches = [](SmallVector<Glob> &globs, StringRef name) {
      bool any = false;
      for (Glob &g : globs)
        if (g.pattern.match(name)) {
          g.used = true;
          any = true;
        }
      return any;
    };

    // The sensitive-layer policy needs the model's first and last layers,
    // among those with constant weights (matched without copying them).
    bool keepSensitive =
        sensitiveLayers == "keep" && sensitive::isNarrow(*defaultScheme);
    sensitive::EdgeLayers edges;
    if (keepSensitive) {
      llvm::DenseSet<Operation *> weightLayers;
      for (Operation *op : candidates)
        if (matchMatmul(cast<linalg::LinalgOp>(op), /*readWeights=*/false))
          weightLayers.insert(op);
      edges = sensitive::findEdgeLayers(module, weightLayers);
    }

    IRRewriter rewriter(&getContext());
    for (Operation *op : candidates) {
      StringRef name = names[op];
      // Evaluate every list so that each glob's use is recorded.
      bool skipped = matches(skipGlobs, name);
      bool selected = layerGlobs.empty() || matches(layerGlobs, name);
      if (only != "all" && layerKind(op) != only)
        selected = false;
      LayerDecision decision{*defaultScheme};
      // Whether the layer takes the whole model's scheme (the policy's
      // domain) rather than a choice made for it.
      bool wholeModelScheme = true;
      for (SchemeRule &rule : rules)
        if (rule.glob.pattern.match(name)) {
          rule.glob.used = true;
          decision = rule.decision;
          wholeModelScheme = false;
          break;
        }
      // Autoquant's decision on the op itself comes before every rule.
      if (auto planned = op->getAttrOfType<DictionaryAttr>(kAutoquantAttrName)) {
        op->removeAttr(kAutoquantAttrName);
        FailureOr<LayerDecision> d = parseDecision(
            op, planned.getAs<StringAttr>("scheme").getValue(),
            "the layer's qf.autoquant: ");
        if (failed(d))
          return signalPassFailure();
        decision = *d;
        decision.kernel = planned.getAs<CPUKernelAttr>("kernel");
        wholeModelScheme = false;
      }
      if (skipped || !selected || decision.scheme.isFloat())
        continue;
      std::optional<MatchedMatmul> match =
          matchMatmul(cast<linalg::LinalgOp>(op));
      if (!match)
        continue; // e.g. activations times activations: stays float
      FailureOr<MatmulOp> quantized =
          keepSensitive && wholeModelScheme
              ? rewriteUnlessSensitive(rewriter, op, name, *match,
                                       decision.scheme, edges)
              : rewrite(rewriter, op, name, *match, decision.scheme);
      if (failed(quantized))
        return signalPassFailure();
      // The plan's kernel is honoured exactly (qf-cpu-select-kernels keeps
      // it; a config the target cannot run is a located error there).
      if (decision.kernel)
        (*quantized)->setAttr(kCPUKernelAttrName, decision.kernel);
      else if (decision.int8Activations)
        (*quantized)->setAttr(kCPUInt8ActivationsAttrName,
                              UnitAttr::get(&getContext()));
    }

    auto unused = [&](ArrayRef<Glob> globs, StringRef what) {
      for (const Glob &g : globs)
        if (!g.used) {
          emitError(module.getLoc(), "qf-quantize: ")
              << what << " '" << *g.text << "' matches no layer";
          return true;
        }
      return false;
    };
    bool bad = unused(skipGlobs, "skip pattern") |
               unused(layerGlobs, "layers pattern");
    for (const SchemeRule &rule : rules)
      if (!rule.glob.used) {
        emitError(module.getLoc(), "qf-quantize: scheme-file pattern '")
            << *rule.glob.text << "' matches no layer";
        bad = true;
      }
    if (bad)
      signalPassFailure();
  }

  LogicalResult loadSchemeFile(ModuleOp module, SmallVector<SchemeRule> &rules) {
    auto buffer = readInputFile(schemeFile, /*isText=*/false,
                                /*requiresNullTerminator=*/true);
    if (!buffer)
      return emitError(module.getLoc(), "qf-quantize: cannot read scheme-file '")
             << schemeFile << "': " << buffer.getError().message();
    return parseSchemeRules(module, (*buffer)->getBuffer(), schemeFile, rules);
  }

  /// The lines of a scheme file named `name` (in diagnostics).
  LogicalResult parseSchemeRules(ModuleOp module, StringRef text,
                                 StringRef name,
                                 SmallVector<SchemeRule> &rules) {
    SmallVector<StringRef> lines;
    text.split(lines, '\n');
    for (auto [index, rawLine] : llvm::enumerate(lines)) {
      StringRef line = stripComment(rawLine).trim();
      if (line.empty())
        continue;
      // GLOB SCHEME[+i8act] [KERNEL]: the kernel config (a plan written by
      // autoquant) is the rest of the line, an attribute with spaces.
      auto [glob, rest] = line.split(' ');
      auto [schemeText, kernelText] = rest.trim().split(' ');
      kernelText = kernelText.trim();
      std::string where = (name + ":" + Twine(index + 1) + ": ").str();
      if (glob.empty() || schemeText.empty())
        return emitError(module.getLoc(), "qf-quantize: ")
               << where << "expected 'GLOB SCHEME [KERNEL]', got '" << line
               << "'";
      FailureOr<LayerDecision> decision =
          parseDecision(module, schemeText, where);
      if (failed(decision))
        return failure();
      if (!kernelText.empty()) {
        Attribute attr;
        if (kernelText.starts_with("#qf.cpu_kernel<"))
          attr = parseAttribute(kernelText, &getContext());
        decision->kernel = dyn_cast_or_null<CPUKernelAttr>(attr);
        if (!decision->kernel)
          return emitError(module.getLoc(), "qf-quantize: ")
                 << where << "expected a #qf.cpu_kernel<...> after the scheme, "
                 << "got '" << kernelText << "'";
      }
      FailureOr<Glob> g = makeGlob(module, glob);
      if (failed(g))
        return failure();
      rules.push_back({std::move(*g), *decision});
    }
    return success();
  }

  /// "conv" for a convolution the importer marked, else "matmul".
  static StringRef layerKind(Operation *op) {
    auto kind = op->getAttrOfType<StringAttr>(kLayerKindAttrName);
    return kind ? kind.getValue() : StringRef("matmul");
  }

  /// The statistics of a layer's activation input, or an error naming it.
  FailureOr<const calib::TensorStats *> inputStats(Operation *op,
                                                   StringRef layer,
                                                   int64_t k) {
    std::string id = (layer + ".input").str();
    const calib::TensorStats *st = stats ? stats->lookup(id) : nullptr;
    if (!st)
      return op->emitError("no calibration statistics for layer '")
             << layer << "' (observed value '" << id << "') in " << statsName;
    if (st->channels != k)
      return op->emitError("statistics of '")
             << id << "' have " << st->channels
             << " channels, the layer's weight has K = " << k;
    return st;
  }

  /// The weight codes and parameters under the pass's algorithm, and for
  /// AWQ/SmoothQuant the per-input-channel scales s the activations must be
  /// divided by.
  struct Quantized {
    q::QuantizedTensor weights;
    std::vector<float> inputScales;
    /// What the layer's qf.algorithm says, when not the pass's algorithm
    /// (SmoothQuant's check fell back to round-to-nearest).
    std::string algorithm;
  };

  FailureOr<Quantized> quantizeWeights(Operation *op, StringRef layer,
                                       const MatchedMatmul &match,
                                       const q::Scheme &scheme,
                                       const q::QuantSpec &spec) {
    const float *W = match.w.data();
    int64_t N = match.n, K = match.k;
    std::string error;
    if (algorithm == "rtn")
      return Quantized{q::quantizeWeightsRTN(W, N, K, spec), {}};
    if (algorithm == "hqq") {
      std::optional<q::HqqResult> r = q::hqqQuantize(W, N, K, spec, {}, &error);
      if (!r)
        return op->emitError("hqq: ") << error;
      return Quantized{std::move(r->weights), {}};
    }
    FailureOr<const calib::TensorStats *> st = inputStats(op, layer, K);
    if (failed(st))
      return failure();
    if (algorithm == "gptq") {
      if (!(*st)->hasXtx())
        return op->emitError("gptq needs X^T X of '")
               << layer << ".input', which the stats file does not have";
      q::GptqOptions options;
      options.actOrder = gptqActOrder;
      options.percDamp = gptqDamp;
      // The context's threads (none under --mlir-disable-threading); the
      // codes do not depend on them.
      MLIRContext *context = op->getContext();
      options.parallelFor = [context](int64_t count,
                                      const std::function<void(int64_t)> &body) {
        mlir::parallelFor(context, 0, static_cast<size_t>(count),
                          [&](size_t i) { body(static_cast<int64_t>(i)); });
      };
      std::optional<q::GptqResult> r = q::gptqQuantize(
          W, N, K, (*st)->xtx.data(), (*st)->count, spec, options, &error);
      if (!r)
        return op->emitError("gptq: ") << error;
      return Quantized{std::move(r->weights), {}};
    }
    if (algorithm == "awq") {
      if (!(*st)->hasXtx())
        return op->emitError("awq needs X^T X of '")
               << layer << ".input', which the stats file does not have";
      q::AwqOptions options;
      options.clipSearch = awqClip;
      std::optional<q::AwqResult> r =
          q::awqQuantizeFromGram(W, N, K, (*st)->xtx.data(), (*st)->absMean,
                                 spec, options, 0.01, &error);
      if (!r)
        return op->emitError("awq: ") << error;
      return Quantized{std::move(r->weights), std::move(r->inputScales)};
    }
    // SmoothQuant moves activation outliers into the weights; it is for
    // schemes that quantize activations.
    if (scheme.activation == q::ActivationMode::None)
      return op->emitError("smoothquant is for schemes with int8 "
                           "activations (a8w8, a8w8-static), not '")
             << scheme.str() << "'";
    q::SmoothQuantResult r =
        q::smoothQuant(W, N, K, (*st)->absMax, float(smoothQuantAlpha), spec);
    // The per-layer check, on the recorded calibration rows: where
    // smoothing does not beat plain int8 activations, the layer goes
    // without (a layer with no outlier channels gains nothing and pays for
    // the division).
    if ((*st)->hasRows()) {
      int64_t rows = (*st)->sampleRows();
      const float *X = (*st)->rows.data();
      if (q::a8w8SampleError(W, N, K, r.inputScales, X, rows) >=
          q::a8w8SampleError(W, N, K, {}, X, rows))
        return Quantized{q::quantizeWeightsRTN(W, N, K, spec), {}, "rtn"};
    }
    return Quantized{std::move(r.weights), std::move(r.inputScales)};
  }

  /// The layer's weights under `scheme` and the pass's algorithm.
  FailureOr<Quantized> quantizeLayer(Operation *op, StringRef layer,
                                     const MatchedMatmul &match,
                                     const q::Scheme &scheme) {
    if (scheme.activation == q::ActivationMode::Static && !stats)
      return op->emitError("static scheme '")
             << scheme.str()
             << "' needs activation statistics: pass stats=FILE from "
                "qforge-calibrate";
    return quantizeWeights(op, layer, match, scheme, q::weightSpec(scheme));
  }

  FailureOr<MatmulOp> rewrite(IRRewriter &b, Operation *op, StringRef layer,
                              MatchedMatmul &match, const q::Scheme &scheme) {
    FailureOr<Quantized> quantized = quantizeLayer(op, layer, match, scheme);
    if (failed(quantized))
      return failure();
    return build(b, op, layer, match, scheme, *quantized);
  }

  /// rewrite() under the sensitive-layer policy: the whole model's narrow
  /// `scheme`, unless the layer's place or shape rules it out or its
  /// quantized weights fail the error check; then the wider scheme, said in
  /// qf.kept_wider.
  FailureOr<MatmulOp> rewriteUnlessSensitive(IRRewriter &b, Operation *op,
                                             StringRef layer,
                                             MatchedMatmul &match,
                                             const q::Scheme &scheme,
                                             const sensitive::EdgeLayers &edges) {
    std::optional<std::string> reason = sensitive::structuralReason(
        scheme, match.k, edges.first.contains(op), edges.last.contains(op));
    if (!reason) {
      FailureOr<Quantized> quantized = quantizeLayer(op, layer, match, scheme);
      if (failed(quantized))
        return failure();
      // What the layer would compute: AWQ's codes are of W diag(s), its
      // activations divided by s.
      std::vector<float> wHat = q::dequantize(quantized->weights);
      if (!quantized->inputScales.empty())
        for (int64_t n = 0; n < match.n; ++n)
          for (int64_t k = 0; k < match.k; ++k)
            wHat[n * match.k + k] /= quantized->inputScales[k];
      const calib::TensorStats *st =
          stats ? stats->lookup((layer + ".input").str()) : nullptr;
      bool onRows = st && st->hasRows() && st->channels == match.k;
      double sqnr = sensitive::layerSqnrDb(
          match.w.data(), wHat.data(), match.n, match.k,
          onRows ? st->rows.data() : nullptr, onRows ? st->sampleRows() : 0);
      reason = sensitive::errorReason(sqnr, sensitiveMinSqnr, onRows);
      if (!reason)
        return build(b, op, layer, match, scheme, *quantized);
    }
    FailureOr<MatmulOp> wider =
        rewrite(b, op, layer, match, sensitive::widerScheme(scheme));
    if (failed(wider))
      return failure();
    MLIRContext *ctx = op->getContext();
    (*wider)->setAttr(
        kKeptWiderAttrName,
        DictionaryAttr::get(
            ctx, {NamedAttribute(StringAttr::get(ctx, "requested"),
                                 StringAttr::get(ctx, scheme.str())),
                  NamedAttribute(StringAttr::get(ctx, "reason"),
                                 StringAttr::get(ctx, *reason))}));
    return wider;
  }

  /// Replaces `op` by the qf.matmul of `quantized`.
  FailureOr<MatmulOp> build(IRRewriter &b, Operation *op, StringRef layer,
                            MatchedMatmul &match, const q::Scheme &scheme,
                            Quantized &quantized) {
    Location loc = op->getLoc();
    q::QuantizedTensor &qt = quantized.weights;

    b.setInsertionPoint(op);
    auto schemeAttr = SchemeAttr::get(b.getContext(), scheme);
    auto wType = RankedTensorType::get({match.n, match.k},
                                       schemeAttr.getWeightStorageType());
    Value weight = arith::ConstantOp::create(b, loc, codesAttr(wType, qt.values));
    SmallVector<int64_t> sShape = scaleShape(scheme, match.n, match.k);
    Value scale = buildScales(b, loc, scheme, sShape, qt.params.scales,
                              schemeAttr.getScaleElementType());
    Value zp;
    if (!scheme.symmetric) {
      auto zpType = RankedTensorType::get(sShape, wType.getElementType());
      std::vector<int32_t> zps = qt.params.zeroPoints;
      zps.resize(qt.params.scales.size(), 0);
      zp = arith::ConstantOp::create(b, loc, codesAttr(zpType, zps));
    }
    std::optional<float> lhsScale;
    if (scheme.activation == q::ActivationMode::Static) {
      // Per-tensor symmetric int8 scale from the calibrated range, of the
      // activations as the matmul sees them (after any smoothing: the range
      // shrinks by at most the largest s, so take it from absmax / s).
      FailureOr<const calib::TensorStats *> st =
          inputStats(op, layer, match.k);
      if (failed(st))
        return failure();
      float amax = std::max(std::fabs((*st)->min), std::fabs((*st)->max));
      if (!quantized.inputScales.empty()) {
        amax = 0.0f;
        for (int64_t c = 0; c < match.k; ++c)
          amax = std::max(amax, (*st)->absMax[c] / quantized.inputScales[c]);
      }
      lhsScale = amax > 0.0f ? amax / 127.0f : 1.0f;
    }
    return replaceWithQfMatmul(b, op, match, schemeAttr, weight, scale, zp,
                               quantized.inputScales, lhsScale,
                               quantized.algorithm.empty()
                                   ? StringRef(algorithm)
                                   : StringRef(quantized.algorithm));
  }
};

} // namespace

std::unique_ptr<Pass> qforge::qf::createQFQuantize(const QFQuantizeOptions &options,
                                                   QuantizeInputs inputs) {
  return std::make_unique<QuantizePass>(options, std::move(inputs));
}
