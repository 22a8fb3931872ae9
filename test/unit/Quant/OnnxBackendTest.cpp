//===- OnnxBackendTest.cpp - ONNX's own QuantizeLinear test cases ---------===//
//
// Runs ONNX's backend node tests for QuantizeLinear, DequantizeLinear and
// DynamicQuantizeLinear through the numeric core and compares bit for bit.
// Cases come from gen_onnx_testdata.py (the venv's onnx, generated at build
// time) and, where present, from Debian's older libonnx-testdata as well.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quant/Float16.h"
#include "qforge/Quant/Packing.h"
#include "qforge/Quant/Params.h"
#include "qforge/Quant/QuantizeTensor.h"

#include "TestUtil.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>

#if QFORGE_HAVE_ONNX_PROTO
#include <onnx/onnx_pb.h>
#endif

using namespace qforge::quant;
using namespace qforge::quant::test;
namespace fs = std::filesystem;

namespace {

// The cases of onnx 1.23; the first ten are also in libonnx-testdata.
const char *const kKnownCases[] = {
    "test_quantizelinear",
    "test_quantizelinear_axis",
    "test_dequantizelinear",
    "test_dequantizelinear_axis",
    "test_dynamicquantizelinear",
    "test_dynamicquantizelinear_max_adjusted",
    "test_dynamicquantizelinear_min_adjusted",
    "test_quantizelinear_blocked_asymmetric",
    "test_quantizelinear_blocked_symmetric",
    "test_quantizelinear_e4m3fn",
    "test_quantizelinear_e5m2",
    "test_quantizelinear_float4e2m1",
    "test_quantizelinear_int16",
    "test_quantizelinear_int2",
    "test_quantizelinear_int4",
    "test_quantizelinear_uint16",
    "test_quantizelinear_uint2",
    "test_quantizelinear_uint4",
    "test_dequantizelinear_blocked",
    "test_dequantizelinear_e4m3fn",
    "test_dequantizelinear_e4m3fn_float16",
    "test_dequantizelinear_e4m3fn_zero_point",
    "test_dequantizelinear_e5m2",
    "test_dequantizelinear_float4e2m1",
    "test_dequantizelinear_int16",
    "test_dequantizelinear_int2",
    "test_dequantizelinear_int4",
    "test_dequantizelinear_uint16",
    "test_dequantizelinear_uint2",
    "test_dequantizelinear_uint4",
};

fs::path generatedDir() {
  const char *env = std::getenv("QFORGE_ONNX_NODE_DATA");
  return env ? env : QFORGE_ONNX_NODE_DATA;
}

const fs::path kSystemDir = QFORGE_ONNX_SYSTEM_NODE_DATA;

bool isQuantCase(const std::string &name) {
  for (const char *prefix : {"test_quantizelinear", "test_dequantizelinear",
                             "test_dynamicquantizelinear"})
    if (name.rfind(prefix, 0) == 0)
      return name.find("_expanded") == std::string::npos;
  return false;
}

/// The known cases plus any other quantization case the generated data has
/// (a newer onnx): those run too, and skip if they need unsupported types.
std::vector<std::string> allCases() {
  std::set<std::string> names(std::begin(kKnownCases), std::end(kKnownCases));
  std::error_code ec;
  for (const fs::path &dir : {generatedDir(), kSystemDir})
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator();
         it.increment(ec))
      if (isQuantCase(it->path().filename().string()))
        names.insert(it->path().filename().string());
  return {names.begin(), names.end()};
}

#if QFORGE_HAVE_ONNX_PROTO

std::optional<DType> quantTypeOf(int32_t onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::UINT8: return DType::UInt8;
  case onnx::TensorProto::INT8: return DType::Int8;
  case onnx::TensorProto::UINT16: return DType::UInt16;
  case onnx::TensorProto::INT16: return DType::Int16;
  // Type codes newer than Debian's ONNX 1.13 headers: data_type is an int32,
  // so they parse; the numbers are from onnx.proto.
  case 17: return DType::F8E4M3FN;
  case 19: return DType::F8E5M2;
  case 21: return DType::UInt4;
  case 22: return DType::Int4;
  case 23: return DType::FP4E2M1;
  case 25: return DType::UInt2;
  case 26: return DType::Int2;
  default: return std::nullopt;
  }
}

/// A TensorProto decoded: floats for f32/f16/bf16, otherwise the integer
/// values or float-code bit patterns, unpacked.
struct Tensor {
  int32_t dataType = 0;
  Shape dims;
  std::vector<float> floats;
  std::vector<int32_t> ints;
  std::optional<DType> quantType;
};

