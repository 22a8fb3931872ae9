//===- qforge-run.cpp - Run a compiled artifact on numpy arrays -----------===//
//
//   qforge-run out/mlp.so --input x.npy --output y.npy [--bench 100]
//
// Loads an artifact through the C runtime (qforge-c/qforge.h), reads the
// inputs from .npy files (in signature order, or NAME=FILE) or one .npz
// whose arrays are named after the inputs, runs the model and writes the
// outputs as .npy files (or one .npz). Every input is checked against the
// artifact's signature before anything runs; a mismatch names the input,
// the file and the expected dtype and shape. No MLIR: only LLVM Support
// (options, errors) and QForgeFormats.
//
//===----------------------------------------------------------------------===//

#include "qforge-c/qforge.h"
#include "qforge/Formats/Npy.h"
#include "qforge/Support/OutputFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

namespace cl = llvm::cl;
using qforge::formats::NpyArray;

static cl::OptionCategory category("qforge-run options");

static cl::opt<std::string> artifactPath(cl::Positional, cl::Required,
                                         cl::desc("<artifact.so>"),
                                         cl::cat(category));

static cl::list<std::string> inputFiles(
    "input",
    cl::desc("An input: FILE.npy for the next input in signature order, "
             "NAME=FILE.npy for the input called NAME, or one FILE.npz with "
             "an array per input, named after it. Repeat for every input (alias "
             "-i)"),
    cl::value_desc("[NAME=]FILE"), cl::cat(category));
static cl::alias inputAlias("i", cl::desc("Alias for --input"),
                            cl::aliasopt(inputFiles), cl::cat(category));

static cl::list<std::string> outputFiles(
    "output",
    cl::desc("Where to write an output: FILE.npy for the next output in "
             "signature order, NAME=FILE.npy for the output called NAME, or "
             "one FILE.npz holding every output, named after it. Without "
             "--output a summary of each output is printed (alias -o)"),
    cl::value_desc("[NAME=]FILE"), cl::cat(category));
static cl::alias outputAlias("o", cl::desc("Alias for --output"),
                             cl::aliasopt(outputFiles), cl::cat(category));

static cl::opt<unsigned> benchRuns(
    "bench",
    cl::desc("Time N runs after --warmup runs and print the median latency "
             "and the throughput: samples per second (the first input's "
             "leading dimension), or tokens per second when the first input "
             "holds integer token ids (all its elements)"),
    cl::value_desc("N"), cl::init(0), cl::cat(category));

static cl::opt<unsigned> warmupRuns("warmup",
                                    cl::desc("Untimed runs before --bench"),
                                    cl::value_desc("N"), cl::init(3),
                                    cl::cat(category));

// --threads is registered in main(): libLLVM has a hidden --threads of its
// own, which is unregistered first.
static int threads = 0;

static cl::opt<bool> printSignature(
    "signature",
    cl::desc("Print the artifact's inputs and outputs and exit"),
    cl::init(false), cl::cat(category));

