//===- Runtime.cpp - Load and run compiled artifacts (C API) -------------===//
//
// Deliberately free of LLVM/MLIR: it is what ships next to an artifact.
//
//===----------------------------------------------------------------------===//

#include "qforge-c/qforge.h"
#include "qforge-c/qforge_errors.h"
#include "qforge-c/qforge_errors.hpp"

#include "ArtifactPool.h"
#include "Manifest.h"

#include <dlfcn.h>
#include <elf.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

namespace {

thread_local std::string lastError;

struct TensorInfo {
  std::string name;
  qforge_dtype dtype;
  std::vector<int64_t> shape;        ///< -1 for a dynamic dimension
  std::vector<std::string> dimNames; ///< per dimension; "" when static
};

constexpr const char *kDTypeNames[] = {"f32", "f16", "bf16", "i8",
                                       "u8",  "i32", "i64"};
/// Version 1: static shapes only. Version 2: a dimension may be `?NAME`,
/// dynamic, bound from the inputs at run time (the same size wherever NAME
/// appears).
constexpr int kFormatVersion = 2;

bool parseDType(const std::string &text, qforge_dtype &out) {
  for (int i = 0; i < 7; ++i)
    if (text == kDTypeNames[i]) {
      out = static_cast<qforge_dtype>(i);
      return true;
    }
  return false;
}

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

/// The signature's shape, dynamic dimensions by name: [batch, 64].
std::string shapeText(const TensorInfo &t) {
  std::string out = "[";
  for (size_t i = 0; i < t.shape.size(); ++i)
    out += (i ? ", " : "") +
           (t.shape[i] < 0 ? t.dimNames[i] : std::to_string(t.shape[i]));
  return out + "]";
}

int32_t fail(const std::string &message) {
  lastError = message;
  return -1;
}

/// Why the file at `path` cannot be a whole 64-bit ELF shared library, or
/// "" when it can: dlopen maps the segments its program headers name, and a
/// file shorter than they say (a truncated copy, a full disk) faults with
/// SIGBUS inside dlopen instead of failing.
std::string whyNotWholeElf(const char *path) {
  FILE *file = std::fopen(path, "rb");
  if (!file)
    return std::string("cannot open it: ") + std::strerror(errno);
  std::string why;
  Elf64_Ehdr header;
  if (std::fseek(file, 0, SEEK_END) != 0) {
    why = "cannot read it";
  } else {
    long size = std::ftell(file);
    std::rewind(file);
    auto within = [&](uint64_t offset, uint64_t bytes) {
      return size >= 0 && offset <= uint64_t(size) &&
             bytes <= uint64_t(size) - offset;
    };
    if (std::fread(&header, sizeof header, 1, file) != 1 ||
        std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
        header.e_ident[EI_CLASS] != ELFCLASS64)
      why = "not a 64-bit ELF file";
    else if (header.e_phentsize != sizeof(Elf64_Phdr) ||
             !within(header.e_phoff,
                     uint64_t(header.e_phnum) * sizeof(Elf64_Phdr)))
      why = "truncated (its program headers lie past the end of the file)";
    else if (header.e_shnum &&
             !within(header.e_shoff, uint64_t(header.e_shnum) *
                                         uint64_t(header.e_shentsize)))
      why = "truncated (its section headers lie past the end of the file)";
    for (unsigned i = 0; why.empty() && i < header.e_phnum; ++i) {
      Elf64_Phdr segment;
      if (std::fseek(file, long(header.e_phoff + i * sizeof segment),
                     SEEK_SET) != 0 ||
          std::fread(&segment, sizeof segment, 1, file) != 1)
        why = "cannot read its program headers";
      else if (segment.p_type == PT_LOAD &&
               !within(segment.p_offset, segment.p_filesz))
        why = "truncated (a loadable segment runs past the end of the file)";
    }
  }
  std::fclose(file);
  return why;
}

/// The first error the generated code reported in the run on this thread
/// (qforge_errors.h); empty when none.
thread_local std::string runError;

void onIndexError(int64_t index, int64_t size) {
  if (runError.empty())
    runError = qforge::indexErrorMessage(index, size);
}

void onShapeError(int64_t output, int64_t dim, int64_t computed,
                  int64_t declared) {
  if (runError.empty())
    runError = qforge::shapeErrorMessage(output, dim, computed, declared);
}

} // namespace

struct qforge_model {
  void *handle = nullptr;
  void (*entry)(void **) = nullptr;
  std::string name;
  std::vector<TensorInfo> inputs, outputs;
  int32_t threads = 0;
  bool pool = false; ///< attached to the library's kernel pool
};