std::string loadTensor(const fs::path &path, Tensor &t) {
  onnx::TensorProto proto;
  std::ifstream in(path, std::ios::binary);
  if (!in || !proto.ParseFromIstream(&in))
    return "cannot parse " + path.string();
  t.dataType = proto.data_type();
  t.dims.assign(proto.dims().begin(), proto.dims().end());
  size_t n = static_cast<size_t>(numElements(t.dims));
  const std::string &raw = proto.raw_data();
  bool hasRaw = proto.has_raw_data();

  if (t.dataType == onnx::TensorProto::FLOAT) {
    if (hasRaw) {
      t.floats.resize(raw.size() / 4);
      std::memcpy(t.floats.data(), raw.data(), t.floats.size() * 4);
    } else {
      t.floats.assign(proto.float_data().begin(), proto.float_data().end());
    }
  } else if (t.dataType == onnx::TensorProto::FLOAT16 ||
             t.dataType == onnx::TensorProto::BFLOAT16) {
    std::vector<int32_t> bits =
        hasRaw ? unpackBits(reinterpret_cast<const uint8_t *>(raw.data()), n, 16, false)
               : std::vector<int32_t>(proto.int32_data().begin(), proto.int32_data().end());
    for (int32_t b : bits)
      t.floats.push_back(t.dataType == onnx::TensorProto::FLOAT16
                             ? f16BitsToF32(static_cast<uint16_t>(b))
                             : bf16BitsToF32(static_cast<uint16_t>(b)));
  } else if ((t.quantType = quantTypeOf(t.dataType))) {
    unsigned bits = bitWidth(*t.quantType);
    if (hasRaw) {
      if (raw.size() != packedSize(n, bits))
        return path.string() + ": raw_data has " + std::to_string(raw.size()) + " bytes";
      t.ints = unpack(*t.quantType,
                      std::vector<uint8_t>(raw.begin(), raw.end()), n);
    } else if (bits < 8) {
      // int32_data holds packed bytes for sub-byte types.
      std::vector<uint8_t> bytes(proto.int32_data().begin(), proto.int32_data().end());
      t.ints = unpack(*t.quantType, bytes, n);
    } else {
      t.ints.assign(proto.int32_data().begin(), proto.int32_data().end());
    }
  } else {
    return path.string() + ": unsupported data type " + std::to_string(t.dataType);
  }
  size_t got = t.floats.empty() ? t.ints.size() : t.floats.size();
  if (got != n)
    return path.string() + ": " + std::to_string(got) + " elements, expected " +
           std::to_string(n);
  return {};
}

int64_t intAttr(const onnx::NodeProto &node, const std::string &name, int64_t dflt) {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return a.i();
  return dflt;
}

