//===- qforge-calibrate.cpp - Calibrate a model, or compare two ----------===//
//
//   qforge-calibrate MODEL.mlir --inputs SAMPLES.npz -o STATS.safetensors
//       [--observer minmax|ema|percentile|mse|entropy] [--momentum M]
//       [--percentile P] [--max-samples N] [--entry NAME]
//   qforge-calibrate MODEL.mlir --inputs SAMPLES.npz --compare QUANTIZED.mlir
//       [--json REPORT.json]
//   qforge-calibrate --dump STATS.safetensors
//
// Calibration inserts observers (--qf-insert-observers) if the model has
// none, JIT-runs the entry function on every sample and writes the
// statistics (docs/CALIBRATION.md). Comparison runs both models with
// observers on every matmul's output and reports the relative error and
// SQNR per model output and per layer.
//
//===----------------------------------------------------------------------===//

#include "qforge/Calibration/Calibrate.h"
#include "qforge/Support/InputFile.h"
#include "qforge/Support/OutputFile.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Formats/Npy.h"
#include "qforge/Calibration/Runner.h"
#include "qforge/Calibration/Collector.h"
#include "qforge/Calibration/Samples.h"
#include "qforge/Calibration/StatsFile.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/LayerNames.h"
#include "qforge/Dialect/QF/Utils/ResourceSizes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <map>

using namespace mlir;
using namespace qforge;
using namespace qforge::calib;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory category("qforge-calibrate options");

cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.mlir>"),
                               cl::cat(category));
cl::opt<std::string> inputsPath(
    "inputs",
    cl::desc("Samples: a .npz whose arrays arg0, arg1, ... hold the entry "
             "function's arguments with a leading sample dimension, or a .npy "
             "for a function of one argument"),
    cl::value_desc("file"), cl::cat(category));
cl::opt<std::string> outputPath(
    "o", cl::desc("Write the statistics to this safetensors file"),
    cl::value_desc("stats.safetensors"), cl::cat(category));
cl::opt<ObserverKind> observerKind(
    "observer", cl::desc("How each value's [min, max] is chosen:"),
    cl::values(
        clEnumValN(ObserverKind::MinMax, "minmax", "min and max of all samples"),
        clEnumValN(ObserverKind::EMA, "ema",
                   "moving average of each sample's min and max (--momentum)"),
        clEnumValN(ObserverKind::Percentile, "percentile",
                   "clip |x| at its --percentile percentile"),
        clEnumValN(ObserverKind::MSE, "mse",
                   "clip |x| where int8 quantization error is least"),
        clEnumValN(ObserverKind::Entropy, "entropy",
                   "clip |x| where the KL divergence of int8 is least")),
    cl::init(ObserverKind::MinMax), cl::cat(category));
cl::opt<double> momentum(
    "momentum",
    cl::desc("EMA momentum m in [0, 1): r = m * r + (1 - m) * sample (0.9)"),
    cl::init(0.9), cl::cat(category));
cl::opt<double> percentile("percentile",
                           cl::desc("Percentile of |x| kept, in (0, 100] (99.99)"),
                           cl::init(99.99), cl::cat(category));
cl::opt<unsigned> maxSamples("max-samples",
                             cl::desc("Use at most N samples (0: all)"),
                             cl::value_desc("N"), cl::init(0), cl::cat(category));
cl::opt<std::string> entryName(
    "entry",
    cl::desc("Function to run (default: the only public function, or "
             "main / forward)"),
    cl::value_desc("name"), cl::cat(category));
cl::opt<bool> observeOutputs(
    "observe-outputs",
    cl::desc("When inserting observers, also observe each matmul's output"),
    cl::init(false), cl::cat(category));
cl::opt<unsigned> histogramBins("bins",
                                cl::desc("Histogram bins (even, >= 256; 2048)"),
                                cl::init(2048), cl::cat(category));
cl::opt<std::string> comparePath(
    "compare",
    cl::desc("Run MODEL and this quantized model on the samples and report "
             "the error per output and per layer"),
    cl::value_desc("quantized.mlir"), cl::cat(category));
