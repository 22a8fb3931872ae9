// The fused CPU kernels (--qf-cpu-to-llvm) against the reference lowering
// (qforge::buildReferenceToLLVMPipeline): the same qf.matmul functions, on
// random data quantized with lib/Quant, JIT-compiled both ways in one process.
//
// Integer arithmetic (a8w8: int8 activations, i32 accumulation, and every
// requantized a8w8 output) must match bit for bit. Float accumulation runs in
// a different order (vector lanes, per-group partial sums, scale applied per
// group, zero points as s * zp * sum(x)), so float outputs must agree within
//   |kernel - reference| <= (2K + 16) * 2^-24 * magnitude
// where magnitude = sum_k |x| * (|W| + |zero term|) (+ |bias| + |residual|),
// the zero term being s * zp (asymmetric) or s * 2^(bits-1) (symmetric int4 /
// int2, stored offset when packed): the standard error bound of a K-term f32
// sum, once for each side. A wrong, missing or doubled term is off by
// ~magnitude / K, far beyond it.
//
// Every scheme runs twice: weights as function arguments (the kernels read
// the unpacked [N, K] operand) and as constants (--qf-pack-weights repacks
// them and the kernels stream the packed global).
#include "qforge/Bench/MatmulHarness.h"

#include "qforge/Pipelines/Pipelines.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <functional>
#include <sstream>