/// Fails the current test on the first mismatch; returns a skip reason for
/// types QForge does not implement.
std::string runCase(const fs::path &dir) {
  onnx::ModelProto model;
  {
    std::ifstream in(dir / "model.onnx", std::ios::binary);
    if (!in || !model.ParseFromIstream(&in)) {
      ADD_FAILURE() << "cannot parse " << (dir / "model.onnx");
      return {};
    }
  }
  const onnx::GraphProto &graph = model.graph();
  if (graph.node_size() != 1) {
    ADD_FAILURE() << "expected a single node";
    return {};
  }
  const onnx::NodeProto &node = graph.node(0);
  fs::path data = dir / "test_data_set_0";

  // Graph inputs are the node's present inputs, in order.
  auto loadInput = [&](int nodeIndex, Tensor &t) -> std::string {
    if (nodeIndex >= node.input_size() || node.input(nodeIndex).empty())
      return "absent";
    for (int j = 0; j < graph.input_size(); ++j)
      if (graph.input(j).name() == node.input(nodeIndex))
        return loadTensor(data / ("input_" + std::to_string(j) + ".pb"), t);
    return "no graph input named " + node.input(nodeIndex);
  };
  std::vector<Tensor> outputs(static_cast<size_t>(graph.output_size()));
  for (size_t j = 0; j < outputs.size(); ++j) {
    std::string err = loadTensor(data / ("output_" + std::to_string(j) + ".pb"), outputs[j]);
    if (err.find("unsupported data type") != std::string::npos)
      return err;
    if (!err.empty()) {
      ADD_FAILURE() << err;
      return {};
    }
  }

  Tensor x, scale, zp;
  std::string err = loadInput(0, x);
  if (err.find("unsupported data type") != std::string::npos)
    return err;
  EXPECT_EQ(err, "");

  if (node.op_type() == "DynamicQuantizeLinear") {
    QuantSpec spec;
    spec.dtype = DType::UInt8;
    spec.symmetric = false;
    TensorParams p = chooseTensorParams(x.floats.data(), x.dims, spec);
    std::vector<int32_t> y = quantizeTensor(x.floats.data(), x.dims, DType::UInt8, p);
    EXPECT_EQ(y, outputs[0].ints);
    EXPECT_EQ(bitsOf(p.scales[0]), bitsOf(outputs[1].floats.at(0)))
        << p.scales[0] << " vs " << outputs[1].floats.at(0);
    EXPECT_EQ(p.zeroPoint(0), outputs[2].ints.at(0));
    return {};
  }

  EXPECT_EQ(loadInput(1, scale), "");
  std::string zpErr = loadInput(2, zp);
  if (zpErr != "absent") {
    EXPECT_EQ(zpErr, "");
  }

  TensorParams params;
  params.scales = scale.floats;
  int64_t axis = intAttr(node, "axis", 1);
  int64_t blockSize = intAttr(node, "block_size", 0);
  if (blockSize > 0)
    params.layout = ScaleLayout::blocked(axis, blockSize);
  else if (numElements(scale.dims) != 1)
    params.layout = ScaleLayout::perAxis(axis);

  bool quantizing = node.op_type() == "QuantizeLinear";
  const Tensor &codes = quantizing ? outputs[0] : x;
  if (!codes.quantType) {
    ADD_FAILURE() << "quantized tensor of type " << codes.dataType;
    return {};
  }
  DType type = *codes.quantType;
  if (zpErr != "absent") {
    EXPECT_TRUE(zp.quantType == type) << "zero point type " << zp.dataType;
    if (isIntegerType(type)) {
      params.zeroPoints = zp.ints;
    } else {
      // Float zero points must be 0 (ONNX); FP4 adds it, a no-op for +-0.
      const int32_t magnitude = (1 << (bitWidth(type) - 1)) - 1;
      for (int32_t c : zp.ints)
        EXPECT_EQ(c & magnitude, 0) << "non-zero float zero point";
    }
  }
  EXPECT_EQ(verifyParams(x.dims, type, params), "");

  if (quantizing) {
    bool saturate = intAttr(node, "saturate", 1) != 0;
    std::vector<int32_t> y = quantizeTensor(x.floats.data(), x.dims, type, params, saturate);
    EXPECT_EQ(y, outputs[0].ints) << "as " << dtypeName(type);
    return {};
  }
  std::vector<float> y = dequantizeTensor(x.ints.data(), x.dims, type, params);
  const Tensor &expected = outputs[0];
  if (y.size() != expected.floats.size()) {
    ADD_FAILURE() << y.size() << " outputs, expected " << expected.floats.size();
    return {};
  }
  for (size_t i = 0; i < y.size(); ++i) {
    float got = y[i];
    if (expected.dataType == onnx::TensorProto::FLOAT16)
      got = roundToScaleDType(got, ScaleDType::F16);
    EXPECT_TRUE(sameFloat(got, expected.floats[i]))
        << "element " << i << ": " << got << " vs " << expected.floats[i];
  }
  return {};
}

#endif // QFORGE_HAVE_ONNX_PROTO

class OnnxBackend : public ::testing::TestWithParam<std::string> {};

TEST_P(OnnxBackend, MatchesBitForBit) {
#if !QFORGE_HAVE_ONNX_PROTO
  GTEST_SKIP() << "built without ONNX protobuf classes (libonnx-dev)";
#else
  const std::string &name = GetParam();
  std::vector<fs::path> dirs;
  for (const fs::path &root : {generatedDir(), kSystemDir})
    if (fs::exists(root / name / "model.onnx"))
      dirs.push_back(root / name);
  if (dirs.empty()) {
    std::string why = "case not found in " + generatedDir().string() + " or " +
                      kSystemDir.string();
    std::ifstream unavailable(generatedDir() / "UNAVAILABLE");
    std::string line;
    if (unavailable && std::getline(unavailable, line))
      why += "; " + line;
    GTEST_SKIP() << why;
  }
  for (const fs::path &dir : dirs) {
    SCOPED_TRACE(dir.string());
    std::string skip = runCase(dir);
    if (!skip.empty())
      GTEST_SKIP() << skip;
  }
#endif
}

INSTANTIATE_TEST_SUITE_P(Cases, OnnxBackend, ::testing::ValuesIn(allCases()),
                         [](const auto &info) { return info.param; });

} // namespace
