//===- ONNXTensor.cpp - ONNX TensorProto decoding and element types -------===//

#include "Importer.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>
#include <limits>

using namespace mlir;

namespace qforge::onnx_import {

std::string onnxTypeName(int32_t type) {
  switch (type) {
  case kFloat:
    return "FLOAT";
  case kUInt8:
    return "UINT8";
  case kInt8:
    return "INT8";
  case kUInt16:
    return "UINT16";
  case kInt16:
    return "INT16";
  case kInt32:
    return "INT32";
  case kInt64:
    return "INT64";
  case kString:
    return "STRING";
  case kBool:
    return "BOOL";
  case kFloat16:
    return "FLOAT16";
  case kDouble:
    return "DOUBLE";
  case kUInt32:
    return "UINT32";
  case kUInt64:
    return "UINT64";
  case 14:
    return "COMPLEX64";
  case 15:
    return "COMPLEX128";
  case kBFloat16:
    return "BFLOAT16";
  case 17:
    return "FLOAT8E4M3FN";
  case 18:
    return "FLOAT8E4M3FNUZ";
  case 19:
    return "FLOAT8E5M2";
  case 20:
    return "FLOAT8E5M2FNUZ";
  case 21:
    return "UINT4";
  case 22:
    return "INT4";
  case 23:
    return "FLOAT4E2M1";
  case 24:
    return "FLOAT8E8M0";
  case 25:
    return "UINT2";
  case 26:
    return "INT2";
  default:
    return "data type " + std::to_string(type);
  }
}

unsigned onnxTypeSize(int32_t type) {
  switch (type) {
  case kBool:
  case kInt8:
  case kUInt8:
    return 1;
  case kInt16:
  case kFloat16:
  case kBFloat16:
    return 2;
  case kFloat:
  case kInt32:
    return 4;
  case kInt64:
  case kDouble:
    return 8;
  default:
    return 0;
  }
}

Type mlirElementType(MLIRContext *ctx, int32_t type) {
  Builder b(ctx);
  switch (type) {
  case kFloat:
    return b.getF32Type();
  case kDouble:
    return b.getF64Type();
  case kFloat16:
    return b.getF16Type();
  case kBFloat16:
    return b.getBF16Type();
  case kBool:
    return b.getI1Type();
  case kInt8:
    return b.getI8Type();
  case kUInt8:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case kInt16:
    return b.getI16Type();
  case kInt32:
    return b.getI32Type();
  case kInt64:
    return b.getI64Type();
  default:
    return {};
  }
}

std::optional<int32_t> onnxTypeOf(Type type) {
  if (type.isF32())
    return kFloat;
  if (type.isF64())
    return kDouble;
  if (type.isF16())
    return kFloat16;
  if (type.isBF16())
    return kBFloat16;
  if (type.isSignlessInteger(1))
    return kBool;
  if (type.isSignlessInteger(8))
    return kInt8;
  if (type.isUnsignedInteger(8))
    return kUInt8;
  if (type.isSignlessInteger(16))
    return kInt16;
  if (type.isSignlessInteger(32))
    return kInt32;
  if (type.isSignlessInteger(64))
    return kInt64;
  return std::nullopt;
}

int64_t ConstTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

static bool isFloatType(int32_t t) {
  return t == kFloat || t == kDouble || t == kFloat16 || t == kBFloat16;
}

static float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h >> 15) << 31, exp = (h >> 10) & 0x1f,
           mant = h & 0x3ff, bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { // subnormal: renormalize
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while (!(mant & 0x400));
      bits = sign | uint32_t(127 - 15 - e) << 23 | (mant & 0x3ff) << 13;
    }
  } else {
    bits = sign | (exp + 112) << 23 | mant << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::optional<std::vector<int64_t>> ConstTensor::toInts() const {
  if (isFloatType(type))
    return std::nullopt;
  int64_t n = numElements();
  std::vector<int64_t> out(n);
  for (int64_t i = 0; i < n; ++i) {
    const char *p = data.data() + i * onnxTypeSize(type);
    switch (type) {
    case kBool:
      out[i] = *p != 0;
      break;
    case kInt8:
      out[i] = int8_t(*p);
      break;
    case kUInt8:
      out[i] = uint8_t(*p);
      break;
    case kInt16: {
      int16_t v;
      std::memcpy(&v, p, 2);
      out[i] = v;
      break;
    }
    case kInt32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      out[i] = v;
      break;
    }
    case kInt64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      out[i] = v;
      break;
    }
    default:
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::vector<double>> ConstTensor::toDoubles() const {
  if (!isFloatType(type))
    return std::nullopt;
  int64_t n = numElements();
  std::vector<double> out(n);
  for (int64_t i = 0; i < n; ++i) {
    const char *p = data.data() + i * onnxTypeSize(type);
    switch (type) {
    case kFloat: {
      float v;
      std::memcpy(&v, p, 4);
      out[i] = v;
      break;
    }
    case kDouble: {
      std::memcpy(&out[i], p, 8);
      break;
    }
    case kFloat16: {
      uint16_t h;
      std::memcpy(&h, p, 2);
      out[i] = halfToFloat(h);
      break;
    }
    case kBFloat16: {
      uint16_t h;
      std::memcpy(&h, p, 2);
      uint32_t bits = uint32_t(h) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      out[i] = f;
      break;
    }
    }
  }
  return out;
}

std::optional<double> ConstTensor::scalar() const {
  if (numElements() != 1)
    return std::nullopt;
  if (auto d = toDoubles())
    return (*d)[0];
  if (auto i = toInts())
    return double((*i)[0]);
  return std::nullopt;
}

ConstTensor ConstTensor::fromInts(int32_t type, ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> values) {
  ConstTensor t;
  t.type = type;
  t.shape.assign(shape.begin(), shape.end());
  unsigned size = onnxTypeSize(type);
  t.data.resize(values.size() * size);
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t v = values[i];
    if (type == kBool)
      v = v != 0;
    // Little-endian: the low bytes of the int64.
    std::memcpy(t.data.data() + i * size, &v, size);
  }
  return t;
}

ConstTensor ConstTensor::fromFloats(ArrayRef<int64_t> shape,
                                    ArrayRef<float> values) {
  ConstTensor t;
  t.type = kFloat;
  t.shape.assign(shape.begin(), shape.end());
  t.data.resize(values.size() * 4);
  std::memcpy(t.data.data(), values.data(), values.size() * 4);
  return t;
}

static llvm::Error fail(const onnx::TensorProto &proto, const Twine &msg) {
  std::string name = proto.name().empty() ? "<unnamed>" : proto.name();
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "tensor '" + name + "': " + msg.str());
}