namespace {

using namespace qforge::harness;

/// LLVM optimization level of the JIT: the ragged-shape sweep (many
/// functions) compiles at O0 to keep the suite fast, the other suites at O3
/// as qforge-bench runs them. The kernels' exactness does not depend on it.
constexpr unsigned kSweepOptLevel = 0, kOptLevel = 3;

struct Compiled {
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

/// Builds the module twice (its constants are consumed by each pipeline) and
/// compiles it with the reference and the CPU pipeline.
bool compileBoth(const std::string &text, const std::vector<std::string> &names,
                 const std::vector<const MatmulSpec *> &specs,
                 const std::vector<const MatmulData *> &datas, Compiled &ref,
                 Compiled &cpu, const std::string &target = "host",
                 unsigned optLevel = kOptLevel, bool int8Activations = false) {
  std::string error;
  for (Compiled *c : {&ref, &cpu}) {
    initialize(c->context);
    // Two cores shared with other jobs: MLIR's thread pool only adds overhead.
    c->context.disableMultithreading();
    c->module = buildModule(c->context, text, names, specs, datas, error);
    if (!c->module) {
      ADD_FAILURE() << error;
      return false;
    }
    auto pipeline = [&](mlir::OpPassManager &pm) {
      if (c == &ref)
        qforge::buildReferenceToLLVMPipeline(pm);
      else {
        qforge::CPUPipelineOptions options;
        options.target = target;
        options.int8Activations =
            qforge::cpu::int8ActivationPolicy(int8Activations);
        qforge::buildCPUToLLVMPipeline(pm, options);
      }
    };
    c->engine = compile(*c->module, pipeline, error, optLevel);
    if (!c->engine) {
      ADD_FAILURE() << (c == &ref ? "reference: " : "cpu: ") << error;
      return false;
    }
  }
  return true;
}

/// Compares one call's outputs (MatmulHarness's tolerance rules); returns
/// the number of mismatches, each reported as a test failure.
int compareOutputs(const std::string &label, const MatmulSpec &spec,
                   const MatmulData &data, const PreparedCall &refCall,
                   const PreparedCall &cpuCall) {
  std::string report;
  int bad = qforge::harness::compareOutputs(spec, data, refCall.outBytes,
                                            cpuCall.outBytes, report);
  if (bad)
    ADD_FAILURE() << label << ": " << bad << " mismatches\n" << report;
  return bad;
}

/// Calls every function of `set`, compiled both ways, with each M of `ms`
/// (the first M rows of the set's data) and compares the two outputs; then
/// hands the calls to `extra`, if any. Stops at the first fatal failure.
void callAndCompare(
    const MatmulSet &set, Compiled &ref, Compiled &cpu,
    const std::vector<int64_t> &ms, const std::string &scheme,
    const std::function<void(const MatmulSpec &, const MatmulData &,
                             const PreparedCall &, const PreparedCall &)>
        &extra = nullptr) {
  for (size_t i = 0; i < set.specs.size(); ++i)
    for (int64_t m : ms) {
      MatmulSpec spec = set.specs[i];
      spec.m = m;
      MatmulData data = sliceRows(spec, set.datas[i], m);
      std::string label = scheme + " M=" + std::to_string(m) +
                          " N=" + std::to_string(spec.n) +
                          " K=" + std::to_string(spec.k);
      PreparedCall refCall, cpuCall;
      std::string error;
      ASSERT_TRUE(prepare(*ref.engine, set.names[i], spec, data, refCall, error))
          << error;
      ASSERT_TRUE(prepare(*cpu.engine, set.names[i], spec, data, cpuCall, error))
          << error;
      refCall.invoke();
      cpuCall.invoke();
      // The kernel wrote every element (the buffer starts as 0xA5 filler).
      ASSERT_EQ(compareOutputs(label, spec, data, refCall, cpuCall), 0);
      if (extra)
        extra(spec, data, refCall, cpuCall);
    }
}

struct RaggedCase {
  const char *name;
  const char *scheme;
  bool constWeights;
};

class RaggedShapes : public ::testing::TestWithParam<RaggedCase> {};

// N in {1, 7, 64, 129} x K in {5, 64, 130, 257}, one function each with a
// dynamic M, each called with M in {1, 3, 17}.
TEST_P(RaggedShapes, MatchesReference) {
  const RaggedCase &c = GetParam();
  const int64_t ns[] = {1, 7, 64, 129}, ks[] = {5, 64, 130, 257};
  const std::vector<int64_t> ms = {1, 3, 17};
  std::mt19937 rng(20240611);
  std::vector<MatmulSpec> grid;
  for (int64_t n : ns)
    for (int64_t k : ks) {
      MatmulSpec spec;
      spec.scheme = c.scheme;
      spec.n = n;
      spec.k = k;
      spec.m = 17;
      spec.constWeights = c.constWeights;
      grid.push_back(spec);
    }
  MatmulSet set;
  ASSERT_EQ(makeSet(grid, rng, set), "");
  Compiled ref, cpu;
  ASSERT_TRUE(compileBoth(set.text, set.names, set.specPtrs(), set.dataPtrs(),
                          ref, cpu, "host", kSweepOptLevel));
  callAndCompare(set, ref, cpu, ms, c.scheme);
}

#define QF_RAGGED(NAME, SCHEME)                                                \
  RaggedCase{NAME "_args", SCHEME, false}, RaggedCase{NAME "_const", SCHEME, true}

INSTANTIATE_TEST_SUITE_P(
    Schemes, RaggedShapes,
    ::testing::Values(QF_RAGGED("f32", "f32"), QF_RAGGED("w8", "w8"),
                      QF_RAGGED("w8asym", "w8asym"),
                      QF_RAGGED("w8_tensor", "w8-tensor"),
                      QF_RAGGED("w4g32", "w4g32"),
                      QF_RAGGED("w4g64asym", "w4g64asym"),
                      QF_RAGGED("w4g128", "w4g128"),
                      QF_RAGGED("w4g128_f16", "w4g128-f16"),
                      QF_RAGGED("w2g32", "w2g32"),
                      QF_RAGGED("w2g64asym", "w2g64asym"),
                      QF_RAGGED("nf4g64", "nf4g64"),
                      QF_RAGGED("nf4g32_bf16", "nf4g32-bf16"),
                      QF_RAGGED("fp4g32", "fp4g32"),
                      QF_RAGGED("fp8", "fp8"), QF_RAGGED("fp8e5m2", "fp8e5m2"),
                      QF_RAGGED("a8w8", "a8w8"),
                      QF_RAGGED("a8w8_static", "a8w8-static"),
                      QF_RAGGED("a8w8_tensor", "a8w8-tensor")),
    [](const ::testing::TestParamInfo<RaggedCase> &info) {
      return std::string(info.param.name);
    });

//===----------------------------------------------------------------------===//
// int8 activations (Int8ActivationKernel.cpp): 4- and 8-bit weights x int8
// activations quantized per group, against the f32-activation reference
//===----------------------------------------------------------------------===//

class Int8Activations : public ::testing::TestWithParam<const char *> {};

// Ragged N and K (K not a multiple of the 64 / 32-element block or of the group),
// dynamic M (the int8 kernel serves every M, no large-M kernel). Outputs must be within
// the f32 bound plus the activation rounding (compareOutputs); and the int8
// kernel must really have run: some outputs are outside the f32 bound
// alone.
TEST_P(Int8Activations, WithinActivationRoundingOfReference) {
  const char *scheme = GetParam();
  const int64_t ns[] = {1, 7, 129}, ks[] = {5, 64, 130, 257, 1000};
  const std::vector<int64_t> ms = {1, 3, 17, 40, 70};
  std::mt19937 rng(20261124);
  std::vector<MatmulSpec> grid;
  for (int64_t n : ns)
    for (int64_t k : ks) {
      MatmulSpec spec;
      spec.scheme = scheme;
      spec.n = n;
      spec.k = k;
      spec.m = 70;
      spec.int8Activations = true;
      // One case with the epilogue on top of the integer dots.
      spec.bias = n == 7 && k == 257;
      spec.activation = spec.bias ? "gelu" : "none";
      grid.push_back(spec);
    }
  MatmulSet set;
  ASSERT_EQ(makeSet(grid, rng, set), "");
  Compiled ref, cpu;
  ASSERT_TRUE(compileBoth(set.text, set.names, set.specPtrs(), set.dataPtrs(),
                          ref, cpu, "host", kSweepOptLevel,
                          /*int8Activations=*/true));
  int outsideF32Bound = 0;
  ASSERT_NO_FATAL_FAILURE(callAndCompare(
      set, ref, cpu, ms, scheme,
      [&](const MatmulSpec &spec, const MatmulData &data,
          const PreparedCall &refCall, const PreparedCall &cpuCall) {
        MatmulSpec f32Bound = spec;
        f32Bound.int8Activations = false;
        std::string report;
        outsideF32Bound += qforge::harness::compareOutputs(
            f32Bound, data, refCall.outBytes, cpuCall.outBytes, report);
      }));
  EXPECT_GT(outsideF32Bound, 0)
      << "every output is within the f32 bound: the int8 kernel did not run";
}

INSTANTIATE_TEST_SUITE_P(Schemes, Int8Activations,
                         ::testing::Values("w4g64", "w4g128", "w4g128asym",
                                           "w4g256", "w4", "w4asym", "w8",
                                           "w8asym", "w8g32", "w8g128asym",
                                           "nf4g64", "nf4", "fp4g64"),
                         [](const ::testing::TestParamInfo<const char *> &info) {
                           return std::string(info.param);
                         });

//===----------------------------------------------------------------------===//
// Large M (the GEMM kernel of LargeMKernel.cpp, from 32 rows on)
//===----------------------------------------------------------------------===//

class LargeMShapes : public ::testing::TestWithParam<RaggedCase> {};

// Ragged for the large-M kernel: N in {5, 37} (below one panel of 16, and
// two panels + a partial one), K in {70, 300, 600} (one partial K block,
// blocks of 256 floats / 512 int8 plus a tail, and not multiples of the
// group size), a dynamic M called with M = 31 (small-M kernel), 32 (the
// threshold: 5 blocks of 6 rows + 2), 45 (+ 2 + 1) and 100 (+ 4), the same
// function each time.
TEST_P(LargeMShapes, MatchesReference) {
  const RaggedCase &c = GetParam();
  const int64_t ns[] = {5, 37}, ks[] = {70, 300, 600};
  const std::vector<int64_t> ms = {31, 32, 45, 100};
  std::mt19937 rng(4242);
  std::vector<MatmulSpec> grid;
  for (int64_t n : ns)
    for (int64_t k : ks) {
      MatmulSpec spec;
      spec.scheme = c.scheme;
      spec.n = n;
      spec.k = k;
      spec.m = 100;
      spec.constWeights = c.constWeights;
      grid.push_back(spec);
    }
  MatmulSet set;
  ASSERT_EQ(makeSet(grid, rng, set), "");
  Compiled ref, cpu;
  ASSERT_TRUE(compileBoth(set.text, set.names, set.specPtrs(), set.dataPtrs(),
                          ref, cpu, "host", kSweepOptLevel));
  callAndCompare(set, ref, cpu, ms, c.scheme);
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, LargeMShapes,
    ::testing::Values(QF_RAGGED("f32", "f32"), QF_RAGGED("w8", "w8"),
                      QF_RAGGED("w8asym", "w8asym"),
                      QF_RAGGED("w4g32", "w4g32"),
                      QF_RAGGED("w4g64asym", "w4g64asym"),
                      QF_RAGGED("w4g128", "w4g128"),
                      QF_RAGGED("w2g64asym", "w2g64asym"),
                      QF_RAGGED("nf4g64", "nf4g64"),
                      QF_RAGGED("fp4g32", "fp4g32"), QF_RAGGED("fp8", "fp8"),
                      QF_RAGGED("a8w8", "a8w8"),
                      QF_RAGGED("a8w8_static", "a8w8-static"),
                      QF_RAGGED("a8w8_tensor", "a8w8-tensor")),
    [](const ::testing::TestParamInfo<RaggedCase> &info) {
      return std::string(info.param.name);
    });

//===----------------------------------------------------------------------===//
// Epilogues, batch dims, lhs types
//===----------------------------------------------------------------------===//

struct EpilogueCase {
  const char *name;
  MatmulSpec spec;
};

MatmulSpec make(const char *scheme, int64_t m, int64_t n, int64_t k,
                std::function<void(MatmulSpec &)> edit = nullptr) {
  MatmulSpec s;
  s.scheme = scheme;
  s.m = m;
  s.n = n;
  s.k = k;
  if (edit)
    edit(s);
  return s;
}

std::vector<EpilogueCase> epilogueCases() {
  return {
      // Large M (>= 32 rows: LargeMKernel.cpp), static and dynamic.
      {"largeM_w4g32_bias_gelu_residual", make("w4g32", 45, 37, 300, [](MatmulSpec &s) {
         s.bias = true;
         s.activation = "gelu";
         s.residual = true;
       })},
      {"largeM_w8_requant_i8_staticM", make("w8", 40, 19, 64, [](MatmulSpec &s) {
         s.bias = true;
         s.outType = "i8";
         s.dynamicM = false;
       })},
      {"largeM_nf4g64_f16_lhs_silu", make("nf4g64", 33, 20, 128, [](MatmulSpec &s) {
         s.lhsType = "f16";
         s.activation = "silu";
       })},
      {"largeM_w4g64asym_batch", make("w4g64asym", 20, 9, 200, [](MatmulSpec &s) {
         s.batch = {2};
         s.bias = true;
         s.residual = true;
       })},
      {"largeM_a8w8_bias_gelu_residual", make("a8w8", 50, 21, 77, [](MatmulSpec &s) {
         s.bias = true;
         s.activation = "gelu";
         s.residual = true;
       })},
      {"largeM_a8w8_requant_ui8", make("a8w8", 38, 30, 600, [](MatmulSpec &s) {
         s.bias = true;
         s.activation = "relu";
         s.outType = "ui8";
       })},
      {"largeM_a8w8static_requant_i8_staticM", make("a8w8-static", 36, 17, 50, [](MatmulSpec &s) {
         s.activation = "silu";
         s.outType = "i8";
         s.dynamicM = false;
       })},
      {"largeM_a8w8_i8_lhs_per_row", make("a8w8", 41, 10, 45, [](MatmulSpec &s) {
         s.lhsType = "i8";
         s.perRowLhsScale = true;
         s.bias = true;
       })},
      {"w8_bias_relu", make("w8", 5, 37, 70, [](MatmulSpec &s) {
         s.bias = true;
         s.activation = "relu";
       })},
      {"w4g32_bias_gelu_residual", make("w4g32", 3, 33, 100, [](MatmulSpec &s) {
         s.bias = true;
         s.activation = "gelu";
         s.residual = true;
       })},
      {"nf4g64_silu_residual_staticM", make("nf4g64", 4, 20, 128, [](MatmulSpec &s) {
         s.activation = "silu";
         s.residual = true;
         s.dynamicM = false;
       })},
      {"w8_requant_i8", make("w8", 3, 19, 64, [](MatmulSpec &s) {
         s.bias = true;
         s.outType = "i8";
       })},
      {"w4g64asym_batch", make("w4g64asym", 3, 9, 200, [](MatmulSpec &s) {
         s.batch = {2};
         s.bias = true;
         s.residual = true;
       })},
      {"w8_f16_lhs", make("w8", 3, 12, 40, [](MatmulSpec &s) { s.lhsType = "f16"; })},
      {"f32_bf16_lhs", make("f32", 2, 12, 40, [](MatmulSpec &s) { s.lhsType = "bf16"; })},
      {"a8w8_bias_gelu_residual", make("a8w8", 5, 21, 77, [](MatmulSpec &s) {
         s.bias = true;
         s.activation = "gelu";
         s.residual = true;
       })},
      {"a8w8_requant_ui8", make("a8w8", 4, 30, 64, [](MatmulSpec &s) {
         s.bias = true;
         s.activation = "relu";
         s.outType = "ui8";
       })},
      {"a8w8static_requant_i8_silu", make("a8w8-static", 3, 17, 50, [](MatmulSpec &s) {
         s.activation = "silu";
         s.outType = "i8";
       })},
      {"a8w8_i8_lhs_per_row", make("a8w8", 6, 10, 45, [](MatmulSpec &s) {
         s.lhsType = "i8";
         s.perRowLhsScale = true;
         s.bias = true;
       })},
      {"a8w8_i8_lhs_tensor_scale_batch", make("a8w8", 3, 10, 45, [](MatmulSpec &s) {
         s.lhsType = "i8";
         s.batch = {2};
         s.dynamicM = false;
       })},
  };
}

/// Each spec as function names[i] (data drawn from `rng` in order, then
/// changed by `edit` if given), compiled with the reference and the CPU
/// pipeline for `target`, called once each and compared.
void compileCallAndCompare(
    const std::vector<MatmulSpec> &specs, const std::vector<std::string> &names,
    std::mt19937 &rng, const std::string &target = "host",
    bool int8Activations = false,
    const std::function<void(const MatmulSpec &, MatmulData &)> &edit =
        nullptr) {
  std::vector<MatmulData> datas(specs.size());
  std::vector<const MatmulSpec *> specPtrs;
  std::vector<const MatmulData *> dataPtrs;
  std::string text;
  for (size_t i = 0; i < specs.size(); ++i) {
    ASSERT_EQ(makeData(specs[i], rng, datas[i]), "") << names[i];
    if (edit)
      edit(specs[i], datas[i]);
    text += functionText(names[i], specs[i], datas[i]);
    specPtrs.push_back(&specs[i]);
    dataPtrs.push_back(&datas[i]);
  }
  Compiled ref, cpu;
  ASSERT_TRUE(compileBoth(text, names, specPtrs, dataPtrs, ref, cpu, target,
                          kOptLevel, int8Activations));
  for (size_t i = 0; i < specs.size(); ++i) {
    PreparedCall refCall, cpuCall;
    std::string error;
    ASSERT_TRUE(prepare(*ref.engine, names[i], specs[i], datas[i], refCall, error))
        << error;
    ASSERT_TRUE(prepare(*cpu.engine, names[i], specs[i], datas[i], cpuCall, error))
        << error;
    refCall.invoke();
    cpuCall.invoke();
    EXPECT_EQ(compareOutputs(names[i], specs[i], datas[i], refCall, cpuCall), 0);
  }
}

class Epilogues : public ::testing::Test {};

TEST_F(Epilogues, MatchReference) {
  std::vector<MatmulSpec> specs;
  std::vector<std::string> names;
  for (const EpilogueCase &c : epilogueCases()) {
    specs.push_back(c.spec);
    names.push_back(c.name);
  }
  std::mt19937 rng(77);
  ASSERT_NO_FATAL_FAILURE(compileCallAndCompare(specs, names, rng));
}

// A target without AVX2 takes 128-bit vectors (4 f32 lanes) and the portable
// integer dot product: still exact / within the bound.
TEST(Targets, PortableX86WithoutAVX2) {
  std::vector<MatmulSpec> specs = {make("w4g32", 3, 9, 70),
                                   make("a8w8", 3, 9, 70),
                                   make("w4g32", 40, 19, 300),
                                   make("a8w8", 40, 19, 600)};
  std::vector<std::string> names = {"w4", "a8", "w4_largeM", "a8_largeM"};
  std::mt19937 rng(5);
  ASSERT_NO_FATAL_FAILURE(compileCallAndCompare(specs, names, rng, "x86_64"));
}

// int8 activations on the same target: the portable 4-byte dot products
// (dotGroupsOf4) instead of vpmaddubsw, for 4-bit, 8-bit and table codes.
TEST(Targets, PortableX86Int8Activations) {
  std::vector<MatmulSpec> specs = {make("w4g64", 3, 9, 130),
                                   make("w8asym", 17, 19, 70),
                                   make("nf4g64", 5, 9, 200)};
  for (MatmulSpec &spec : specs)
    spec.int8Activations = true;
  std::vector<std::string> names = {"w4", "w8", "nf4"};
  std::mt19937 rng(6);
  ASSERT_NO_FATAL_FAILURE(compileCallAndCompare(specs, names, rng, "x86_64",
                                                /*int8Activations=*/true));
}

// Symmetric 8-bit codes may be -128 (the quantizer never writes it, an
// imported model may): the kernel's sign trick on AVX2 multiplies |q| =
// 128 as an unsigned byte and moves q's sign onto the activation, exact
// for it too. Every 5th code is set to -128 (the per-channel scale kept).
TEST(Int8ActivationCodes, MinusOneTwentyEightIsExact) {
  std::vector<MatmulSpec> specs = {make("w8", 5, 9, 96), make("w8g32", 3, 17, 70)};
  for (MatmulSpec &spec : specs)
    spec.int8Activations = true;
  std::vector<std::string> names = {"w8", "w8g32"};
  std::mt19937 rng(128);
  ASSERT_NO_FATAL_FAILURE(compileCallAndCompare(
      specs, names, rng, "host", /*int8Activations=*/true,
      [](const MatmulSpec &spec, MatmulData &data) {
        int64_t groups = data.scale.numElements() / spec.n;
        int64_t groupSize = groups > 1 ? data.scheme.groupSize : spec.k;
        for (int64_t i = 3; i < spec.n * spec.k; i += 5) {
          int64_t row = i / spec.k, col = i % spec.k;
          float scale;
          std::memcpy(&scale,
                      data.scale.bytes.data() +
                          4 * (row * groups + col / groupSize),
                      4);
          data.w.bytes[i] = 0x80;
          data.wDequant[i] = -128.0f * scale;
        }
      }));
}

} // namespace