namespace {

struct TensorInfo {
  std::string name;
  qforge_dtype dtype;
  std::vector<int64_t> shape;   ///< -1: dynamic
  std::vector<std::string> dims; ///< names of the dynamic dimensions

  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

/// numpy's kind and item size for a runtime dtype; bf16 has none.
std::optional<std::pair<char, unsigned>> npyType(qforge_dtype dtype) {
  switch (dtype) {
  case QFORGE_F32:
    return std::make_pair('f', 4u);
  case QFORGE_F16:
    return std::make_pair('f', 2u);
  case QFORGE_I8:
    return std::make_pair('i', 1u);
  case QFORGE_U8:
    return std::make_pair('u', 1u);
  case QFORGE_I32:
    return std::make_pair('i', 4u);
  case QFORGE_I64:
    return std::make_pair('i', 8u);
  case QFORGE_BF16:
    return std::nullopt;
  }
  return std::nullopt;
}

/// numpy's name of a runtime dtype ("float32", ...).
std::string npyName(qforge_dtype dtype) {
  if (auto t = npyType(dtype)) {
    NpyArray a;
    a.kind = t->first;
    a.itemSize = t->second;
    return a.dtypeName();
  }
  return "bfloat16";
}

std::string shapeText(const std::vector<int64_t> &shape,
                      const std::vector<std::string> &dims = {}) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + (shape[i] < 0 && i < dims.size()
                                ? dims[i]
                                : std::to_string(shape[i]));
  return s + "]";
}

std::string describe(const char *kind, size_t index, const TensorInfo &t) {
  return llvm::formatv("{0} {1} ('{2}')", kind, index, t.name).str();
}

struct RunError {
  std::string message;
};

[[noreturn]] void fail(const llvm::Twine &message) {
  throw RunError{message.str()};
}

std::vector<TensorInfo> signature(const qforge_model *model, bool inputs) {
  int32_t n = inputs ? qforge_num_inputs(model) : qforge_num_outputs(model);
  std::vector<TensorInfo> out;
  for (int32_t i = 0; i < n; ++i) {
    TensorInfo t;
    int32_t rank = 0;
    const int64_t *shape = nullptr;
    t.name = inputs ? qforge_input_name(model, i) : qforge_output_name(model, i);
    if ((inputs ? qforge_input_info : qforge_output_info)(model, i, &t.dtype,
                                                          &rank, &shape))
      fail(qforge_last_error());
    t.shape.assign(shape, shape + rank);
    for (int32_t d = 0; d < rank; ++d) {
      const char *dim = shape[d] >= 0 ? nullptr
                        : inputs      ? qforge_input_dim_name(model, i, d)
                                      : qforge_output_dim_name(model, i, d);
      t.dims.push_back(dim ? dim : "?");
    }
    out.push_back(std::move(t));
  }
  return out;
}

/// Splits "NAME=FILE" when NAME is one of `names`; otherwise the whole
/// argument is a file (paths may contain '=').
std::pair<std::string, std::string>
splitNamed(llvm::StringRef arg, const std::vector<TensorInfo> &tensors) {
  auto [name, file] = arg.split('=');
  if (!file.empty() && llvm::any_of(tensors, [&, n = name](const TensorInfo &t) {
        return t.name == n;
      }))
    return {name.str(), file.str()};
  return {"", arg.str()};
}

std::vector<NpyArray> readArrays(llvm::StringRef path) {
  llvm::Expected<std::vector<NpyArray>> arrays =
      qforge::formats::readNpyOrNpz(path);
  if (!arrays)
    fail(llvm::toString(arrays.takeError()));
  return std::move(*arrays);
}

/// Checks `array` (read from `file`) against input `index`.
void checkInput(const NpyArray &array, llvm::StringRef file, size_t index,
                const TensorInfo &want) {
  std::string what = describe("input", index, want);
  std::string expected =
      npyName(want.dtype) + " " + shapeText(want.shape, want.dims);
  auto type = npyType(want.dtype);
  if (!type)
    fail(what + " is bfloat16, which .npy files cannot hold");
  if (array.kind != type->first || array.itemSize != type->second)
    fail(llvm::formatv("{0}: {1} must be {2}, got {3} {4}", file, what,
                       expected, array.dtypeName(), shapeText(array.shape)));
  // Dynamic dimensions take any size here; the runtime checks that those
  // sharing a name agree.
  bool matches = array.shape.size() == want.shape.size();
  for (size_t d = 0; matches && d < want.shape.size(); ++d)
    matches = want.shape[d] < 0 || want.shape[d] == array.shape[d];
  if (!matches)
    fail(llvm::formatv("{0}: {1} must have shape {2}, got {3}", file, what,
                       shapeText(want.shape, want.dims),
                       shapeText(array.shape)));
}

/// Reads the inputs named by --input, in signature order.
std::vector<NpyArray> readInputs(const std::vector<TensorInfo> &inputs) {
  std::vector<std::optional<NpyArray>> slots(inputs.size());
  std::vector<std::string> sources(inputs.size());
  auto place = [&](size_t i, NpyArray array, const std::string &file) {
    if (slots[i])
      fail(llvm::formatv("{0} is given twice ('{1}' and '{2}')",
                         describe("input", i, inputs[i]), sources[i], file));
    checkInput(array, file, i, inputs[i]);
    slots[i] = std::move(array);
    sources[i] = file;
  };

  size_t next = 0;
  for (const std::string &arg : inputFiles) {
    auto [name, file] = splitNamed(arg, inputs);
    bool isNpz = llvm::StringRef(file).ends_with(".npz");
    if (isNpz && name.empty()) {
      // One archive for all inputs, arrays named after them.
      std::vector<NpyArray> arrays = readArrays(file);
      std::vector<std::string> have;
      for (const NpyArray &a : arrays)
        have.push_back("'" + a.name + "'");
      for (const NpyArray &a : arrays)
        if (llvm::none_of(inputs,
                          [&](const TensorInfo &t) { return t.name == a.name; }))
          fail(llvm::formatv("{0}: array '{1}' is not an input of the model",
                             file, a.name));
      for (size_t i = 0; i < inputs.size(); ++i) {
        auto it = llvm::find_if(
            arrays, [&](const NpyArray &a) { return a.name == inputs[i].name; });
        if (it == arrays.end())
          fail(llvm::formatv("{0}: no array named '{1}' for {2} ({3} {4}); "
                             "the archive has {5}",
                             file, inputs[i].name,
                             describe("input", i, inputs[i]),
                             npyName(inputs[i].dtype),
                             shapeText(inputs[i].shape, inputs[i].dims),
                             have.empty() ? std::string("no arrays")
                                          : llvm::join(have, ", ")));
        place(i, std::move(*it), file);
      }
      next = inputs.size();
      continue;
    }
    std::vector<NpyArray> arrays = readArrays(file);
    if (arrays.size() != 1)
      fail(llvm::formatv("{0}: holds {1} arrays; name the input as NAME={0} "
                         "only for a one-array file, or give the .npz alone",
                         file, arrays.size()));
    size_t index;
    if (!name.empty()) {
      index = llvm::find_if(inputs, [&](const TensorInfo &t) {
                return t.name == name;
              }) - inputs.begin();
    } else {
      while (next < inputs.size() && slots[next])
        ++next;
      if (next == inputs.size())
        fail(llvm::formatv("too many inputs: the model takes {0} ({1} is "
                           "extra)",
                           inputs.size(), file));
      index = next;
    }
    place(index, std::move(arrays.front()), file);
  }

  std::vector<NpyArray> out;
  std::vector<std::string> missing;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!slots[i]) {
      missing.push_back(llvm::formatv("{0}: {1} {2}",
                                      describe("input", i, inputs[i]),
                                      npyName(inputs[i].dtype),
                                      shapeText(inputs[i].shape, inputs[i].dims)));
      continue;
    }
    out.push_back(std::move(*slots[i]));
  }
  if (!missing.empty())
    fail(llvm::formatv("the model takes {0} input{1}, {2} given; missing "
                       "{3}",
                       inputs.size(), inputs.size() == 1 ? "" : "s",
                       inputs.size() - missing.size(),
                       llvm::join(missing, "; ")));
  return out;
}

