//===- SafeTensors.cpp - Minimal safetensors reader/writer ---------------===//

#include "qforge/Support/InputFile.h"
#include "qforge/Support/OutputFile.h"
#include "qforge/Formats/FormatError.h"
#include "qforge/Formats/Json.h"
#include "qforge/Formats/Npy.h"
#include "qforge/Formats/SafeTensors.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SwapByteOrder.h"

#include <cstring>

static_assert(llvm::sys::IsLittleEndianHost,
              "tensor data is copied as is; big-endian hosts need swapping");

namespace qforge::formats {

unsigned safeTensorsDTypeSize(llvm::StringRef dtype) {
  return llvm::StringSwitch<unsigned>(dtype)
      .Cases({"BOOL", "U8", "I8", "F8_E4M3", "F8_E5M2"}, 1)
      .Cases({"I16", "U16", "F16", "BF16"}, 2)
      .Cases({"I32", "U32", "F32"}, 4)
      .Cases({"I64", "U64", "F64"}, 8)
      .Default(0);
}

int64_t SafeTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

SafeTensor SafeTensor::f32(std::vector<int64_t> shape,
                           const std::vector<float> &values) {
  SafeTensor t;
  t.dtype = "F32";
  t.shape = std::move(shape);
  t.data.resize(values.size() * sizeof(float));
  if (!values.empty())
    std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

SafeTensor SafeTensor::i64(std::vector<int64_t> shape,
                           const std::vector<int64_t> &values) {
  SafeTensor t;
  t.dtype = "I64";
  t.shape = std::move(shape);
  t.data.resize(values.size() * sizeof(int64_t));
  if (!values.empty())
    std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

std::vector<float> SafeTensor::toFloats() const {
  int64_t n = numElements();
  std::vector<float> out(n);
  auto convert = [&](auto tag) {
    using T = decltype(tag);
    if (data.size() != size_t(n) * sizeof(T))
      return false;
    for (int64_t i = 0; i < n; ++i) {
      T v;
      std::memcpy(&v, data.data() + i * sizeof(T), sizeof(T));
      out[i] = float(v);
    }
    return true;
  };
  bool ok = false;
  if (dtype == "F32")
    ok = convert(float());
  else if (dtype == "F64")
    ok = convert(double());
  else if (dtype == "I64")
    ok = convert(int64_t());
  else if (dtype == "I32")
    ok = convert(int32_t());
  return ok ? out : std::vector<float>();
}

const SafeTensor *SafeTensorsFile::find(llvm::StringRef name) const {
  for (const auto &[n, t] : tensors)
    if (n == name)
      return &t;
  return nullptr;
}

void writeSafeTensors(llvm::raw_ostream &os, const SafeTensorsFile &file) {
  llvm::json::Object header;
  if (!file.metadata.empty()) {
    llvm::json::Object meta;
    for (const auto &[k, v] : file.metadata)
      meta[k] = v;
    header["__metadata__"] = std::move(meta);
  }
  uint64_t offset = 0;
  for (const auto &[name, t] : file.tensors) {
    llvm::json::Array shape;
    for (int64_t d : t.shape)
      shape.push_back(d);
    uint64_t end = offset + t.data.size();
    header[name] = llvm::json::Object{
        {"dtype", t.dtype},
        {"shape", std::move(shape)},
        {"data_offsets", llvm::json::Array{int64_t(offset), int64_t(end)}}};
    offset = end;
  }
  std::string text = llvm::formatv("{0}", llvm::json::Value(std::move(header)));
  while (text.size() % 8)
    text.push_back(' ');
  char length[8];
  llvm::support::endian::write64le(length, text.size());
  os.write(length, 8);
  os << text;
  for (const auto &[name, t] : file.tensors)
    os.write(t.data.data(), t.data.size());
}

llvm::Error writeSafeTensorsFile(llvm::StringRef path,
                                 const SafeTensorsFile &file) {
  return writeOutputFile(path, [&](llvm::raw_ostream &os) {
    writeSafeTensors(os, file);
    return llvm::Error::success();
  });
}

llvm::Expected<SafeTensorsFile> parseSafeTensors(llvm::StringRef buffer,
                                                 llvm::StringRef what) {
  if (buffer.size() < 8)
    return formatError(what, llvm::formatv("not a safetensors file: {0} bytes, too "
                                    "short for the 8-byte header length",
                                    buffer.size()));
  uint64_t headerLength = llvm::support::endian::read64le(buffer.data());
  if (headerLength > buffer.size() - 8)
    return formatError(what, llvm::formatv("corrupt safetensors file: header length "
                                    "{0} exceeds the {1} bytes that follow",
                                    headerLength, buffer.size() - 8));
  llvm::StringRef headerText = buffer.substr(8, headerLength);
  llvm::StringRef data = buffer.substr(8 + headerLength);
  llvm::Expected<llvm::json::Value> json =
      parseJson(headerText, (what + ": corrupt safetensors header").str());
  if (!json)
    return json.takeError();
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return formatError(what, "corrupt safetensors header: not a JSON object");

  SafeTensorsFile file;
  std::vector<std::pair<uint64_t, std::string>> order;
  std::map<std::string, SafeTensor> byName;
  for (const auto &[key, value] : *root) {
    std::string name = key.str();
    if (name == "__metadata__") {
      const llvm::json::Object *meta = value.getAsObject();
      if (!meta)
        return formatError(what, "__metadata__ is not a JSON object");
      for (const auto &[mk, mv] : *meta) {
        std::optional<llvm::StringRef> s = mv.getAsString();
        if (!s)
          return formatError(what, "__metadata__ value of '" + mk.str() +
                                "' is not a string");
        file.metadata[mk.str()] = s->str();
      }
      continue;
    }
    const llvm::json::Object *entry = value.getAsObject();
    if (!entry)
      return formatError(what, "tensor '" + name + "': entry is not a JSON object");
    std::optional<llvm::StringRef> dtype = entry->getString("dtype");
    if (!dtype)
      return formatError(what, "tensor '" + name + "': missing dtype");
    unsigned elemSize = safeTensorsDTypeSize(*dtype);
    if (!elemSize)
      return formatError(what, "tensor '" + name + "': unknown dtype '" + *dtype + "'");
    const llvm::json::Array *shapeJson = entry->getArray("shape");
    if (!shapeJson)
      return formatError(what, "tensor '" + name + "': missing shape");
    SafeTensor t;
    t.dtype = dtype->str();
    uint64_t numel = 1;
    for (const llvm::json::Value &d : *shapeJson) {
      std::optional<int64_t> dim = d.getAsInteger();
      if (!dim || *dim < 0)
        return formatError(what, "tensor '" + name + "': shape has a dimension that "
                              "is not a non-negative integer");
      if (*dim && numel > (uint64_t(1) << 62) / uint64_t(*dim))
        return formatError(what, "tensor '" + name + "': shape is too large");
      t.shape.push_back(*dim);
      numel *= uint64_t(*dim);
    }
    const llvm::json::Array *offsets = entry->getArray("data_offsets");
    if (!offsets || offsets->size() != 2 || !(*offsets)[0].getAsInteger() ||
        !(*offsets)[1].getAsInteger())
      return formatError(what, "tensor '" + name +
                            "': data_offsets must be two integers");
    int64_t begin = *(*offsets)[0].getAsInteger();
    int64_t end = *(*offsets)[1].getAsInteger();
    if (begin < 0 || end < begin || uint64_t(end) > data.size())
      return formatError(what, llvm::formatv("tensor '{0}': data_offsets [{1}, {2}] "
                                      "outside the {3}-byte data buffer "
                                      "(truncated file?)",
                                      name, begin, end, data.size()));
    if (uint64_t(end - begin) != numel * elemSize)
      return formatError(what, llvm::formatv("tensor '{0}': {1} {2} needs {3} bytes "
                                      "but data_offsets span {4}",
                                      name, t.dtype, shapeString(t.shape),
                                      numel * elemSize, end - begin));
    t.data.assign(data.data() + begin, data.data() + end);
    order.emplace_back(uint64_t(begin), name);
    byName[name] = std::move(t);
  }
  std::stable_sort(order.begin(), order.end());
  for (auto &[offset, name] : order)
    file.tensors.emplace_back(name, std::move(byName[name]));
  return file;
}

llvm::Expected<SafeTensorsFile> readSafeTensorsFile(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      readInputFile(path);
  if (!buffer)
    return formatError(path, "cannot read: " + buffer.getError().message());
  return parseSafeTensors((*buffer)->getBuffer(), path);
}

} // namespace qforge::formats
