//===- Report.cpp - The compile report as JSON and as a table ------------===//

#include "qforge/Compiler/Compile.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace qforge {

std::string reportToJSON(const CompileReport &report) {
  auto tensors = [](const std::vector<TensorSignature> &list) {
    llvm::json::Array out;
    for (const auto &t : list) {
      llvm::json::Array shape;
      for (int64_t d : t.shape)
        shape.push_back(d);
      out.push_back(llvm::json::Object{{"name", t.name},
                                       {"dtype", t.dtype},
                                       {"shape", std::move(shape)}});
    }
    return out;
  };
  llvm::json::Array layers;
  int64_t before = 0, after = 0;
  for (const LayerReport &l : report.layers) {
    before += l.weightBytesBefore;
    after += l.weightBytesAfter;
    layers.push_back(llvm::json::Object{
        {"name", l.name},
        {"scheme", l.scheme},
        {"algorithm", l.algorithm},
        {"weight_bytes_before", l.weightBytesBefore},
        {"weight_bytes_after", l.weightBytesAfter}});
  }
  llvm::json::Object root{{"name", report.name},
                          {"target", report.target},
                          {"inputs", tensors(report.inputs)},
                          {"outputs", tensors(report.outputs)},
                          {"layers", std::move(layers)},
                          {"weight_bytes_before", before},
                          {"weight_bytes_after", after}};
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
     << llvm::right_justify("bytes after", 14) << llvm::right_justify("ratio", 8)
     << "\n";
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
                                          : 0.0)
       << "\n";
  }
  os << llvm::left_justify("total", width) << "  "
     << llvm::left_justify("", 24)
     << llvm::right_justify(std::to_string(before), 14)
     << llvm::right_justify(std::to_string(after), 14)
     << llvm::format("%7.2fx", after ? double(before) / double(after) : 0.0)
     << "\n";
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
  int width = labelWidth + barWidth + 160;
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
     << ": weight bytes per layer (grey: float, blue: quantized)</text>\n";
  for (size_t i = 0; i < report.layers.size(); ++i) {
    const LayerReport &l = report.layers[i];
    int y = top + rowHeight * int(i);
    auto bar = [&](int64_t bytes) {
      return std::max<int64_t>(1, bytes * barWidth / largest);
    };
    os << "<text x=\"8\" y=\"" << y + 16 << "\">" << escape(l.name) << " ("
       << escape(l.scheme) << ")</text>\n"
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
       << "x</text>\n";
  }
  os << "</svg>\n";
  return out;
}

} // namespace qforge
