//===- ImportNumericTest.cpp - Imported models run against references ----===//
//
// Every case of gen_import_cases.py (ONNX's backend node tests for the
// supported operators, and random models) is imported with
// qforge::importONNX, compiled with the --qf-reference-to-llvm pipeline,
// JIT-run with MLIR's ExecutionEngine on the case's inputs, and compared
// with
//   - onnxruntime's outputs (ort_output_<i>.pb) where onnxruntime ran the
//     model: |got - want| <= 1e-5 * |want| + atol, atol = 1e-5 * (the
//     output's largest magnitude, at least 1) -- relative for the values that
//     carry the result, absolute for those that cancel to ~0;
//   - ONNX's expected outputs (output_<i>.pb): ONNX's own backend tolerance
//     (rtol 1e-3, atol 1e-7; some expected values are written with 4
//     digits), exact for integers and bools.
// Cases the importer rejects by design are listed with the reason the error
// must give.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"
#include "qforge/Import/ONNXImporter.h"
#include "qforge/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/TargetSelect.h"

#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace fs = std::filesystem;
using namespace qforge::onnx_import;

namespace {

fs::path casesDir() {
  const char *env = std::getenv("QFORGE_IMPORT_CASES");
  return env ? env : QFORGE_IMPORT_CASES;
}

/// Backend cases the importer rejects, with a substring of the reason.
const std::map<std::string, std::string> kUnsupported = {
#include "UnsupportedCases.inc"
};

/// Backend cases whose ONNX expected outputs disagree with onnxruntime's,
/// where the importer follows onnxruntime: compared with it alone.
const std::map<std::string, std::string> kReferenceDisagrees = {
#include "ReferenceDisagreements.inc"
};

/// Backend cases that must be present and pass (guards against a generator
/// that silently produces nothing).
const char *const kMustPass[] = {
    "test_add_bcast",
    "test_averagepool_2d_pads_count_include_pad",
    "test_averagepool_2d_ceil",
    "test_cast_FLOAT_to_FLOAT16",
    "test_concat_3d_axis_1",
    "test_conv_with_strides_and_asymmetric_padding",
    "test_div_bcast",
    "test_erf",
    "test_flatten_axis0",
    "test_gather_2d_indices",
    "test_gather_negative_indices",
    "test_gelu_tanh_2",
    "test_gemm_all_attributes",
    "test_globalaveragepool",
    "test_layer_normalization_4d_axis1",
    "test_matmul_4d",
    "test_matmul_bcast",
    "test_matmul_1d_3d",
    "test_maxpool_2d_ceil",
    "test_maxpool_3d_dilations",
    "test_pow_bcast_array",
    "test_reduce_mean_keepdims_random",
    "test_relu",
    "test_reshape_negative_extended_dims",
    "test_sigmoid",
    "test_slice_neg_steps",
    "test_softmax_axis_0",
    "test_split_variable_parts_2d_opset18",
    "test_squeeze_negative_axes",
    "test_sqrt",
    "test_sub_bcast",
    "test_tanh",
    "test_transpose_all_permutations_3",
    "test_unsqueeze_unsorted_axes",
    "test_quantizelinear_axis",
    "test_dequantizelinear_blocked",
    "test_dynamicquantizelinear_min_adjusted",
    "test_matmulinteger",
    "test_qlinearmatmul_3D_uint8_float32",
    "test_qlinearmatmul_2D_int8_float32",
};

struct Case {
  std::string set, name;
  fs::path dir;
};

void PrintTo(const Case &c, std::ostream *os) { *os << c.set << "/" << c.name; }

std::vector<Case> listCases(const std::string &set) {
  std::vector<Case> out;
  fs::path dir = casesDir() / set;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return out;
  for (const fs::directory_entry &e : fs::directory_iterator(dir))
    if (e.is_directory())
      out.push_back({set, e.path().filename().string(), e.path()});
  std::sort(out.begin(), out.end(),
            [](const Case &a, const Case &b) { return a.name < b.name; });
  return out;
}

std::optional<ConstTensor> loadTensor(const fs::path &path,
                                      std::string &error) {
  onnx::TensorProto proto;
  std::ifstream in(path, std::ios::binary);
  if (!in || !proto.ParseFromIstream(&in)) {
    error = "cannot parse " + path.string();
    return std::nullopt;
  }
  llvm::Expected<ConstTensor> t =
      decodeTensor(proto, path.parent_path().string());
  if (!t) {
    error = llvm::toString(t.takeError());
    return std::nullopt;
  }
  return std::move(*t);
}

/// The tensors PREFIX<i>.pb of `dir`; `error` is set when one has a type
/// the importer does not support (the model then cannot be imported either).
std::vector<ConstTensor> loadAll(const fs::path &dir, const std::string &prefix,
                                 std::string &error) {
  std::vector<ConstTensor> out;
  for (int i = 0;; ++i) {
    fs::path p = dir / (prefix + std::to_string(i) + ".pb");
    if (!fs::exists(p))
      break;
    std::optional<ConstTensor> t = loadTensor(p, error);
    if (!t)
      return {};
    out.push_back(std::move(*t));
  }
  return out;
}

mlir::DialectRegistry &registry() {
  static mlir::DialectRegistry *r = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    auto *reg = new mlir::DialectRegistry;
    mlir::registerAllDialects(*reg);
    mlir::registerAllExtensions(*reg);
    mlir::registerBuiltinDialectTranslation(*reg);
    mlir::registerLLVMDialectTranslation(*reg);
    return reg;
  }();
  return *r;
}

