//===- qforge.hpp - C++ API: load and run a compiled QForge model -*- C++ -*-===//
//
// A header-only C++17 wrapper over the C runtime (qforge.h): RAII ownership
// of the loaded artifact, the signature as plain structs, runs on caller
// buffers (checked element counts and dtypes) or on owned output tensors,
// and errors as qforge::Error exceptions. No LLVM or MLIR; link
// libqforge_runtime (QForge::qforge_runtime) only.
//
//   qforge::Model model("out/mlp.so");
//   std::vector<float> x(model.input(0).numElements());
//   std::vector<qforge::Tensor> y = model.run({qforge::View(x)});
//   const float *logits = y[0].data<float>();
//
//   std::vector<float> out(model.output(0).numElements());
//   model.run({qforge::View(x)}, {qforge::MutableView(out)});   // no allocation
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_C_QFORGE_HPP
#define QFORGE_C_QFORGE_HPP

#include "qforge-c/qforge.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace qforge {

/// Every failure of the runtime: the message is the C API's error text
/// (which names the tensor and the expected shape for a bad call).
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class DType : int {
  F32 = QFORGE_F32,
  F16 = QFORGE_F16,
  BF16 = QFORGE_BF16,
  I8 = QFORGE_I8,
  U8 = QFORGE_U8,
  I32 = QFORGE_I32,
  I64 = QFORGE_I64
};

inline const char *dtypeName(DType dtype) {
  return qforge_dtype_name(static_cast<qforge_dtype>(dtype));
}

inline size_t dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I8:
  case DType::U8:
    return 1;
  case DType::I64:
    return 8;
  }
  return 0;
}

/// The dtype of a C++ element type; 16-bit floats have no C++ type here,
/// so their views name the dtype explicitly.
template <typename T> struct DTypeOf;
template <> struct DTypeOf<float> {
  static constexpr DType value = DType::F32;
};
template <> struct DTypeOf<int8_t> {
  static constexpr DType value = DType::I8;
};
template <> struct DTypeOf<uint8_t> {
  static constexpr DType value = DType::U8;
};
template <> struct DTypeOf<int32_t> {
  static constexpr DType value = DType::I32;
};
template <> struct DTypeOf<int64_t> {
  static constexpr DType value = DType::I64;
};

inline std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// Name, dtype and shape of one input or output.
struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;

  /// -1 for a dynamic dimension, named in `dims`.
  std::vector<std::string> dims;

  bool isDynamic() const {
    for (int64_t d : shape)
      if (d < 0)
        return true;
    return false;
  }
  /// Only meaningful for static shapes.
  int64_t numElements() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
  size_t byteSize() const { return size_t(numElements()) * dtypeSize(dtype); }
};

