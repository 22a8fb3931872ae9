//===- Measurement.cpp - Keys, summaries, the roofline and cost tables ---===//

#include "qforge/Autoquant/Measurement.h"
#include "qforge/Autoquant/Candidate.h"

#include "qforge/Support/InputFile.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <cmath>

namespace qforge::autoquant {
namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Linear interpolation between order statistics of sorted `v`.
double quantile(const std::vector<double> &v, double q) {
  double pos = q * double(v.size() - 1);
  size_t lo = size_t(std::floor(pos));
  size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

/// Bytes per element of a scale of the scheme.
double scaleBytes(const quant::Scheme &scheme) {
  return scheme.scaleType == quant::ScaleDType::F32 ? 4.0 : 2.0;
}

} // namespace

std::string MeasureKey::str() const {
  return "m=" + std::to_string(m) + " n=" + std::to_string(n) +
         " k=" + std::to_string(k) + " cand=" + candidate +
         " kernel=" + kernel + " epilogue=" + epilogue +
         " threads=" + std::to_string(threads) + " target=" + target;
}

llvm::StringRef sourceName(Source source) {
  switch (source) {
  case Source::Measured:
    return "measured";
  case Source::Model:
    return "model";
  case Source::Table:
    return "table";
  }
  return "measured";
}

std::optional<Source> parseSource(llvm::StringRef name) {
  if (name == "measured")
    return Source::Measured;
  if (name == "model")
    return Source::Model;
  if (name == "table")
    return Source::Table;
  return std::nullopt;
}

bool Measurement::isValid() const {
  auto ok = [](double s) { return std::isfinite(s) && s > 0.0; };
  return ok(median) && ok(p20) && ok(p80) && p20 <= median && median <= p80 &&
         rounds > 0;
}

Timer::~Timer() = default;

Measurement summarize(std::vector<double> samples, Source source) {
  std::sort(samples.begin(), samples.end());
  Measurement m;
  m.median = quantile(samples, 0.5);
  m.p20 = quantile(samples, 0.2);
  m.p80 = quantile(samples, 0.8);
  m.rounds = unsigned(samples.size());
  m.source = source;
  return m;
}

//===----------------------------------------------------------------------===//
// Roofline
//===----------------------------------------------------------------------===//

llvm::Expected<double> RooflineTimer::seconds(const MeasureKey &key) const {
  llvm::Expected<Cost> c = cost(key);
  if (!c)
    return c.takeError();
  return c->seconds();
}

llvm::Expected<RooflineTimer::Cost>
RooflineTimer::cost(const MeasureKey &key) const {
  llvm::Expected<Candidate> candidate = Candidate::parse(key.candidate);
  if (!candidate)
    return candidate.takeError();
  const quant::Scheme &s = candidate->scheme;
  double n = double(key.n), k = double(key.k), m = double(key.m);
  double weightBytes;
  if (s.isFloat()) {
    weightBytes = n * k * 4.0;
  } else {
    weightBytes = n * k * double(s.weightBits()) / 8.0;
    double groups = s.granularity == quant::Granularity::Group
                        ? n * std::ceil(k / double(s.groupSize))
                        : s.granularity == quant::Granularity::Channel ? n
                                                                       : 1.0;
    weightBytes += groups * scaleBytes(s);
    if (!s.symmetric)
      weightBytes += groups; // zero points, a byte each
  }
  double bytes = weightBytes + m * k * 4.0 + m * n * 4.0;
  double flops = 2.0 * m * n * k;
  double peak = candidate->quantizesActivations() ? params.int8OpsPerSecond
                                                  : params.f32FlopsPerSecond;
  // Threads share the bandwidth; the peaks are per process as measured.
  return Cost{bytes / params.bandwidthBytesPerSecond, flops / peak};
}

std::vector<TimingResult> RooflineTimer::time(llvm::ArrayRef<MeasureKey> keys) {
  std::vector<TimingResult> out;
  for (const MeasureKey &key : keys) {
    TimingResult r;
    llvm::Expected<double> s = seconds(key);
    if (!s) {
      r.error = llvm::toString(s.takeError());
    } else {
      Measurement m;
      m.median = m.p20 = m.p80 = *s;
      m.rounds = 1;
      m.source = Source::Model;
      r.time = m;
    }
    out.push_back(std::move(r));
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Cost tables
//===----------------------------------------------------------------------===//

llvm::Expected<std::unique_ptr<TableTimer>>
TableTimer::fromText(llvm::StringRef text, llvm::StringRef what) {
  auto timer = std::unique_ptr<TableTimer>(new TableTimer());
  llvm::SmallVector<llvm::StringRef> lines;
  text.split(lines, '\n');
  for (auto [index, raw] : llvm::enumerate(lines)) {
    llvm::StringRef line = raw.split('#').first.trim();
    if (line.empty())
      continue;
    std::string where = (what + ":" + llvm::Twine(index + 1)).str();
    llvm::SmallVector<llvm::StringRef> f;
    line.split(f, ' ', -1, /*KeepEmpty=*/false);
    Entry e;
    if (f.size() != 5 || f[1].getAsInteger(10, e.m) ||
        f[2].getAsInteger(10, e.n) || f[3].getAsInteger(10, e.k))
      return fail(where + ": expected 'CANDIDATE M N K MICROSECONDS', got '" +
                  line + "'");
    if (llvm::Error err = Candidate::parse(f[0]).takeError())
      return fail(where + ": " + llvm::toString(std::move(err)));
    double us = 0.0;
    if (!llvm::to_float(f[4], us) || !std::isfinite(us) || us <= 0.0 ||
        e.m <= 0 || e.n < 0 || e.k < 0 || ((e.n == 0) != (e.k == 0)))
      return fail(where + ": M must be positive, N and K both positive or "
                          "both 0, and the time a positive number, in '" +
                  line + "'");
    e.candidate = f[0].str();
    e.seconds = us * 1e-6;
    timer->entries.push_back(std::move(e));
  }
  return timer;
}

llvm::Expected<std::unique_ptr<TableTimer>>
TableTimer::fromFile(llvm::StringRef path) {
  auto buffer = readInputFile(path, /*isText=*/false,
                              /*requiresNullTerminator=*/false);
  if (!buffer)
    return fail("cannot read cost table '" + path +
                "': " + buffer.getError().message());
  return fromText((*buffer)->getBuffer(), path);
}

std::vector<TimingResult> TableTimer::time(llvm::ArrayRef<MeasureKey> keys) {
  std::vector<TimingResult> out;
  for (const MeasureKey &key : keys) {
    TimingResult r;
    // An exact shape beats a wildcard (N = K = 0) entry.
    const Entry *found = nullptr;
    for (const Entry &e : entries) {
      if (e.candidate != key.candidate || e.m != key.m)
        continue;
      if (e.n == key.n && e.k == key.k) {
        found = &e;
        break;
      }
      if (e.n == 0 && !found)
        found = &e;
    }
    if (!found) {
      r.error = "no entry in the cost table";
    } else {
      Measurement m;
      m.median = m.p20 = m.p80 = found->seconds;
      m.rounds = 1;
      m.source = Source::Table;
      r.time = m;
    }
    out.push_back(std::move(r));
  }
  return out;
}

} // namespace qforge::autoquant