cl::opt<std::string> jsonPath("json",
                              cl::desc("With --compare: write the report as JSON"),
                              cl::value_desc("report.json"), cl::cat(category));
cl::opt<std::string> dumpPath(
    "dump", cl::desc("Print the contents of a stats file and exit"),
    cl::value_desc("stats.safetensors"), cl::cat(category));

int error(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "qforge-calibrate") << message << "\n";
  return 1;
}

int error(llvm::Error err) { return error(llvm::toString(std::move(err))); }

//===----------------------------------------------------------------------===//
// Progress
//===----------------------------------------------------------------------===//

class Progress {
public:
  Progress(llvm::StringRef label, size_t total)
      : label(label.str()), total(total),
        enabled(llvm::sys::Process::StandardErrIsDisplayed()) {}
  ~Progress() { finish(); }
  void update(size_t done) {
    if (!enabled || !total)
      return;
    constexpr size_t width = 30;
    size_t filled = done * width / total;
    llvm::errs() << "\r" << label << " [" << std::string(filled, '=')
                 << std::string(width - filled, ' ') << "] " << done << "/"
                 << total;
    llvm::errs().flush();
    shown = true;
  }
  void finish() {
    if (shown)
      llvm::errs() << "\n";
    shown = false;
  }

private:
  std::string label;
  size_t total;
  bool enabled, shown = false;
};

//===----------------------------------------------------------------------===//
// Models and samples
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> parseModel(llvm::StringRef path, MLIRContext &context,
                                 llvm::SourceMgr &sourceMgr) {
  auto file = qforge::readInputFile(path, /*isText=*/false,
                                    /*requiresNullTerminator=*/true);
  if (!file) {
    error("cannot read model '" + path +
          "': " + qforge::inputFileError(path, file.getError()));
    return nullptr;
  }
  sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  if (!module) {
    error("cannot parse model '" + path + "'");
  } else if (failed(qforge::qf::verifyResourceSizes(*module))) {
    error("model '" + path + "': constants do not match their types");
    return nullptr;
  }
  return module;
}

//===----------------------------------------------------------------------===//
// Sinks
//===----------------------------------------------------------------------===//

llvm::json::Value jsonNumber(double v) {
  if (std::isfinite(v))
    return v;
  return nullptr;
}

std::string fmt(double v, const char *style) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  return llvm::formatv(style, v).str();
}

//===----------------------------------------------------------------------===//
// Modes
//===----------------------------------------------------------------------===//

