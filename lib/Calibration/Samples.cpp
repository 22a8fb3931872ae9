//===- Samples.cpp - Calibration samples checked against a model ---------===//

#include "qforge/Calibration/Samples.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstring>
#include <map>

namespace qforge::calib {

using formats::NpyArray;
using formats::readNpyOrNpz;
using formats::shapeString;
namespace {

bool hasNonFinite(const NpyArray &a, size_t begin, size_t count,
                  size_t &where, std::string &what) {
  auto scan = [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < count; ++i) {
      T v;
      std::memcpy(&v, a.data.data() + (begin + i) * sizeof(T), sizeof(T));
      if (!std::isfinite(v)) {
        where = i;
        what = std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf");
        return true;
      }
    }
    return false;
  };
  if (a.kind != 'f')
    return false;
  if (a.itemSize == 4)
    return scan(float());
  if (a.itemSize == 8)
    return scan(double());
  if (a.itemSize == 2) {
    for (size_t i = 0; i < count; ++i) {
      uint16_t h;
      std::memcpy(&h, a.data.data() + (begin + i) * 2, 2);
      if ((h & 0x7C00) == 0x7C00) {
        where = i;
        what = (h & 0x3FF) ? "NaN" : ((h & 0x8000) ? "-Inf" : "+Inf");
        return true;
      }
    }
  }
  return false;
}

} // namespace

std::vector<NpyArray> Samples::sample(size_t i) const {
  std::vector<NpyArray> out;
  for (const NpyArray &a : arrays) {
    NpyArray s;
    s.name = a.name;
    s.kind = a.kind;
    s.itemSize = a.itemSize;
    s.shape.assign(a.shape.begin() + 1, a.shape.end());
    size_t bytes = size_t(s.numElements()) * a.itemSize;
    s.data.assign(a.data.begin() + i * bytes, a.data.begin() + (i + 1) * bytes);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> positionalNames(size_t count) {
  std::vector<std::string> names;
  for (size_t i = 0; i < count; ++i)
    names.push_back("arg" + std::to_string(i));
  return names;
}

llvm::Expected<Samples> loadSamples(llvm::StringRef path,
                                    const CompiledModel &model,
                                    const std::vector<std::string> &names,
                                    size_t maxSamples) {
  auto fail = [&](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (path + ": " + message).str());
  };
  llvm::Expected<std::vector<NpyArray>> arrays = readNpyOrNpz(path);
  if (!arrays)
    return arrays.takeError();
  const auto &inputs = model.inputs();
  std::string fn = "@" + model.entryName().str();
  std::map<std::string, NpyArray *> byName;
  for (NpyArray &a : *arrays)
    byName[a.name] = &a;
  auto available = [&] {
    std::vector<std::string> names;
    for (auto &[n, a] : byName)
      names.push_back(n);
    return names.empty() ? std::string("none") : llvm::join(names, ", ");
  };
  Samples samples;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string &name = names[i];
    auto it = byName.find(name);
    if (it == byName.end())
      return fail(llvm::formatv("no array '{0}' for argument {1} of {2} ({3}); "
                                "{2} takes {4} argument(s), the file has: {5}",
                                name, i, fn, inputs[i].type, inputs.size(),
                                available()));
    samples.arrays.push_back(*it->second);
  }
  for (auto &[name, a] : byName) {
    bool known = llvm::is_contained(names, name);
    if (!known) {
      std::vector<std::string> expected(names.begin(), names.end());
      return fail(llvm::formatv("array '{0}' is not an argument of {1}, which "
                                "takes {2} argument(s): {3}",
                                name, fn, inputs.size(),
                                expected.empty() ? std::string("none")
                                                 : llvm::join(expected, ", ")));
    }
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const NpyArray &a = samples.arrays[i];
    const TensorSignature &sig = inputs[i];
    NpyArray expected;
    expected.kind = sig.kind;
    expected.itemSize = sig.itemSize;
    if (a.kind != sig.kind || a.itemSize != sig.itemSize)
      return fail(llvm::formatv("array '{0}' is {1} but argument {2} of {3} is "
                                "{4} ({5})",
                                a.name, a.dtypeName(), i, fn, sig.type,
                                expected.dtypeName()));
    std::vector<int64_t> sampleShape;
    if (!a.shape.empty())
      sampleShape.assign(a.shape.begin() + 1, a.shape.end());
    bool ok = !a.shape.empty() && sampleShape.size() == sig.shape.size();
    for (size_t d = 0; ok && d < sig.shape.size(); ++d)
      ok = sig.shape[d] < 0 || sig.shape[d] == sampleShape[d];
    if (!ok)
      return fail(llvm::formatv(
          "array '{0}' has shape {1}, i.e. samples of shape {2}, but argument "
          "{3} of {4} is {5} (shape {6}); the array needs shape [N, {7}]",
          a.name, shapeString(a.shape),
          a.shape.empty() ? std::string("(none: no sample dimension)")
                          : shapeString(sampleShape),
          i, fn, sig.type, shapeString(sig.shape),
          shapeString(sig.shape).substr(1, shapeString(sig.shape).size() - 2)));
    size_t n = size_t(a.shape[0]);
    if (i == 0)
      samples.count = n;
    else if (n != samples.count)
      return fail(llvm::formatv("array '{0}' has {1} samples but '{2}' has {3}",
                                a.name, n, samples.arrays[0].name, samples.count));
  }
  if (inputs.empty())
    return fail(fn + " takes no arguments; nothing to calibrate on samples");
  if (samples.count == 0)
    return fail("the arrays hold no samples (leading dimension 0)");
  if (maxSamples && samples.count > maxSamples)
    samples.count = maxSamples;
  for (const NpyArray &a : samples.arrays) {
    size_t perSample = size_t(a.numElements() / a.shape[0]);
    for (size_t s = 0; s < samples.count; ++s) {
      size_t where;
      std::string what;
      if (hasNonFinite(a, s * perSample, perSample, where, what))
        return fail(llvm::formatv("array '{0}': sample {1} contains {2} (at "
                                  "flat index {3} of the sample)",
                                  a.name, s, what, where));
    }
  }
  return samples;
}

} // namespace qforge::calib
