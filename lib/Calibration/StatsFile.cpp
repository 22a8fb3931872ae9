//===- StatsFile.cpp - Calibration statistics file -----------------------===//

#include "qforge/Support/InputFile.h"
#include "qforge/Support/OutputFile.h"
#include "qforge/Calibration/StatsFile.h"
#include "qforge/Formats/FormatError.h"
#include "qforge/Formats/Json.h"
#include "qforge/Formats/Npy.h"
#include "qforge/Formats/SafeTensors.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>

namespace qforge::calib {

using formats::SafeTensor;
using formats::SafeTensorsFile;
using formats::shapeString;
using formats::parseSafeTensors;
using formats::writeSafeTensors;

namespace {

using formats::formatError;

/// Why `s` cannot be statistics of real data, or "" when it can: every value
/// finite, magnitudes non-negative, and the statistics consistent with each
/// other (a crafted file with a copied fingerprint otherwise quantizes to
/// NaN or to garbage without an error). Comparisons allow 1% for float
/// accumulation.
std::string whyImpossible(const TensorStats &s) {
  auto finite = [](const std::vector<float> &v) {
    return llvm::all_of(v, [](float x) { return std::isfinite(x); });
  };
  if (!std::isfinite(s.min) || !std::isfinite(s.max))
    return "its range [min, max] is not finite";
  if (s.min > s.max)
    return "min > max";
  if (!finite(s.absMax) || !finite(s.absMean) || !finite(s.xtx) ||
      !finite(s.hist) || !std::isfinite(s.histLow) || !std::isfinite(s.histHigh))
    return "it holds NaN or infinite values";
  if (s.count <= 0)
    return "no rows were observed (count " + std::to_string(s.count) + ")";
  if (!(s.histLow >= 0.0f && s.histLow <= s.histHigh))
    return "the histogram's range is not [0, upper]";
  if (llvm::any_of(s.hist, [](float c) { return c < 0.0f; }))
    return "the histogram has a negative count";
  constexpr double slack = 1.01;
  double largest = 0.0;
  for (int64_t j = 0; j < s.channels; ++j) {
    double absMax = s.absMax[j], absMean = s.absMean[j];
    if (absMax < 0.0 || absMean < 0.0)
      return "a per-channel max or mean of |x| is negative";
    if (absMean > absMax * slack)
      return "channel " + std::to_string(j) + "'s mean |x| exceeds its max |x|";
    largest = std::max(largest, absMax);
    if (!s.hasXtx())
      continue;
    // X^T X's diagonal is the sum of x_j^2 over the rows, which lies between
    // count * mean|x_j|^2 (Cauchy-Schwarz) and count * max|x_j|^2.
    double sumSquares = s.xtx[j * s.channels + j];
    double n = double(s.count);
    if (sumSquares > n * absMax * absMax * slack + 1e-30 ||
        sumSquares * slack < n * absMean * absMean)
      return "X^T X's diagonal at channel " + std::to_string(j) +
             " does not match the channel's |x| statistics";
  }
  // The observer's range lies within what was observed (clipping observers
  // narrow it, none widens it).
  if (std::max(std::fabs(s.min), std::fabs(s.max)) > largest * slack + 1e-30)
    return "the range [min, max] exceeds the largest |x| observed";
  // Sampled rows are observed rows, stored exactly: each element lies within
  // its channel's max |x| (which is exact too; 1e-6 for a rounded writer).
  if (s.hasRows()) {
    if (!finite(s.rows))
      return "its sampled rows (.rows) hold NaN or infinite values";
    size_t k = size_t(s.channels);
    for (size_t i = 0; i < s.rows.size(); ++i) {
      size_t j = i % k;
      if (std::fabs(double(s.rows[i])) > double(s.absMax[j]) * (1.0 + 1e-6))
        return "sampled row " + std::to_string(i / k) +
               " (.rows) exceeds channel " + std::to_string(j) +
               "'s max |x|";
    }
  }
  return "";
}

/// Shortest text that reads back as the same double.
std::string doubleStr(double v) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

} // namespace

const TensorStats *StatsFile::lookup(llvm::StringRef id) const {
  auto it = stats.find(id.str());
  return it == stats.end() ? nullptr : &it->second;
}

void writeStatsFile(llvm::raw_ostream &os, const StatsFile &stats) {
  SafeTensorsFile file;
  file.metadata = stats.metadata;
  file.metadata["format"] = kStatsFormat;
  file.metadata["version"] = kStatsVersion;
  file.metadata["fingerprint"] = stats.fingerprint;
  file.metadata["observer"] = stats.observer;
  file.metadata["momentum"] = doubleStr(stats.momentum);
  file.metadata["percentile"] = doubleStr(stats.percentile);
  file.metadata["samples"] = std::to_string(stats.samples);
  llvm::json::Array ids;
  for (const std::string &id : stats.ids)
    ids.push_back(id);
  file.metadata["ids"] = llvm::formatv("{0}", llvm::json::Value(std::move(ids)));

  for (const std::string &id : stats.ids) {
    auto it = stats.stats.find(id);
    if (it == stats.stats.end())
      continue;
    const TensorStats &s = it->second;
    int64_t k = s.channels;
    file.tensors.emplace_back(id + ".min", SafeTensor::f32({}, {s.min}));
    file.tensors.emplace_back(id + ".max", SafeTensor::f32({}, {s.max}));
    file.tensors.emplace_back(id + ".absmax", SafeTensor::f32({k}, s.absMax));
    file.tensors.emplace_back(id + ".absmean", SafeTensor::f32({k}, s.absMean));
    if (s.hasXtx())
      file.tensors.emplace_back(id + ".xtx", SafeTensor::f32({k, k}, s.xtx));
    if (s.hasRows() && k > 0) {
      assert(s.rows.size() % size_t(k) == 0 && "rows is not [R, K]");
      file.tensors.emplace_back(id + ".rows",
                                SafeTensor::f32({s.sampleRows(), k}, s.rows));
    }
    file.tensors.emplace_back(id + ".hist",
                              SafeTensor::f32({int64_t(s.hist.size())}, s.hist));
    file.tensors.emplace_back(id + ".hist_range",
                              SafeTensor::f32({2}, {s.histLow, s.histHigh}));
    file.tensors.emplace_back(id + ".count", SafeTensor::i64({}, {s.count}));
  }
  writeSafeTensors(os, file);
}

llvm::Error writeStatsFile(llvm::StringRef path, const StatsFile &stats) {
  return writeOutputFile(path, [&](llvm::raw_ostream &os) {
    writeStatsFile(os, stats);
    return llvm::Error::success();
  });
}

llvm::Expected<StatsFile> parseStatsFile(llvm::StringRef buffer,
                                         llvm::StringRef what) {
  llvm::Expected<SafeTensorsFile> file = parseSafeTensors(buffer, what);
  if (!file)
    return file.takeError();
  StatsFile out;
  out.metadata = file->metadata;
  auto meta = [&](llvm::StringRef key) -> llvm::Expected<std::string> {
    auto it = file->metadata.find(key.str());
    if (it == file->metadata.end())
      return formatError(what, "not a qforge stats file: __metadata__ has no '" +
                            key + "'");
    return it->second;
  };
  llvm::Expected<std::string> format = meta("format");
  if (!format)
    return format.takeError();
  if (*format != kStatsFormat)
    return formatError(what, "not a qforge stats file: format is '" + *format +
                          "', expected '" + kStatsFormat + "'");
  llvm::Expected<std::string> version = meta("version");
  if (!version)
    return version.takeError();
  if (*version != kStatsVersion)
    return formatError(what, "unsupported stats file version '" + *version +
                          "' (this build reads version " + kStatsVersion + ")");
  for (const char *key : {"fingerprint", "observer", "momentum", "percentile",
                          "samples", "ids"})
    if (!file->metadata.count(key))
      return formatError(what, llvm::Twine("__metadata__ has no '") + key + "'");
  out.fingerprint = file->metadata["fingerprint"];
  out.observer = file->metadata["observer"];
  if (!parseObserverKind(out.observer))
    return formatError(what, "unknown observer '" + out.observer + "'");
  if (llvm::StringRef(file->metadata["momentum"]).getAsDouble(out.momentum))
    return formatError(what, "momentum '" + file->metadata["momentum"] +
                          "' is not a number");
  if (llvm::StringRef(file->metadata["percentile"]).getAsDouble(out.percentile))
    return formatError(what, "percentile '" + file->metadata["percentile"] +
                          "' is not a number");
  if (llvm::StringRef(file->metadata["samples"]).getAsInteger(10, out.samples))
    return formatError(what, "samples '" + file->metadata["samples"] +
                          "' is not an integer");

  llvm::Expected<llvm::json::Value> idsJson =
      formats::parseJson(file->metadata["ids"], (what + ": ids is not a JSON list").str());
  if (!idsJson)
    return idsJson.takeError();
  const llvm::json::Array *ids = idsJson->getAsArray();
  if (!ids)
    return formatError(what, "ids is not a JSON list");
  for (const llvm::json::Value &v : *ids) {
    std::optional<llvm::StringRef> id = v.getAsString();
    if (!id)
      return formatError(what, "ids contains a value that is not a string");
    out.ids.push_back(id->str());
  }

  for (const std::string &id : out.ids) {
    auto get = [&](llvm::StringRef suffix, llvm::StringRef dtype,
                   std::optional<std::vector<int64_t>> shape,
                   bool required = true) -> llvm::Expected<const SafeTensor *> {
      std::string name = id + "." + suffix.str();
      const SafeTensor *t = file->find(name);
      if (!t) {
        if (!required)
          return nullptr;
        return formatError(what, "missing tensor '" + name + "' for id '" + id + "'");
      }
      if (t->dtype != dtype)
        return formatError(what, "tensor '" + name + "' has dtype " + t->dtype +
                              ", expected " + dtype);
      if (shape && t->shape != *shape)
        return formatError(what, "tensor '" + name + "' has shape " +
                              shapeString(t->shape) + ", expected " +
                              shapeString(*shape));
      return t;
    };
    TensorStats s;
    auto minT = get("min", "F32", std::vector<int64_t>{});
    if (!minT)
      return minT.takeError();
    auto maxT = get("max", "F32", std::vector<int64_t>{});
    if (!maxT)
      return maxT.takeError();
    s.min = (*minT)->toFloats()[0];
    s.max = (*maxT)->toFloats()[0];
    auto absMax = get("absmax", "F32", std::nullopt);
    if (!absMax)
      return absMax.takeError();
    if ((*absMax)->shape.size() != 1)
      return formatError(what, "tensor '" + id + ".absmax' has shape " +
                            shapeString((*absMax)->shape) + ", expected [K]");
    s.channels = (*absMax)->shape[0];
    int64_t k = s.channels;
    s.absMax = (*absMax)->toFloats();
    auto absMean = get("absmean", "F32", std::vector<int64_t>{k});
    if (!absMean)
      return absMean.takeError();
    s.absMean = (*absMean)->toFloats();
    auto xtx = get("xtx", "F32", std::vector<int64_t>{k, k}, /*required=*/false);
    if (!xtx)
      return xtx.takeError();
    if (*xtx)
      s.xtx = (*xtx)->toFloats();
    auto hist = get("hist", "F32", std::nullopt);
    if (!hist)
      return hist.takeError();
    if ((*hist)->shape.size() != 1)
      return formatError(what, "tensor '" + id + ".hist' has shape " +
                            shapeString((*hist)->shape) + ", expected [bins]");
    s.hist = (*hist)->toFloats();
    auto histRange = get("hist_range", "F32", std::vector<int64_t>{2});
    if (!histRange)
      return histRange.takeError();
    std::vector<float> range = (*histRange)->toFloats();
    s.histLow = range[0];
    s.histHigh = range[1];
    // count is I64; an F32 count (as some writers produce) is accepted.
    const SafeTensor *countT = file->find(id + ".count");
    auto count = get("count", countT && countT->dtype == "F32" ? "F32" : "I64",
                     std::vector<int64_t>{});
    if (!count)
      return count.takeError();
    if ((*count)->dtype == "I64")
      std::memcpy(&s.count, (*count)->data.data(), sizeof(int64_t));
    else {
      // Converting NaN or a float beyond int64 to an integer is undefined.
      float c = (*count)->toFloats()[0];
      if (!(c >= 0.0f && c < 9.0e18f))
        return formatError(what, "tensor '" + id + ".count' is not a row count");
      s.count = int64_t(c);
    }
    // Optional (files written before the sample was kept have none).
    auto rows = get("rows", "F32", std::nullopt, /*required=*/false);
    if (!rows)
      return rows.takeError();
    if (*rows) {
      const std::vector<int64_t> &shape = (*rows)->shape;
      std::string name = id + ".rows";
      if (shape.size() != 2 || shape[1] != k)
        return formatError(what, "tensor '" + name + "' has shape " +
                                     shapeString(shape) + ", expected [R, " +
                                     std::to_string(k) + "] (K = " +
                                     std::to_string(k) + " channels)");
      int64_t r = shape[0];
      // (A count <= 0 is reported by whyImpossible below.)
      if (r < 1 || r > kMaxSampleRows || (s.count > 0 && r > s.count))
        return formatError(
            what, "tensor '" + name + "' holds " + std::to_string(r) +
                      " sampled rows; expected 1 to min(count, " +
                      std::to_string(kMaxSampleRows) + ") = " +
                      std::to_string(std::min(s.count, kMaxSampleRows)) +
                      " (count " + std::to_string(s.count) + ")");
      s.rows = (*rows)->toFloats();
    }
    std::string impossible = whyImpossible(s);
    if (!impossible.empty())
      return formatError(what, "the statistics of '" + id +
                                   "' cannot come from real data: " +
                                   impossible);
    out.stats[id] = std::move(s);
  }
  return out;
}

llvm::Expected<StatsFile> readStatsFile(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      readInputFile(path);
  if (!buffer)
    return formatError(path, "cannot read stats file: " +
                          buffer.getError().message());
  return parseStatsFile((*buffer)->getBuffer(), path);
}

} // namespace qforge::calib