namespace {

/// Parses the text qforge-compile embeds as `qforge_model_info`.
bool parseInfo(const char *text, qforge_model &model, std::string &error) {
  std::istringstream in(text);
  std::string line;
  int lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    std::istringstream fields(line);
    std::string kind;
    fields >> kind;
    if (lineNo == 1) {
      int version = 0;
      if (kind != "qforge-artifact" || !(fields >> version)) {
        error = "not a QForge artifact (bad signature header)";
        return false;
      }
      if (version < 1 || version > kFormatVersion) {
        error = "artifact format version " + std::to_string(version) +
                " is not supported by this runtime (version " +
                std::to_string(kFormatVersion) + "); recompile it";
        return false;
      }
      continue;
    }
    if (kind == "name") {
      fields >> model.name;
      continue;
    }
    if (kind != "input" && kind != "output") {
      if (kind.empty())
        continue;
      error = "unknown signature record '" + kind + "'";
      return false;
    }
    TensorInfo t;
    std::string dtype;
    int rank = -1;
    if (!(fields >> t.name >> dtype >> rank) || rank < 0 ||
        !parseDType(dtype, t.dtype)) {
      error = "malformed signature line " + std::to_string(lineNo);
      return false;
    }
    t.shape.resize(rank);
    t.dimNames.resize(rank);
    for (int d = 0; d < rank; ++d) {
      std::string field;
      bool ok = bool(fields >> field) && !field.empty();
      if (ok && field[0] == '?') {
        // Dynamic: only outputs' names must be bound by some input.
        t.shape[d] = -1;
        t.dimNames[d] = field.substr(1);
        ok = !t.dimNames[d].empty();
      } else if (ok) {
        char *end = nullptr;
        long long v = std::strtoll(field.c_str(), &end, 10);
        ok = *end == '\0' && v >= 0;
        t.shape[d] = v;
      }
      if (!ok) {
        error = "malformed shape on signature line " + std::to_string(lineNo);
        return false;
      }
    }
    (kind == "input" ? model.inputs : model.outputs).push_back(std::move(t));
  }
  if (lineNo == 0) {
    error = "empty artifact signature";
    return false;
  }
  // Every dynamic output dimension must be bound by an input.
  for (const TensorInfo &o : model.outputs)
    for (const std::string &name : o.dimNames) {
      bool bound = name.empty();
      for (const TensorInfo &i : model.inputs)
        for (const std::string &n : i.dimNames)
          bound |= n == name;
      if (!bound) {
        error = "output '" + o.name + "' has a dynamic dimension '" + name +
                "' that no input binds";
        return false;
      }
    }
  return true;
}

/// An MLIR strided memref descriptor of any rank, laid out as the C
/// interface expects: {T *allocated, *aligned; int64_t offset, sizes[r],
/// strides[r]}.
std::vector<int64_t> descriptor(void *data, const std::vector<int64_t> &shape) {
  size_t rank = shape.size();
  std::vector<int64_t> d(3 + 2 * rank);
  std::memcpy(&d[0], &data, sizeof(void *));
  std::memcpy(&d[1], &data, sizeof(void *));
  d[2] = 0;
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    d[3 + i] = shape[i];
    d[3 + rank + i] = stride;
    stride *= shape[i];
  }
  return d;
}

/// Dynamic dimension name -> size, bound from the inputs of one call.
using Bindings = std::vector<std::pair<std::string, int64_t>>;

const int64_t *lookupBinding(const Bindings &bindings, const std::string &n) {
  for (const auto &[name, size] : bindings)
    if (name == n)
      return &size;
  return nullptr;
}

/// Checks one tensor against the signature. Inputs bind their dynamic
/// dimensions (`bind`); a name already bound, and every output dimension,
/// must have the bound size.
int32_t checkTensor(const qforge_tensor &given, const TensorInfo &want,
                    const char *kind, int32_t index, Bindings &bindings,
                    bool bind) {
  std::string what = std::string(kind) + " " + std::to_string(index) + " ('" +
                     want.name + "')";
  if (!given.data)
    return fail(what + " has no data");
  if (given.dtype != want.dtype)
    return fail(what + " must be " + kDTypeNames[want.dtype] + ", got " +
                qforge_dtype_name(given.dtype));
  std::vector<int64_t> shape;
  if (given.rank >= 0 && (given.rank == 0 || given.shape))
    shape.assign(given.shape, given.shape + given.rank);
  bool ok = shape.size() == want.shape.size();
  for (size_t d = 0; ok && d < shape.size(); ++d)
    ok = want.shape[d] < 0 ? shape[d] >= 0 : shape[d] == want.shape[d];
  if (!ok)
    return fail(what + " must have shape " + shapeText(want) + ", got " +
                shapeText(shape));
  for (size_t d = 0; d < shape.size(); ++d) {
    if (want.shape[d] >= 0)
      continue;
    const std::string &name = want.dimNames[d];
    if (const int64_t *bound = lookupBinding(bindings, name)) {
      if (*bound != shape[d])
        return fail(what + " must have shape " + shapeText(want) + " with " +
                    name + " = " + std::to_string(*bound) +
                    " (as bound by the inputs before it), got " +
                    shapeText(shape));
    } else if (bind) {
      bindings.emplace_back(name, shape[d]);
    } else {
      return fail(what + ": dimension '" + name + "' is not bound by any input");
    }
  }
  return 0;
}