/// Where each output goes: a file per output (empty: not written), or one
/// archive.
struct OutputPlan {
  std::vector<std::string> files;
  std::string archive;
};

OutputPlan planOutputs(const std::vector<TensorInfo> &outputs) {
  OutputPlan plan;
  plan.files.resize(outputs.size());
  size_t next = 0;
  for (const std::string &arg : outputFiles) {
    auto [name, file] = splitNamed(arg, outputs);
    if (name.empty() && llvm::StringRef(file).ends_with(".npz")) {
      if (outputFiles.size() != 1)
        fail("an .npz output holds every output; give it as the only "
             "--output");
      plan.archive = file;
      return plan;
    }
    size_t index;
    if (!name.empty()) {
      index = llvm::find_if(outputs, [&](const TensorInfo &t) {
                return t.name == name;
              }) - outputs.begin();
    } else {
      while (next < outputs.size() && !plan.files[next].empty())
        ++next;
      if (next == outputs.size())
        fail(llvm::formatv("too many outputs: the model has {0} ({1} is "
                           "extra)",
                           outputs.size(), file));
      index = next;
    }
    if (!plan.files[index].empty())
      fail(llvm::formatv("{0} is written twice ('{1}' and '{2}')",
                         describe("output", index, outputs[index]),
                         plan.files[index], file));
    plan.files[index] = file;
  }
  return plan;
}