/// A strided memref descriptor for `rank` dims: allocated, aligned, offset,
/// sizes, strides (the layout of StridedMemRefType and of the LLVM struct).
std::vector<int64_t> descriptor(const void *data,
                                llvm::ArrayRef<int64_t> shape) {
  std::vector<int64_t> d = {int64_t(intptr_t(data)), int64_t(intptr_t(data)),
                            0};
  d.insert(d.end(), shape.begin(), shape.end());
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  d.insert(d.end(), strides.begin(), strides.end());
  return d;
}

/// __truncsfbf2: the bf16 result is returned in the low half of xmm0, as
/// the low bits of a float.
extern "C" float truncToBF16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint32_t out;
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    out = (bits >> 16) | 0x40;
  else
    out = (bits + 0x7fff + ((bits >> 16) & 1)) >> 16;
  float r;
  std::memcpy(&r, &out, 4);
  return r;
}

struct RunResult {
  std::vector<ConstTensor> outputs;
  std::string importError; ///< set when the importer rejected the model
};

/// Imports, compiles and runs the model; fails the test on anything but an
/// import error.
RunResult run(const fs::path &modelPath,
              const std::vector<ConstTensor> &inputs) {
  RunResult result;
  mlir::MLIRContext context(registry());
  llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>> module =
      qforge::importONNX(modelPath.string(), &context);
  if (!module) {
    result.importError = llvm::toString(module.takeError());
    return result;
  }
  auto func = (**module).lookupSymbol<mlir::func::FuncOp>("main");
  EXPECT_TRUE(func);
  if (!func)
    return result;
  mlir::FunctionType type = func.getFunctionType();
  EXPECT_EQ(type.getNumInputs(), inputs.size());
  if (type.getNumInputs() != inputs.size())
    return result;
  std::vector<mlir::RankedTensorType> resultTypes;
  for (mlir::Type t : type.getResults())
    resultTypes.push_back(mlir::cast<mlir::RankedTensorType>(t));

  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    llvm::raw_string_ostream(diagnostics) << d << "\n";
    return mlir::success();
  });
  mlir::PassManager pm(&context);
  qforge::buildReferenceToLLVMPipeline(pm);
  bool compiled = mlir::succeeded(pm.run(**module));
  EXPECT_TRUE(compiled) << diagnostics;
  if (!compiled)
    return result;
  mlir::ExecutionEngineOptions options;
  // memrefCopy and friends.
  llvm::SmallVector<llvm::StringRef> libs = {QFORGE_C_RUNNER_UTILS};
  options.sharedLibPaths = libs;
  auto engine = mlir::ExecutionEngine::create(**module, options);
  EXPECT_TRUE(bool(engine)) << llvm::toString(engine.takeError());
  if (!engine)
    return result;
  // f32 -> bf16 truncation is a compiler-rt/libgcc routine that Debian 12's
  // libgcc lacks; supply it (round to nearest even, quiet NaN).
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap map;
    map[interner("__truncsfbf2")] = {
        llvm::orc::ExecutorAddr::fromPtr(&truncToBF16),
        llvm::JITSymbolFlags::Exported};
    return map;
  });

  // _mlir_ciface_main(results*, inputs*...), called through its packed
  // wrapper: one void* per argument, each pointing at the argument.
  static char nonNull[8];
  std::vector<std::vector<int64_t>> inDescs;
  for (const ConstTensor &t : inputs)
    inDescs.push_back(
        descriptor(t.data.empty() ? nonNull : t.data.data(), t.shape));
  size_t resultWords = 0;
  for (mlir::RankedTensorType t : resultTypes)
    resultWords += 3 + 2 * t.getRank();
  std::vector<int64_t> results(resultWords, 0);
  std::vector<void *> argPtrs;
  void *resultsPtr = results.data();
  argPtrs.push_back(&resultsPtr);
  std::vector<void *> inPtrs;
  for (auto &d : inDescs)
    inPtrs.push_back(d.data());
  for (void *&p : inPtrs)
    argPtrs.push_back(&p);
  llvm::Error err = (*engine)->invokePacked("_mlir_ciface_main", argPtrs);
  EXPECT_FALSE(bool(err)) << llvm::toString(std::move(err));

  size_t at = 0;
  for (mlir::RankedTensorType t : resultTypes) {
    int64_t rank = t.getRank();
    const char *aligned =
        reinterpret_cast<const char *>(intptr_t(results[at + 1]));
    int64_t offset = results[at + 2];
    std::vector<int64_t> sizes(results.begin() + at + 3,
                               results.begin() + at + 3 + rank);
    std::vector<int64_t> strides(results.begin() + at + 3 + rank,
                                 results.begin() + at + 3 + 2 * rank);
    at += 3 + 2 * rank;
    ConstTensor out;
    out.type = *onnxTypeOf(t.getElementType());
    out.shape.assign(sizes.begin(), sizes.end());
    unsigned size = onnxTypeSize(out.type);
    int64_t count = out.numElements();
    out.data.resize(count * size);
    std::vector<int64_t> idx(rank, 0);
    for (int64_t e = 0; e < count; ++e) {
      int64_t pos = offset;
      for (int64_t i = 0; i < rank; ++i)
        pos += idx[i] * strides[i];
      std::memcpy(out.data.data() + e * size, aligned + pos * size, size);
      for (int64_t i = rank - 1; i >= 0; --i) {
        if (++idx[i] < sizes[i])
          break;
        idx[i] = 0;
      }
    }
    result.outputs.push_back(std::move(out));
  }
  return result;
}