/// Binds the dynamic dimensions from the inputs, checking each input.
int32_t bindInputs(const qforge_model &m, const qforge_tensor *inputs,
                   int32_t numInputs, Bindings &bindings);

} // namespace

namespace {
int32_t bindInputs(const qforge_model &m, const qforge_tensor *inputs,
                   int32_t numInputs, Bindings &bindings) {
  if (numInputs != int32_t(m.inputs.size()))
    return fail("model '" + m.name + "' takes " +
                std::to_string(m.inputs.size()) + " inputs, got " +
                std::to_string(numInputs));
  if (numInputs && !inputs)
    return fail("model '" + m.name + "': null inputs");
  for (int32_t i = 0; i < numInputs; ++i)
    if (checkTensor(inputs[i], m.inputs[i], "input", i, bindings, true))
      return -1;
  return 0;
}
} // namespace

extern "C" {

const char *qforge_last_error(void) { return lastError.c_str(); }

const char *qforge_dtype_name(qforge_dtype dtype) {
  int i = static_cast<int>(dtype);
  return i >= 0 && i < 7 ? kDTypeNames[i] : "unknown";
}

qforge_model *qforge_load(const char *path) {
  if (!path) {
    fail("qforge_load: null path");
    return nullptr;
  }
  // A name without '/' is a soname the dynamic loader looks up in the
  // system's library directories, not a file to check here. A file is
  // checked against its manifest first (the set qforge-compile published:
  // its size and SHA-256, Manifest.h), then as an ELF file whose segments
  // all lie within it.
  if (std::strchr(path, '/')) {
    std::string why = qforge::runtime::checkManifest(path);
    if (why.empty())
      why = whyNotWholeElf(path);
    if (!why.empty()) {
      fail(std::string("cannot load '") + path + "': " + why);
      return nullptr;
    }
  }
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    fail(std::string("cannot load '") + path + "': " + (why ? why : "?"));
    return nullptr;
  }
  auto *info = static_cast<const char *>(dlsym(handle, "qforge_model_info"));
  auto entry = reinterpret_cast<void (*)(void **)>(dlsym(handle, "qforge_entry"));
  if (!info || !entry) {
    dlclose(handle);
    fail(std::string("'") + path +
         "' is not a QForge artifact (no qforge_model_info/qforge_entry)");
    return nullptr;
  }
  auto *model = new qforge_model;
  model->handle = handle;
  model->entry = entry;
  std::string error;
  if (!parseInfo(info, *model, error)) {
    qforge_free(model);
    fail(std::string("'") + path + "': " + error);
    return nullptr;
  }
  const char *poolError = nullptr;
  if (!qforge::runtime::attachPool(handle, &poolError)) {
    qforge_free(model);
    fail(std::string("'") + path + "': " + poolError);
    return nullptr;
  }
  model->pool = true;
  if (void *hook = dlsym(handle, QFORGE_INDEX_ERROR_HOOK))
    *static_cast<qforge_index_error_fn *>(hook) = onIndexError;
  if (void *hook = dlsym(handle, QFORGE_SHAPE_ERROR_HOOK))
    *static_cast<qforge_shape_error_fn *>(hook) = onShapeError;
  return model;
}

void qforge_free(qforge_model *model) {
  if (!model)
    return;
  if (model->pool)
    qforge::runtime::detachPool(model->handle);
  if (model->handle)
    dlclose(model->handle);
  delete model;
}

const char *qforge_model_name(const qforge_model *m) {
  return m ? m->name.c_str() : nullptr;
}
int32_t qforge_num_inputs(const qforge_model *m) {
  return m ? int32_t(m->inputs.size()) : -1;
}
int32_t qforge_num_outputs(const qforge_model *m) {
  return m ? int32_t(m->outputs.size()) : -1;
}

static const TensorInfo *lookup(const std::vector<TensorInfo> &list, int32_t i) {
  return i >= 0 && size_t(i) < list.size() ? &list[i] : nullptr;
}

