//===- Report.cpp - The compile report as JSON and as a table ------------===//

#include "qforge/Compiler/Compile.h"
#include "qforge/Autoquant/Passes.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace qforge {
namespace {

llvm::json::Value number(double v) {
  if (std::isfinite(v))
    return v;
  return nullptr; // JSON has no Inf/NaN
}

void addError(llvm::json::Object &object, const ErrorReport &e) {
  if (!e.measured)
    return;
  object["rel_error"] = number(e.relError);
  object["sqnr_db"] = number(e.sqnrDb);
}

bool anyMeasured(const CompileReport &report) {
  return llvm::any_of(report.layers,
                      [](const LayerReport &l) { return l.error.measured; });
}

std::string microseconds(double seconds) {
  return llvm::formatv("{0:f1} us", seconds * 1e6).str();
}

/// The autoquant choice of `layer`, if any.
const autoquant::LayerPlan *planOf(const CompileReport &report,
                                   llvm::StringRef layer) {
  if (!report.autoquant)
    return nullptr;
  for (const autoquant::LayerPlan &p : report.autoquant->layers)
    if (p.layer == layer)
      return &p;
  return nullptr;
}

std::string errorText(const ErrorReport &e) {
  if (!e.measured)
    return "-";
  return llvm::formatv("{0:e2}", e.relError).str();
}

} // namespace