struct Tolerance {
  double rtol, atol;
  bool atolScalesWithMax;
};

/// Compares; returns the worst |got - want| / (bound) ratio for reporting.
void compare(const ConstTensor &got, const ConstTensor &want, Tolerance tol,
             const std::string &what) {
  ASSERT_EQ(got.type, want.type) << what << ": element type";
  ASSERT_EQ(llvm::ArrayRef<int64_t>(got.shape),
            llvm::ArrayRef<int64_t>(want.shape))
      << what << ": shape";
  if (auto gi = got.toInts()) {
    std::vector<int64_t> wi = *want.toInts();
    for (size_t i = 0; i < wi.size(); ++i)
      ASSERT_EQ((*gi)[i], wi[i]) << what << ": element " << i;
    return;
  }
  std::vector<double> g = *got.toDoubles(), w = *want.toDoubles();
  double maxAbs = 1.0;
  for (double v : w)
    if (std::isfinite(v))
      maxAbs = std::max(maxAbs, std::fabs(v));
  double atol = tol.atolScalesWithMax ? tol.atol * maxAbs : tol.atol;
  int failures = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    if (std::isnan(w[i])) {
      EXPECT_TRUE(std::isnan(g[i])) << what << ": element " << i;
      continue;
    }
    if (std::isinf(w[i])) {
      EXPECT_EQ(g[i], w[i]) << what << ": element " << i;
      continue;
    }
    double bound = tol.rtol * std::fabs(w[i]) + atol;
    if (!(std::fabs(g[i] - w[i]) <= bound) && ++failures <= 5)
      ADD_FAILURE() << what << ": element " << i << " is " << g[i]
                    << ", expected " << w[i] << " (|diff| "
                    << std::fabs(g[i] - w[i]) << " > " << bound << ")";
  }
  EXPECT_EQ(failures, 0) << what << ": " << failures << " of " << w.size()
                         << " elements out of tolerance";
}