inline int64_t product(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// A read-only run of elements (a span): what an input is made from. Its
/// shape is the signature's unless given; a model with dynamic dimensions
/// needs it given.
class View {
public:
  View(const void *data, DType dtype, size_t numElements)
      : data_(data), dtype_(dtype), count_(numElements) {}
  View(const void *data, DType dtype, std::vector<int64_t> shape)
      : data_(data), dtype_(dtype), count_(size_t(product(shape))),
        shape_(std::move(shape)) {}
  template <typename T>
  View(const T *data, size_t numElements)
      : View(data, DTypeOf<std::remove_cv_t<T>>::value, numElements) {}
  template <typename T>
  View(const T *data, std::vector<int64_t> shape)
      : View(data, DTypeOf<std::remove_cv_t<T>>::value, std::move(shape)) {}
  template <typename T, typename A>
  View(const std::vector<T, A> &v) : View(v.data(), v.size()) {}

  const void *data() const { return data_; }
  DType dtype() const { return dtype_; }
  size_t size() const { return count_; }
  /// Empty when not given.
  const std::vector<int64_t> &shape() const { return shape_; }

private:
  const void *data_;
  DType dtype_;
  size_t count_;
  std::vector<int64_t> shape_;
};

/// A writable run of elements: a caller-owned output buffer.
class MutableView {
public:
  MutableView(void *data, DType dtype, size_t numElements)
      : data_(data), dtype_(dtype), count_(numElements) {}
  template <typename T>
  MutableView(T *data, size_t numElements)
      : MutableView(data, DTypeOf<T>::value, numElements) {}
  template <typename T, typename A>
  MutableView(std::vector<T, A> &v) : MutableView(v.data(), v.size()) {}

  void *data() const { return data_; }
  DType dtype() const { return dtype_; }
  size_t size() const { return count_; }

private:
  void *data_;
  DType dtype_;
  size_t count_;
};

/// An owned tensor (what Model::run returns): the signature's info and
/// row-major bytes.
class Tensor {
public:
  explicit Tensor(TensorInfo info)
      : info_(std::move(info)), words_((info_.byteSize() + 7) / 8) {}

  const TensorInfo &info() const { return info_; }
  const std::vector<int64_t> &shape() const { return info_.shape; }
  DType dtype() const { return info_.dtype; }
  size_t size() const { return size_t(info_.numElements()); }

  /// Typed access; throws if T is not the tensor's dtype.
  template <typename T> const T *data() const {
    check<T>();
    return reinterpret_cast<const T *>(words_.data());
  }
  template <typename T> T *data() {
    check<T>();
    return reinterpret_cast<T *>(words_.data());
  }
  template <typename T> std::vector<T> toVector() const {
    const T *p = data<T>();
    return std::vector<T>(p, p + size());
  }
  void *raw() { return words_.data(); }
  const void *raw() const { return words_.data(); }

private:
  template <typename T> void check() const {
    if (DTypeOf<T>::value != info_.dtype)
      throw Error("tensor '" + info_.name + "' is " + dtypeName(info_.dtype) +
                  ", not " + dtypeName(DTypeOf<T>::value));
  }

  TensorInfo info_;
  // 8-byte words: aligned for every dtype.
  std::vector<uint64_t> words_;
};

/// A loaded artifact. Movable, not copyable; unloads on destruction.
class Model {
public:
  /// Loads `path` (an artifact written by qforge-compile); throws Error if
  /// it is missing, not an artifact, or of an incompatible format version.
  explicit Model(const std::string &path) : model_(qforge_load(path.c_str())) {
    if (!model_)
      throw Error(qforge_last_error());
    name_ = qforge_model_name(model_);
    readSignature(true, inputs_);
    readSignature(false, outputs_);
  }
  Model(Model &&other) noexcept
      : model_(std::exchange(other.model_, nullptr)),
        name_(std::move(other.name_)), inputs_(std::move(other.inputs_)),
        outputs_(std::move(other.outputs_)) {}
  Model &operator=(Model &&other) noexcept {
    if (this != &other) {
      qforge_free(model_);
      model_ = std::exchange(other.model_, nullptr);
      name_ = std::move(other.name_);
      inputs_ = std::move(other.inputs_);
      outputs_ = std::move(other.outputs_);
    }
    return *this;
  }
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;
  ~Model() { qforge_free(model_); }

  const std::string &name() const { return name_; }
  const std::vector<TensorInfo> &inputs() const { return inputs_; }
  const std::vector<TensorInfo> &outputs() const { return outputs_; }
  const TensorInfo &input(size_t i) const { return at(inputs_, i, "input"); }
  const TensorInfo &output(size_t i) const { return at(outputs_, i, "output"); }

  /// Threads for the kernels (0: all cores).
  void setThreads(int32_t threads) { qforge_set_threads(handle(), threads); }

  /// Runs on caller-owned buffers; each must hold exactly its tensor's
  /// element count of its dtype (inputs of a model with dynamic dimensions
  /// give their shapes; outputs get theirs from the inputs). Nothing runs on
  /// a mismatch.
  void run(const std::vector<View> &inputs,
           const std::vector<MutableView> &outputs) {
    checkCount(inputs.size(), inputs_.size(), "input");
    checkCount(outputs.size(), outputs_.size(), "output");
    std::vector<std::vector<int64_t>> inShapes = inputShapes(inputs);
    std::vector<qforge_tensor> in = cInputs(inputs, inShapes);
    std::vector<std::vector<int64_t>> outShapes;
    std::vector<qforge_tensor> out;
    for (size_t i = 0; i < outputs.size(); ++i)
      outShapes.push_back(outputShape(in, i));
    for (size_t i = 0; i < outputs.size(); ++i) {
      checkView(outputs[i].dtype(), outputs[i].size(), outputs_[i],
                outShapes[i], "output", i);
      out.push_back({outputs[i].data(),
                     static_cast<qforge_dtype>(outputs_[i].dtype),
                     int32_t(outShapes[i].size()), outShapes[i].data()});
    }
    if (qforge_run(handle(), in.data(), int32_t(in.size()), out.data(),
                   int32_t(out.size())))
      throw Error(qforge_last_error());
  }

  /// Runs and returns freshly allocated outputs (shaped for these inputs).
  std::vector<Tensor> run(const std::vector<View> &inputs) {
    checkCount(inputs.size(), inputs_.size(), "input");
    std::vector<std::vector<int64_t>> inShapes = inputShapes(inputs);
    std::vector<qforge_tensor> in = cInputs(inputs, inShapes);
    std::vector<Tensor> results;
    std::vector<MutableView> views;
    results.reserve(outputs_.size());
    for (size_t i = 0; i < outputs_.size(); ++i) {
      TensorInfo info = outputs_[i];
      info.shape = outputShape(in, i);
      results.emplace_back(info);
      views.emplace_back(results.back().raw(), info.dtype,
                         results.back().size());
    }
    run(inputs, views);
    return results;
  }

  /// The C handle, for calls the wrapper does not cover.
  qforge_model *handle() const {
    if (!model_)
      throw Error("use of a moved-from qforge::Model");
    return model_;
  }

private:
  void readSignature(bool isInput, std::vector<TensorInfo> &into) {
    int32_t n = isInput ? qforge_num_inputs(model_) : qforge_num_outputs(model_);
    for (int32_t i = 0; i < n; ++i) {
      TensorInfo t;
      qforge_dtype dtype;
      int32_t rank = 0;
      const int64_t *shape = nullptr;
      int32_t rc = isInput ? qforge_input_info(model_, i, &dtype, &rank, &shape)
                           : qforge_output_info(model_, i, &dtype, &rank, &shape);
      if (rc)
        throw Error(qforge_last_error());
      t.name = isInput ? qforge_input_name(model_, i)
                       : qforge_output_name(model_, i);
      t.dtype = static_cast<DType>(dtype);
      t.shape.assign(shape, shape + rank);
      for (int32_t d = 0; d < rank; ++d) {
        const char *dim = shape[d] >= 0 ? nullptr
                          : isInput     ? qforge_input_dim_name(model_, i, d)
                                        : qforge_output_dim_name(model_, i, d);
        t.dims.push_back(dim ? dim : "");
      }
      into.push_back(std::move(t));
    }
  }

  static const TensorInfo &at(const std::vector<TensorInfo> &list, size_t i,
                              const char *kind) {
    if (i >= list.size())
      throw Error(std::string(kind) + " " + std::to_string(i) +
                  " is out of range (the model has " +
                  std::to_string(list.size()) + ")");
    return list[i];
  }

  void checkCount(size_t given, size_t want, const char *kind) const {
    if (given != want)
      throw Error("model '" + name_ + "' takes " + std::to_string(want) + " " +
                  kind + (want == 1 ? "" : "s") + ", got " +
                  std::to_string(given));
  }

  static std::string describe(const char *kind, size_t i,
                              const TensorInfo &t) {
    return std::string(kind) + " " + std::to_string(i) + " ('" + t.name + "')";
  }

  static std::string shapeWithNames(const TensorInfo &t) {
    std::string s = "[";
    for (size_t d = 0; d < t.shape.size(); ++d)
      s += (d ? ", " : "") + (t.shape[d] < 0 ? t.dims[d]
                                             : std::to_string(t.shape[d]));
    return s + "]";
  }

  /// Each input's shape: the view's, checked against the signature's static
  /// dimensions, or the signature's when static.
  std::vector<std::vector<int64_t>>
  inputShapes(const std::vector<View> &inputs) const {
    std::vector<std::vector<int64_t>> shapes;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const TensorInfo &want = inputs_[i];
      std::vector<int64_t> shape = inputs[i].shape();
      if (shape.empty() && !want.isDynamic())
        shape = want.shape;
      if (shape.empty())
        throw Error(describe("input", i, want) + " has dynamic dimensions " +
                    shapeWithNames(want) + ": give its shape with the View");
      bool ok = shape.size() == want.shape.size();
      for (size_t d = 0; ok && d < shape.size(); ++d)
        ok = want.shape[d] < 0 || want.shape[d] == shape[d];
      if (!ok)
        throw Error(describe("input", i, want) + " must have shape " +
                    shapeWithNames(want) + ", got " + shapeString(shape));
      checkView(inputs[i].dtype(), inputs[i].size(), want, shape, "input", i);
      shapes.push_back(std::move(shape));
    }
    return shapes;
  }

  std::vector<qforge_tensor>
  cInputs(const std::vector<View> &inputs,
          const std::vector<std::vector<int64_t>> &shapes) const {
    std::vector<qforge_tensor> in;
    for (size_t i = 0; i < inputs.size(); ++i)
      in.push_back({const_cast<void *>(inputs[i].data()),
                    static_cast<qforge_dtype>(inputs_[i].dtype),
                    int32_t(shapes[i].size()), shapes[i].data()});
    return in;
  }

  /// Output i's shape for these inputs (the runtime binds the dynamic
  /// dimensions and names an input whose sizes disagree).
  std::vector<int64_t> outputShape(const std::vector<qforge_tensor> &in,
                                   size_t i) const {
    std::vector<int64_t> shape(outputs_[i].shape.size());
    if (qforge_output_shape(handle(), in.data(), int32_t(in.size()),
                            int32_t(i), shape.data()))
      throw Error(qforge_last_error());
    return shape;
  }

  static void checkView(DType dtype, size_t count, const TensorInfo &want,
                        const std::vector<int64_t> &shape, const char *kind,
                        size_t i) {
    std::string what = describe(kind, i, want);
    if (dtype != want.dtype)
      throw Error(what + " must be " + dtypeName(want.dtype) + " " +
                  shapeString(shape) + ", got " + dtypeName(dtype));
    if (count != size_t(product(shape)))
      throw Error(what + " must have shape " + shapeString(shape) + " (" +
                  std::to_string(product(shape)) + " elements), got " +
                  std::to_string(count) + " elements");
  }

  qforge_model *model_;
  std::string name_;
  std::vector<TensorInfo> inputs_, outputs_;
};

} // namespace qforge

#endif // QFORGE_C_QFORGE_HPP