template <typename Field>
static void copyField(const Field &field, int32_t type,
                      std::vector<char> &out) {
  unsigned size = onnxTypeSize(type);
  out.resize(size_t(field.size()) * size);
  for (int i = 0; i < field.size(); ++i) {
    if (type == kFloat) {
      float v = float(field.Get(i));
      std::memcpy(out.data() + i * 4, &v, 4);
    } else if (type == kDouble) {
      double v = double(field.Get(i));
      std::memcpy(out.data() + i * 8, &v, 8);
    } else {
      // Integers, bool, and f16/bf16 bit patterns (in int32_data).
      int64_t v = int64_t(field.Get(i));
      std::memcpy(out.data() + i * size, &v, size);
    }
  }
}

llvm::Expected<ConstTensor> decodeTensor(const onnx::TensorProto &proto,
                                         StringRef baseDir) {
  ConstTensor t;
  t.type = proto.data_type();
  unsigned size = onnxTypeSize(t.type);
  if (size == 0)
    return fail(proto, "unsupported data type " + onnxTypeName(t.type));
  if (proto.has_segment())
    return fail(proto, "segmented tensors are not supported");
  int64_t n = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0)
      return fail(proto, "negative dimension " + Twine(d));
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / 8 / d)
      return fail(proto, "too many elements");
    n *= d;
    t.shape.push_back(d);
  }
  size_t bytes = size_t(n) * size;

  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const onnx::StringStringEntryProto &kv : proto.external_data()) {
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset" || kv.key() == "length") {
        int64_t v;
        if (StringRef(kv.value()).getAsInteger(10, v) || v < 0)
          return fail(proto, "invalid external data " + kv.key() + " '" +
                                 kv.value() + "'");
        (kv.key() == "offset" ? offset : length) = v;
      }
    }
    if (location.empty())
      return fail(proto, "external data without a location");
    if (llvm::sys::path::is_absolute(location) ||
        llvm::is_contained(llvm::make_range(llvm::sys::path::begin(location),
                                            llvm::sys::path::end(location)),
                           ".."))
      return fail(proto, "external data location '" + location +
                             "' must be relative to the model's directory "
                             "and stay inside it");
    SmallString<256> path(baseDir);
    llvm::sys::path::append(path, location);
    if (length < 0)
      length = int64_t(bytes);
    if (size_t(length) != bytes)
      return fail(proto, "external data length " + Twine(length) +
                             " does not match " + Twine(bytes) +
                             " bytes of data");
    // The lexical check above does not see symlinks (issue 16 #5): the
    // real path must stay inside the model's real directory, as ONNX
    // Runtime's external data path validation requires, and be a file.
    SmallString<256> realBase, realFile;
    if (std::error_code ec = llvm::sys::fs::real_path(path, realFile))
      return fail(proto, "cannot read external data file '" + path +
                             "': " + ec.message());
    if (std::error_code ec = llvm::sys::fs::real_path(baseDir, realBase))
      return fail(proto, "cannot resolve the model's directory '" + baseDir +
                             "': " + ec.message());
    llvm::sys::path::append(realBase, "");
    if (!StringRef(realFile).starts_with(realBase))
      return fail(proto, "external data file '" + path + "' resolves to '" +
                             realFile + "', outside the model's directory");
    if (!llvm::sys::fs::is_regular_file(realFile))
      return fail(proto, "external data file '" + path +
                             "' is not a regular file");
    uint64_t fileSize;
    if (std::error_code ec = llvm::sys::fs::file_size(path, fileSize))
      return fail(proto, "cannot read external data file '" + path +
                             "': " + ec.message());
    if (uint64_t(offset) + uint64_t(length) > fileSize)
      return fail(proto, "external data file '" + path + "' has " +
                             Twine(fileSize) + " bytes, needs " +
                             Twine(offset + length));
    if (length == 0)
      return t;
    auto buffer = llvm::MemoryBuffer::getFileSlice(path, length, offset,
                                                   /*IsVolatile=*/false);
    if (!buffer)
      return fail(proto, "cannot read external data file '" + path +
                             "': " + buffer.getError().message());
    t.data.assign((*buffer)->getBufferStart(), (*buffer)->getBufferEnd());
    return t;
  }

  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != bytes)
      return fail(proto, "raw_data has " + Twine(proto.raw_data().size()) +
                             " bytes, expected " + Twine(bytes));
    t.data.assign(proto.raw_data().begin(), proto.raw_data().end());
    return t;
  }
  int64_t count = 0;
  switch (t.type) {
  case kFloat:
    count = proto.float_data_size();
    copyField(proto.float_data(), t.type, t.data);
    break;
  case kDouble:
    count = proto.double_data_size();
    copyField(proto.double_data(), t.type, t.data);
    break;
  case kInt64:
    count = proto.int64_data_size();
    copyField(proto.int64_data(), t.type, t.data);
    break;
  default: // int32_data: int8/16/32, bool, f16/bf16 bits
    count = proto.int32_data_size();
    copyField(proto.int32_data(), t.type, t.data);
    break;
  }
  if (count != n)
    return fail(proto,
                "has " + Twine(count) + " elements, expected " + Twine(n));
  return t;
}

} // namespace qforge::onnx_import