const char *qforge_input_name(const qforge_model *m, int32_t i) {
  const TensorInfo *t = m ? lookup(m->inputs, i) : nullptr;
  return t ? t->name.c_str() : nullptr;
}
const char *qforge_output_name(const qforge_model *m, int32_t i) {
  const TensorInfo *t = m ? lookup(m->outputs, i) : nullptr;
  return t ? t->name.c_str() : nullptr;
}

static int32_t info(const TensorInfo *t, qforge_dtype *dtype, int32_t *rank,
                    const int64_t **shape) {
  if (!t)
    return fail("tensor index out of range");
  if (dtype)
    *dtype = t->dtype;
  if (rank)
    *rank = int32_t(t->shape.size());
  if (shape)
    *shape = t->shape.data();
  return 0;
}

int32_t qforge_input_info(const qforge_model *m, int32_t i, qforge_dtype *dtype,
                          int32_t *rank, const int64_t **shape) {
  return info(m ? lookup(m->inputs, i) : nullptr, dtype, rank, shape);
}
int32_t qforge_output_info(const qforge_model *m, int32_t i,
                           qforge_dtype *dtype, int32_t *rank,
                           const int64_t **shape) {
  return info(m ? lookup(m->outputs, i) : nullptr, dtype, rank, shape);
}

static const char *dimName(const TensorInfo *t, int32_t d) {
  if (!t || d < 0 || size_t(d) >= t->shape.size() || t->shape[d] >= 0)
    return nullptr;
  return t->dimNames[d].c_str();
}

const char *qforge_input_dim_name(const qforge_model *m, int32_t i,
                                  int32_t dim) {
  return dimName(m ? lookup(m->inputs, i) : nullptr, dim);
}
const char *qforge_output_dim_name(const qforge_model *m, int32_t i,
                                   int32_t dim) {
  return dimName(m ? lookup(m->outputs, i) : nullptr, dim);
}

int32_t qforge_output_shape(const qforge_model *m, const qforge_tensor *inputs,
                            int32_t numInputs, int32_t i, int64_t *shape) {
  if (!m)
    return fail("qforge_output_shape: null model");
  const TensorInfo *t = lookup(m->outputs, i);
  if (!t)
    return fail("output index " + std::to_string(i) + " out of range");
  Bindings bindings;
  if (bindInputs(*m, inputs, numInputs, bindings))
    return -1;
  for (size_t d = 0; d < t->shape.size(); ++d)
    shape[d] = t->shape[d] >= 0 ? t->shape[d]
                                : *lookupBinding(bindings, t->dimNames[d]);
  return 0;
}

void qforge_set_threads(qforge_model *m, int32_t threads) {
  if (!m)
    return;
  m->threads = threads;
  if (m->pool)
    qforge::runtime::setPoolThreads(m->handle, threads);
}

int32_t qforge_run(qforge_model *m, const qforge_tensor *inputs,
                   int32_t numInputs, qforge_tensor *outputs,
                   int32_t numOutputs) {
  if (!m)
    return fail("qforge_run: null model");
  if (numInputs != int32_t(m->inputs.size()) ||
      numOutputs != int32_t(m->outputs.size()))
    return fail("model '" + m->name + "' takes " +
                std::to_string(m->inputs.size()) + " inputs and " +
                std::to_string(m->outputs.size()) + " outputs, got " +
                std::to_string(numInputs) + " and " +
                std::to_string(numOutputs));
  Bindings bindings;
  if (bindInputs(*m, inputs, numInputs, bindings))
    return -1;
  if (numOutputs && !outputs)
    return fail("model '" + m->name + "': null outputs");
  std::vector<std::vector<int64_t>> descriptors;
  for (int32_t i = 0; i < numInputs; ++i)
    descriptors.push_back(descriptor(
        inputs[i].data,
        std::vector<int64_t>(inputs[i].shape, inputs[i].shape + inputs[i].rank)));
  for (int32_t i = 0; i < numOutputs; ++i) {
    if (checkTensor(outputs[i], m->outputs[i], "output", i, bindings, false))
      return -1;
    descriptors.push_back(descriptor(
        outputs[i].data, std::vector<int64_t>(outputs[i].shape,
                                              outputs[i].shape + outputs[i].rank)));
  }
  std::vector<void *> args;
  for (auto &d : descriptors)
    args.push_back(d.data());
  runError.clear();
  m->entry(args.data());
  if (!runError.empty())
    return fail("model '" + m->name + "': " + runError +
                "; the outputs are not valid");
  return 0;
}

} // extern "C"