NpyArray makeArray(const TensorInfo &t, const std::vector<int64_t> &shape) {
  NpyArray a;
  a.name = t.name;
  auto type = npyType(t.dtype);
  if (!type)
    fail(describe("output", 0, t) + " is bfloat16, which .npy files cannot "
                                    "hold");
  a.kind = type->first;
  a.itemSize = type->second;
  a.shape = shape;
  a.data.assign(size_t(a.numElements()) * a.itemSize, 0);
  return a;
}

/// min / max / mean of a float32 or integer output, for the summary.
std::string summary(const NpyArray &a) {
  int64_t n = a.numElements();
  if (n == 0)
    return "empty";
  double lo = INFINITY, hi = -INFINITY, sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    double v;
    const char *p = a.data.data() + i * a.itemSize;
    if (a.kind == 'f' && a.itemSize == 4) {
      float f;
      std::memcpy(&f, p, 4);
      v = f;
    } else if (a.kind == 'i' && a.itemSize == 8) {
      int64_t x;
      std::memcpy(&x, p, 8);
      v = double(x);
    } else if (a.kind == 'i' && a.itemSize == 4) {
      int32_t x;
      std::memcpy(&x, p, 4);
      v = x;
    } else if (a.kind == 'i' && a.itemSize == 1) {
      v = int8_t(*p);
    } else if (a.kind == 'u' && a.itemSize == 1) {
      v = uint8_t(*p);
    } else {
      return "";
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
  }
  char text[96];
  std::snprintf(text, sizeof text, "min %g max %g mean %g", lo, hi, sum / n);
  return text;
}