/// Shortest text that reads back as the same value.
std::string num(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}
std::string num(float v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

int dumpStats(llvm::StringRef path) {
  llvm::Expected<StatsFile> stats = readStatsFile(path);
  if (!stats)
    return error(stats.takeError());
  llvm::outs() << "format: " << kStatsFormat << " version " << kStatsVersion
               << "\nfingerprint: " << stats->fingerprint
               << "\nobserver: " << stats->observer
               << "\nmomentum: " << num(stats->momentum)
               << "\npercentile: " << num(stats->percentile)
               << "\nsamples: " << stats->samples << "\nids: " << stats->ids.size()
               << "\n";
  for (const std::string &id : stats->ids) {
    const TensorStats &s = *stats->lookup(id);
    llvm::outs() << llvm::formatv("{0}: min {1} max {2} channels {3} count {4} "
                                  "hist {5} bins [{6}, {7}] xtx {8}\n",
                                  id, num(s.min), num(s.max), s.channels, s.count,
                                  s.hist.size(), num(s.histLow), num(s.histHigh),
                                  s.hasXtx() ? "yes" : "no");
  }
  return 0;
}

ObserverOptions observerOptions() {
  ObserverOptions options;
  options.kind = observerKind;
  options.momentum = momentum;
  options.percentile = percentile;
  options.bins = histogramBins;
  return options;
}

SessionOptions sessionOptions(bool outputs) {
  SessionOptions options;
  options.entry = entryName;
  options.maxSamples = maxSamples;
  options.observeOutputs = outputs;
  options.what = modelPath;
  return options;
}

void warn(llvm::StringRef message) {
  llvm::WithColor::warning(llvm::errs(), "qforge-calibrate") << message << "\n";
}

int calibrate(MLIRContext &context) {
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseModel(modelPath, context, sourceMgr);
  if (!module)
    return 1;
  // Observers the model already has are used as they are.
  SessionOptions options = sessionOptions(observeOutputs);
  options.keepExistingObservers = true;
  llvm::Expected<std::unique_ptr<Session>> session =
      Session::create(*module, inputsPath, options);
  if (!session)
    return error(session.takeError());
  Progress progress("calibrating", (*session)->numSamples());
  llvm::Expected<StatsFile> calibrated = (*session)->calibrate(
      observerOptions(), [&](size_t done, size_t) { progress.update(done); },
      warn);
  progress.finish();
  if (!calibrated)
    return error(calibrated.takeError());
  const StatsFile &stats = *calibrated;
  if (llvm::Error err = writeStatsFile(outputPath, stats))
    return error("cannot write '" + outputPath + "': " +
                 llvm::toString(std::move(err)));

  llvm::outs() << llvm::formatv("{0,-32} {1,8} {2,10} {3,14} {4,14}\n", "id",
                                "channels", "count", "min", "max");
  for (const std::string &id : stats.ids) {
    const TensorStats &s = *stats.lookup(id);
    llvm::outs() << llvm::formatv("{0,-32} {1,8} {2,10} {3,14} {4,14}\n", id,
                                  s.channels, s.count, num(s.min), num(s.max));
  }
  llvm::outs() << "wrote " << outputPath << " (" << stats.ids.size()
               << " observed values, " << stats.samples << " samples, observer "
               << stats.observer << ")\n";
  return 0;
}

struct LayerInfo {
  std::string scheme, algorithm;
};

std::map<std::string, LayerInfo> layerInfo(ModuleOp module) {
  std::map<std::string, LayerInfo> info;
  for (auto &[op, name] : qf::getLayerNames(module)) {
    LayerInfo l;
    if (auto matmul = dyn_cast<qf::MatmulOp>(op))
      l.scheme = matmul.getQuantScheme().str();
    else
      l.scheme = "f32";
    if (auto algo = op->getAttrOfType<StringAttr>(qforge::qf::kAlgorithmAttrName))
      l.algorithm = algo.getValue().str();
    info[name] = l;
  }
  return info;
}

int compare(MLIRContext &context) {
  llvm::SourceMgr refSourceMgr, quantSourceMgr;
  SourceMgrDiagnosticHandler handler(refSourceMgr, &context);
  OwningOpRef<ModuleOp> ref = parseModel(modelPath, context, refSourceMgr);
  if (!ref)
    return 1;
  OwningOpRef<ModuleOp> quant;
  {
    SourceMgrDiagnosticHandler quantHandler(quantSourceMgr, &context);
    quant = parseModel(comparePath, context, quantSourceMgr);
    if (!quant)
      return 1;
  }
  std::map<std::string, LayerInfo> layers = layerInfo(*quant);
  // A model with no matmul still has outputs to compare.
  SessionOptions options = sessionOptions(/*outputs=*/true);
  options.requireObservers = false;
  llvm::Expected<std::unique_ptr<Session>> session =
      Session::create(*ref, inputsPath, options);
  if (!session)
    return error(session.takeError());
  std::optional<ObserverOptions> statsOptions;
  if (!outputPath.empty())
    statsOptions = observerOptions();
  Progress progress("comparing", (*session)->numSamples());
  llvm::Expected<Comparison> comparison = (*session)->compare(
      *quant, comparePath, [&](size_t done, size_t) { progress.update(done); },
      statsOptions);
  progress.finish();
  if (!comparison)
    return error(comparison.takeError());
  for (const std::string &layer : comparison->unmatchedLayers)
    warn("layer '" + layer + "' has no counterpart in '" + comparePath + "'");
  const std::vector<ErrorAccumulator> &outputs = comparison->outputs;

  // The report, keys in the documented order (llvm::json::Object would sort
  // them).
  std::string json;
  llvm::raw_string_ostream jsonStream(json);
  llvm::json::OStream j(jsonStream, /*IndentSize=*/2);
  j.objectBegin();
  j.attributeBegin("outputs");
  j.arrayBegin();
  llvm::outs() << llvm::formatv("{0,-8} {1,14} {2,10}\n", "output", "rel_error",
                                "sqnr_db");
  for (size_t o = 0; o < outputs.size(); ++o) {
    double rel = outputs[o].relError(), sqnr = outputs[o].sqnrDb();
    llvm::outs() << llvm::formatv("{0,-8} {1,14} {2,10}\n", o,
                                  fmt(rel, "{0:e4}"), fmt(sqnr, "{0:f2}"));
    j.object([&] {
      j.attribute("index", int64_t(o));
      j.attribute("rel_error", jsonNumber(rel));
      j.attribute("sqnr_db", jsonNumber(sqnr));
    });
  }
  j.arrayEnd();
  j.attributeEnd();
  j.attributeBegin("layers");
  j.arrayBegin();
  llvm::outs() << "\n"
               << llvm::formatv("{0,-24} {1,-16} {2,-12} {3,14} {4,10}\n",
                                "layer", "scheme", "algorithm", "rel_error",
                                "sqnr_db");
  for (const ValueError &m : comparison->layers) {
    LayerInfo info = layers.count(m.name) ? layers[m.name] : LayerInfo{"", ""};
    double rel = m.error.relError(), sqnr = m.error.sqnrDb();
    llvm::outs() << llvm::formatv("{0,-24} {1,-16} {2,-12} {3,14} {4,10}\n",
                                  m.name, info.scheme,
                                  info.algorithm.empty() ? "-" : info.algorithm,
                                  fmt(rel, "{0:e4}"), fmt(sqnr, "{0:f2}"));
    j.object([&] {
      j.attribute("name", m.name);
      j.attribute("scheme", info.scheme);
      j.attribute("algorithm", info.algorithm);
      j.attribute("rel_error", jsonNumber(rel));
      j.attribute("sqnr_db", jsonNumber(sqnr));
    });
  }
  j.arrayEnd();
  j.attributeEnd();
  j.objectEnd();
  jsonStream << "\n";

  if (comparison->referenceStats)
    if (llvm::Error err = writeStatsFile(outputPath, *comparison->referenceStats))
      return error("cannot write '" + outputPath + "': " +
                   llvm::toString(std::move(err)));
  if (!jsonPath.empty())
    if (llvm::Error err = qforge::writeOutputFile(jsonPath, [&](llvm::raw_ostream &os) {
          os << json;
          return llvm::Error::success();
        }))
      return error("cannot write '" + jsonPath + "': " +
                   llvm::toString(std::move(err)));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  qforge::ignoreFileSizeLimitSignal();
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "QForge calibration: run a model on sample inputs and record the "
      "statistics of every matmul's input (ranges, histograms, per-channel "
      "max/mean |x|, X^T X), or compare a quantized model with it.\n\n"
      "  qforge-calibrate MODEL.mlir --inputs SAMPLES.npz -o STATS.safetensors\n"
      "  qforge-calibrate MODEL.mlir --inputs SAMPLES.npz --compare Q.mlir "
      "--json REPORT.json\n"
      "  qforge-calibrate --dump STATS.safetensors\n");

  if (!dumpPath.empty())
    return dumpStats(dumpPath);
  if (modelPath.empty())
    return error("no model given (see --help)");
  if (inputsPath.empty())
    return error("--inputs SAMPLES.npz is required");
  if (comparePath.empty() && outputPath.empty())
    return error("-o STATS.safetensors (or --compare QUANTIZED.mlir) is required");
  if (!jsonPath.empty() && comparePath.empty())
    return error("--json needs --compare");
  if (!(momentum >= 0.0 && momentum < 1.0))
    return error("--momentum must be in [0, 1), got " + std::to_string(momentum));
  if (!(percentile > 0.0 && percentile <= 100.0))
    return error("--percentile must be in (0, 100], got " +
                 std::to_string(percentile));
  if (histogramBins < 256 || histogramBins % 2)
    return error("--bins must be even and at least 256");

  // Temporaries of a killed earlier run writing to the same folders.
  qforge::removeStaleOutputTemps({outputPath, jsonPath});

  DialectRegistry registry;
  registerRunnerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  return comparePath.empty() ? calibrate(context) : compare(context);
}