std::string reportToJSON(const CompileReport &report) {
  auto tensors = [](const std::vector<TensorSignature> &list) {
    llvm::json::Array out;
    for (const auto &t : list) {
      llvm::json::Array shape;
      for (int64_t d : t.shape)
        shape.push_back(d);
      llvm::json::Object object{{"name", t.name},
                                {"dtype", t.dtype},
                                {"shape", std::move(shape)}};
      if (t.isDynamic()) {
        llvm::json::Array names;
        for (const std::string &n : t.dimNames)
          names.push_back(n);
        object["dim_names"] = std::move(names);
      }
      out.push_back(std::move(object));
    }
    return out;
  };
  llvm::json::Array layers;
  int64_t before = 0, after = 0;
  for (const LayerReport &l : report.layers) {
    before += l.weightBytesBefore;
    after += l.weightBytesAfter;
    llvm::json::Object layer{{"name", l.name},
                             {"scheme", l.scheme},
                             {"algorithm", l.algorithm},
                             {"weight_bytes_before", l.weightBytesBefore},
                             {"weight_bytes_after", l.weightBytesAfter},
                             {"int8_activations", l.int8Activations},
                             {"kind", l.kind}};
    if (!l.int8ActivationsNotApplied.empty())
      layer["int8_activations_not_applied"] = l.int8ActivationsNotApplied;
    if (!l.keptWider.empty()) {
      layer["scheme_requested"] = l.schemeRequested;
      layer["kept_wider"] = l.keptWider;
    }
    addError(layer, l.error);
    layers.push_back(std::move(layer));
  }
  llvm::json::Object root{{"name", report.name},
                          {"target", report.target},
                          {"int8_activations", report.int8Activations},
                          {"inputs", tensors(report.inputs)},
                          {"outputs", tensors(report.outputs)},
                          {"layers", std::move(layers)},
                          {"weight_bytes_before", before},
                          {"weight_bytes_after", after}};
  if (report.calibrationSamples) {
    root["calibration_samples"] = report.calibrationSamples;
    // Which samples the errors below come from: the calibration ones flatter
    // algorithms that fit them (--eval gives held-out ones).
    root["evaluation_samples"] = report.evaluationSamples;
    root["evaluation_data"] =
        report.errorsOnHeldOut ? "held_out" : "calibration";
    llvm::json::Array outputs;
    for (size_t i = 0; i < report.outputErrors.size(); ++i) {
      llvm::json::Object o{{"name", i < report.outputs.size()
                                        ? report.outputs[i].name
                                        : std::to_string(i)}};
      addError(o, report.outputErrors[i]);
      outputs.push_back(std::move(o));
    }
    root["output_errors"] = std::move(outputs);
  }
  if (report.autoquant) {
    // The pass's own JSON (the same as its report= file), which this
    // process wrote: it parses.
    llvm::Expected<llvm::json::Value> autoquant =
        llvm::json::parse(autoquant::resultToJSON(*report.autoquant));
    if (autoquant)
      root["autoquant"] = std::move(*autoquant);
    else
      llvm::consumeError(autoquant.takeError());
  }
  if (const auto &v = report.autoquantVerify) {
    llvm::json::Array entries, skipped;
    for (const AutoquantVerifyReport::Entry &e : v->entries)
      entries.push_back(llvm::json::Object{{"artifact", e.label},
                                           {"median_seconds", e.median},
                                           {"p20_seconds", e.p20},
                                           {"p80_seconds", e.p80}});
    for (const std::string &s : v->skipped)
      skipped.push_back(s);
    root["autoquant_verify"] = llvm::json::Object{
        {"used", v->used},
        {"identical_uniform", v->identical},
        {"times", std::move(entries)},
        {"skipped", std::move(skipped)}};
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  return text;
}

std::string reportToTable(const CompileReport &report) {
  std::string text;
  llvm::raw_string_ostream os(text);
  size_t width = 5;
  for (const LayerReport &l : report.layers)
    width = std::max(width, l.name.size());
  os << llvm::left_justify("layer", width) << "  "
     << llvm::left_justify("scheme", 14) << llvm::left_justify("algorithm", 10)
     << llvm::right_justify("bytes before", 14)
     << llvm::right_justify("bytes after", 14) << llvm::right_justify("ratio", 8);
  bool errors = anyMeasured(report);
  if (errors)
    os << llvm::right_justify("rel.error", 12);
  os << "\n";
  int64_t before = 0, after = 0;
  for (const LayerReport &l : report.layers) {
    before += l.weightBytesBefore;
    after += l.weightBytesAfter;
    os << llvm::left_justify(l.name, width) << "  "
       << llvm::left_justify(l.scheme, 14) << llvm::left_justify(l.algorithm, 10)
       << llvm::right_justify(std::to_string(l.weightBytesBefore), 14)
       << llvm::right_justify(std::to_string(l.weightBytesAfter), 14)
       << llvm::format("%7.2fx",
                       l.weightBytesAfter ? double(l.weightBytesBefore) /
                                                double(l.weightBytesAfter)
                                          : 0.0);
    if (errors)
      os << llvm::right_justify(errorText(l.error), 12);
    os << "\n";
  }
  os << llvm::left_justify("total", width) << "  "
     << llvm::left_justify("", 24)
     << llvm::right_justify(std::to_string(before), 14)
     << llvm::right_justify(std::to_string(after), 14)
     << llvm::format("%7.2fx", after ? double(before) / double(after) : 0.0)
     << "\n";
  // A request the compiler could not honour everywhere is said, per layer.
  int64_t kept = llvm::count_if(
      report.layers, [](const LayerReport &l) { return !l.keptWider.empty(); });
  if (kept) {
    os << kept << (kept == 1 ? " layer keeps" : " layers keep")
       << " a wider scheme than asked (--sensitive-layers=quantize gives "
          "every layer the scheme):\n";
    for (const LayerReport &l : report.layers)
      if (!l.keptWider.empty())
        os << "  " << l.name << ": " << l.scheme << " instead of "
           << l.schemeRequested << ": " << l.keptWider << "\n";
  }
  int64_t notApplied = llvm::count_if(report.layers, [](const LayerReport &l) {
    return !l.int8ActivationsNotApplied.empty();
  });
  if (notApplied) {
    os << "int8 activations not applied to " << notApplied
       << (notApplied == 1 ? " layer" : " layers")
       << " (they keep f32 activations):\n";
    for (const LayerReport &l : report.layers)
      if (!l.int8ActivationsNotApplied.empty())
        os << "  " << l.name << ": " << l.int8ActivationsNotApplied << "\n";
  }
  for (size_t i = 0; i < report.outputErrors.size(); ++i)
    os << "output " << (i < report.outputs.size() ? report.outputs[i].name
                                                    : std::to_string(i))
       << ": relative error " << errorText(report.outputErrors[i])
       << " on " << report.evaluationSamples
       << (report.errorsOnHeldOut ? " held-out samples (--eval)\n"
                                  : " calibration samples\n");
  if (const auto &a = report.autoquant) {
    os << "\nautoquant (" << a->timer << " times, target " << a->target
       << "; guard: " << a->guard << ", min SQNR "
       << llvm::formatv("{0:f1}", a->minSqnrDb) << " dB; cache "
       << (a->cachePath.empty() ? std::string("off") : a->cachePath) << ": "
       << a->cacheHits << " hits, " << a->timed << " timed"
       << (a->guardHits ? ", " + std::to_string(a->guardHits) +
                              " guard results"
                        : std::string())
       << "; " << a->shapes
       << (a->shapes == 1 ? " distinct shape" : " distinct shapes") << ")\n";
    for (const autoquant::LayerPlan &p : a->layers) {
      const autoquant::CandidateEval *choice = p.choice();
      os << "  " << p.layer << " [" << p.n << "x" << p.k << ", M "
         << autoquant::profileString(p.buckets) << "]: "
         << (choice ? choice->candidate.str() : std::string("f32")) << "  ("
         << p.reason << ")\n";
      for (const autoquant::CandidateEval &c : p.candidates) {
        os << "      " << llvm::left_justify(c.candidate.str(), 16);
        if (c.timed())
          os << llvm::right_justify(microseconds(c.seconds), 12) << " "
             << llvm::left_justify(c.sourceText(), 18);
        else
          os << llvm::right_justify("-", 12) << " "
             << llvm::left_justify("", 18);
        if (!std::isnan(c.sqnrDb))
          os << (std::isinf(c.sqnrDb)
                     ? std::string("exact")
                     : llvm::formatv("{0:f1} dB", c.sqnrDb).str());
        if (!c.excluded.empty())
          os << "  excluded: " << c.excluded;
        os << "\n";
      }
    }
    if (a->maxError > 0) {
      os << "  max output error " << llvm::format("%.3g", a->maxError)
         << ": the plan's is " << llvm::format("%.3g", a->outputError)
         << " after " << a->reverts.size() << " revert(s)\n";
      for (const autoquant::Revert &r : a->reverts)
        os << "    reverted " << r.layer << ": " << r.from << " -> " << r.to
           << " (output error " << llvm::format("%.3g", r.outputError)
           << ")\n";
    }
  }
  if (const auto &v = report.autoquantVerify) {
    os << "\nautoquant verify (end to end, median of interleaved rounds):\n";
    for (const AutoquantVerifyReport::Entry &e : v->entries)
      os << "  " << llvm::left_justify(e.label, 16)
         << llvm::right_justify(microseconds(e.median), 14) << "  (p20 "
         << microseconds(e.p20) << ", p80 " << microseconds(e.p80) << ")\n";
    for (const std::string &s : v->skipped)
      os << "  not compared: " << s << "\n";
    if (!v->identical.empty())
      os << "  the plan's artifact is byte-identical to uniform "
         << v->identical << "'s\n";
    os << (v->used == "plan"
               ? std::string("  the plan is used\n")
               : "  the plan is slower than uniform " + v->used +
                     ": the artifact is the uniform one\n");
  }
  return text;
}

std::string reportToSVG(const CompileReport &report) {
  // One row per layer: two bars (weight bytes before/after quantization),
  // scaled to the largest layer, with the scheme and the ratio as text.
  const int rowHeight = 28, labelWidth = 220, barWidth = 420, top = 40;
  int64_t largest = 1;
  for (const LayerReport &l : report.layers)
    largest = std::max({largest, l.weightBytesBefore, l.weightBytesAfter});
  int height = top + rowHeight * int(report.layers.size()) + 20;
  int width = labelWidth + barWidth + 260;
  std::string out;
  llvm::raw_string_ostream os(out);
  auto escape = [](llvm::StringRef text) {
    std::string e;
    for (char c : text)
      e += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;"
                                                          : std::string(1, c);
    return e;
  };
  os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width
     << "\" height=\"" << height << "\" font-family=\"sans-serif\" "
     << "font-size=\"12\">\n"
     << "<text x=\"8\" y=\"20\" font-size=\"14\">" << escape(report.name)
     << ": weight bytes per layer (grey: float, blue: quantized)"
     << (!anyMeasured(report)     ? ""
         : report.errorsOnHeldOut ? "; relative output error on the held-out "
                                    "samples"
                                  : "; relative output error on the "
                                    "calibration samples")
     << "</text>\n";
  for (size_t i = 0; i < report.layers.size(); ++i) {
    const LayerReport &l = report.layers[i];
    int y = top + rowHeight * int(i);
    auto bar = [&](int64_t bytes) {
      return std::max<int64_t>(1, bytes * barWidth / largest);
    };
    std::string scheme = l.scheme;
    if (const autoquant::LayerPlan *p = planOf(report, l.name))
      if (const autoquant::CandidateEval *c = p->choice())
        scheme = "auto: " + c->candidate.str() + ", " +
                 microseconds(c->seconds);
    os << "<text x=\"8\" y=\"" << y + 16 << "\">" << escape(l.name) << " ("
       << escape(scheme) << ")</text>\n"
       << "<rect x=\"" << labelWidth << "\" y=\"" << y + 2 << "\" width=\""
       << bar(l.weightBytesBefore) << "\" height=\"10\" fill=\"#bbb\"/>\n"
       << "<rect x=\"" << labelWidth << "\" y=\"" << y + 13 << "\" width=\""
       << bar(l.weightBytesAfter) << "\" height=\"10\" fill=\"#3672c4\"/>\n"
       << "<text x=\"" << labelWidth + barWidth + 10 << "\" y=\"" << y + 16
       << "\">" << l.weightBytesAfter << " B, "
       << llvm::format("%.2f", l.weightBytesAfter
                                   ? double(l.weightBytesBefore) /
                                         double(l.weightBytesAfter)
                                   : 0.0)
       << "x";
    if (l.error.measured)
      os << ", error " << escape(errorText(l.error));
    os << "</text>\n";
  }
  os << "</svg>\n";
  return out;
}

} // namespace qforge