int run() {
  std::unique_ptr<qforge_model, void (*)(qforge_model *)> model(
      qforge_load(artifactPath.c_str()), qforge_free);
  if (!model)
    fail(qforge_last_error());
  qforge_set_threads(model.get(), threads);
  std::vector<TensorInfo> inputs = signature(model.get(), true);
  std::vector<TensorInfo> outputs = signature(model.get(), false);

  if (printSignature) {
    llvm::outs() << "model '" << qforge_model_name(model.get()) << "'\n";
    for (size_t i = 0; i < inputs.size(); ++i)
      llvm::outs() << "  " << describe("input", i, inputs[i]) << ": "
                   << npyName(inputs[i].dtype) << " "
                   << shapeText(inputs[i].shape, inputs[i].dims) << "\n";
    for (size_t i = 0; i < outputs.size(); ++i)
      llvm::outs() << "  " << describe("output", i, outputs[i]) << ": "
                   << npyName(outputs[i].dtype) << " "
                   << shapeText(outputs[i].shape, outputs[i].dims) << "\n";
    return 0;
  }

  // Everything is checked before the model runs or a file is written.
  std::vector<NpyArray> inArrays = readInputs(inputs);
  OutputPlan plan = planOutputs(outputs);
  // Temporaries of a killed earlier run writing to the same folders.
  std::vector<std::string> destinations = plan.files;
  destinations.push_back(plan.archive);
  qforge::removeStaleOutputTemps(destinations);
  std::vector<qforge_tensor> in, out;
  for (size_t i = 0; i < inputs.size(); ++i)
    in.push_back({inArrays[i].data.data(), inputs[i].dtype,
                  int32_t(inArrays[i].shape.size()), inArrays[i].shape.data()});
  // Output shapes for these inputs (dynamic dimensions bound by them; the
  // runtime names an input whose dynamic sizes disagree).
  std::vector<NpyArray> outArrays;
  for (size_t i = 0; i < outputs.size(); ++i) {
    std::vector<int64_t> shape(outputs[i].shape.size());
    if (qforge_output_shape(model.get(), in.data(), int32_t(in.size()),
                            int32_t(i), shape.data()))
      fail(qforge_last_error());
    outArrays.push_back(makeArray(outputs[i], shape));
  }
  for (size_t i = 0; i < outputs.size(); ++i)
    out.push_back({outArrays[i].data.data(), outputs[i].dtype,
                   int32_t(outArrays[i].shape.size()),
                   outArrays[i].shape.data()});
  auto once = [&] {
    if (qforge_run(model.get(), in.data(), int32_t(in.size()), out.data(),
                   int32_t(out.size())))
      fail(qforge_last_error());
  };
  // The artifact may write to its inputs (the compiled code owns its
  // arguments), so timed runs work on copies and the outputs written are
  // those of a run on the inputs as read.
  std::vector<NpyArray> pristine;
  if (benchRuns > 0)
    pristine = inArrays;
  once();
  std::vector<NpyArray> results = outArrays;

  if (benchRuns > 0) {
    for (unsigned i = 0; i < warmupRuns; ++i)
      once();
    std::vector<double> seconds;
    for (unsigned i = 0; i < benchRuns; ++i) {
      for (size_t j = 0; j < inArrays.size(); ++j)
        std::copy(pristine[j].data.begin(), pristine[j].data.end(),
                  inArrays[j].data.begin());
      auto start = std::chrono::steady_clock::now();
      once();
      auto stop = std::chrono::steady_clock::now();
      seconds.push_back(std::chrono::duration<double>(stop - start).count());
    }
    std::sort(seconds.begin(), seconds.end());
    double median = seconds[seconds.size() / 2];
    if (seconds.size() % 2 == 0)
      median = (median + seconds[seconds.size() / 2 - 1]) / 2;
    bool tokens = !inputs.empty() && (inputs[0].dtype == QFORGE_I32 ||
                                      inputs[0].dtype == QFORGE_I64);
    double items = 1;
    if (!inputs.empty())
      items = tokens ? double(inArrays[0].numElements())
                     : (inArrays[0].shape.empty()
                            ? 1.0
                            : double(inArrays[0].shape[0]));
    llvm::outs() << llvm::formatv(
        "bench: {0} runs after {1} warm-up, threads {2}: median {3:f3} ms "
        "(min {4:f3}, max {5:f3}), {6:f1} {7}/s\n",
        benchRuns, warmupRuns, threads, median * 1e3, seconds.front() * 1e3,
        seconds.back() * 1e3, items / median, tokens ? "tokens" : "samples");
  }

  if (!plan.archive.empty()) {
    if (llvm::Error e = qforge::formats::writeNpz(plan.archive, results))
      fail(plan.archive + ": cannot write: " + llvm::toString(std::move(e)));
  }
  bool wroteAny = !plan.archive.empty();
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (plan.files[i].empty())
      continue;
    wroteAny = true;
    if (llvm::Error e = qforge::formats::writeNpy(plan.files[i], results[i]))
      fail(plan.files[i] + ": cannot write: " + llvm::toString(std::move(e)));
  }
  if (!wroteAny && benchRuns == 0)
    for (size_t i = 0; i < outputs.size(); ++i)
      llvm::outs() << describe("output", i, outputs[i]) << ": "
                   << npyName(outputs[i].dtype) << " "
                   << shapeText(outputs[i].shape) << " "
                   << summary(results[i]) << "\n";
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  qforge::ignoreFileSizeLimitSignal();
  if (cl::Option *theirs = cl::getRegisteredOptions().lookup("threads"))
    theirs->removeArgument();
  cl::opt<int, /*ExternalStorage=*/true> threadsOption(
      "threads",
      cl::desc("Threads for the model's kernels (0: all cores; recorded by "
               "the runtime, the reference lowering is single-threaded)"),
      cl::value_desc("T"), cl::location(threads), cl::init(0),
      cl::cat(category));
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qforge-run: run an artifact written by qforge-compile on numpy arrays\n\n"
      "  qforge-run out/mlp.so --input x.npy --output y.npy\n"
      "  qforge-run out/lm.so --input tokens=t.npy --input mask=m.npy -o out.npz\n"
      "  qforge-run out/mlp.so --input inputs.npz --bench 100\n"
      "  qforge-run out/mlp.so --signature\n\n"
      "Inputs must match the artifact's signature exactly (count, dtype, "
      "shape); a mismatch is an error naming the input and the expected "
      "shape, and nothing runs. Outputs are written only after a successful "
      "run, each through a temporary file.\n");
  try {
    return run();
  } catch (const RunError &e) {
    llvm::WithColor::error(llvm::errs(), "qforge-run") << e.message << "\n";
    return 1;
  }
}