class ImportNumeric : public ::testing::TestWithParam<Case> {};

TEST_P(ImportNumeric, MatchesReferences) {
  const Case &c = GetParam();
  fs::path ds = c.dir / "test_data_set_0";
  std::string dataError;
  std::vector<ConstTensor> inputs = loadAll(ds, "input_", dataError);
  std::vector<ConstTensor> expected = loadAll(ds, "output_", dataError);
  std::vector<ConstTensor> ort = loadAll(ds, "ort_output_", dataError);

  auto unsupported = kUnsupported.find(c.name);
  if (unsupported != kUnsupported.end()) {
    // The importer must reject the model, saying why.
    mlir::MLIRContext context(registry());
    auto module = qforge::importONNX((c.dir / "model.onnx").string(), &context);
    ASSERT_FALSE(bool(module))
        << "listed as unsupported (" << unsupported->second
        << ") but imports: remove it from UnsupportedCases.inc";
    std::string error = llvm::toString(module.takeError());
    EXPECT_NE(error.find(unsupported->second), std::string::npos) << error;
    return;
  }
  ASSERT_TRUE(dataError.empty()) << dataError;
  ASSERT_FALSE(expected.empty() && ort.empty())
      << "no reference outputs in " << ds;
  RunResult r = run(c.dir / "model.onnx", inputs);
  ASSERT_TRUE(r.importError.empty()) << r.importError;
  if (HasFailure())
    return;
  ASSERT_EQ(r.outputs.size(), std::max(expected.size(), ort.size()));
  for (size_t i = 0; i < ort.size(); ++i)
    compare(r.outputs[i], ort[i], {1e-5, 1e-5, true},
            "output " + std::to_string(i) + " vs onnxruntime");
  if (kReferenceDisagrees.count(c.name)) {
    ASSERT_FALSE(ort.empty()) << "listed in ReferenceDisagreements.inc, but "
                                 "onnxruntime has no outputs to compare with";
    return;
  }
  for (size_t i = 0; i < expected.size(); ++i)
    compare(r.outputs[i], expected[i], {1e-3, 1e-7, false},
            "output " + std::to_string(i) + " vs ONNX's expected");
}

std::string caseName(const ::testing::TestParamInfo<Case> &info) {
  std::string s = info.param.name;
  for (char &ch : s)
    if (!isalnum(static_cast<unsigned char>(ch)))
      ch = '_';
  return s;
}

INSTANTIATE_TEST_SUITE_P(Node, ImportNumeric,
                         ::testing::ValuesIn(listCases("node")), caseName);
INSTANTIATE_TEST_SUITE_P(Models, ImportNumeric,
                         ::testing::ValuesIn(listCases("models")), caseName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ImportNumeric);

TEST(ImportNumericData, CasesArePresent) {
  if (fs::exists(casesDir() / "UNAVAILABLE")) {
    std::ifstream in(casesDir() / "UNAVAILABLE");
    std::string why((std::istreambuf_iterator<char>(in)), {});
    GTEST_SKIP() << why;
  }
  if (!fs::exists(casesDir()))
    GTEST_SKIP() << "no generated cases in " << casesDir()
                 << " (no Python with onnx at configure time)";
  ASSERT_TRUE(fs::exists(casesDir() / "stamp"))
      << "incomplete generated cases in " << casesDir();
  for (const char *name : kMustPass)
    EXPECT_TRUE(fs::is_directory(casesDir() / "node" / name)) << name;
  for (const auto &[name, reason] : kUnsupported)
    EXPECT_TRUE(fs::is_directory(casesDir() / "node" / name))
        << name << " is listed as unsupported but was not generated";
  for (const auto &[name, reason] : kReferenceDisagrees)
    EXPECT_TRUE(fs::is_directory(casesDir() / "node" / name))
        << name << " is listed in ReferenceDisagreements.inc but was not "
                   "generated";
  EXPECT_GE(listCases("models").size(), 10u);
}

} // namespace
