//===- MatmulHarness.h - Build, JIT and run qf.matmul kernels ---*- C++ -*-===//
//
// Shared by qforge-bench, the kernel unit tests and (next) autoquant's
// measurements: random data quantized
// with the numeric core, a qf.matmul function per case (weights bound as
// constants, or passed as arguments), compiled with either the reference
// pipeline or the CPU pipeline and run through mlir::ExecutionEngine.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_BENCH_MATMULHARNESS_H
#define QFORGE_BENCH_MATMULHARNESS_H

#include "qforge/Quant/QuantizeTensor.h"
#include "qforge/Quant/Scheme.h"

#include "qforge-c/qforge_parallel.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace qforge::harness {

/// One qf.matmul function.
struct MatmulSpec {
  std::string scheme = "f32";
  std::vector<int64_t> batch; ///< Leading (static) batch dims of lhs.
  int64_t m = 1;              ///< Rows per batch entry (at run time).
  bool dynamicM = true;       ///< The function takes any M.
  int64_t n = 1, k = 1;
  std::string lhsType = "f32"; ///< f32 | f16 | bf16 | i8 (a8 schemes)
  bool perRowLhsScale = false; ///< i8 lhs: per-row instead of rank-0 scale
  bool bias = false, residual = false;
  std::string activation = "none"; ///< none | relu | gelu | silu
  std::string outType = "f32";     ///< f32 | i8 | ui8 (requantized)
  bool constWeights = true; ///< weights/scales/zero points as constants
  /// Compiled with int8-activations: 4- and 8-bit integer schemes it applies to
  /// (int8ActivationGroup) round the activations to int8 per weight group,
  /// which compareOutputs allows for.
  bool int8Activations = false;
};

/// A raw buffer with its MLIR element type and shape.
struct Buffer {
  std::string elt; ///< MLIR element type text ("f32", "ui4", "f8E4M3FN", ...)
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes; ///< one element per 1, 2 or 4 bytes
  int64_t numElements() const;
  std::string tensorType() const; ///< "tensor<3x4xf32>"
};

/// Everything one matmul call reads, in storage form, plus the float view of
/// the weights (for error bounds).
struct MatmulData {
  quant::Scheme scheme;
  Buffer x, w, scale, zeroPoint, lhsScale, bias, residual, outScale, outZp;
  std::vector<float> xF32;      ///< lhs as f32 [rows, K] (rows = batch * M)
  std::vector<float> wDequant;  ///< W as the reference dequantizes it [N, K]
  std::vector<float> zeroTerms; ///< |zero term| per weight element (see makeData)
  /// With int8 activations and table codes (NF4, FP4): W as the kernel
  /// multiplies it, scale * int8 level * step (quant::Int8Codebook); else
  /// empty (the kernel multiplies wDequant's values).
  std::vector<float> wInt8Codebook;
  int64_t rows = 0;             ///< batch * M
};

/// Random data for `spec` (normal weights and activations; the weights
/// quantized with lib/Quant under the scheme). Returns an error text on a
/// bad scheme.
std::string makeData(const MatmulSpec &spec, std::mt19937 &rng,
                     MatmulData &data);

/// Several matmuls compiled in one module: a function "mm_n<N>_k<K>" each.
struct MatmulSet {
  std::vector<MatmulSpec> specs;
  std::vector<MatmulData> datas;
  std::vector<std::string> names;
  std::string text; ///< the module's functions

  std::vector<const MatmulSpec *> specPtrs() const;
  std::vector<const MatmulData *> dataPtrs() const;
};

/// makeData for each spec in order (so `rng` is drawn as by one loop over
/// them) and the functions' text; an error text on a bad scheme.
std::string makeSet(const std::vector<MatmulSpec> &specs, std::mt19937 &rng,
                    MatmulSet &set);

/// The first `m` rows (of a spec without batch dims) of data made for more
/// rows: same weights, fewer activations.
MatmulData sliceRows(const MatmulSpec &spec, const MatmulData &data, int64_t m);

/// Weight rows (output channels) (r + rotate) % N for r in [n0, n1) of data
/// made for `spec`, with their scales, zero points and bias: a slice of the
/// layer (rotate = 0), or a different weight of the same shape (rotate > 0).
/// Requires a spec without residual or requantized output.
MatmulData selectRows(const MatmulSpec &spec, const MatmulData &data,
                      int64_t n0, int64_t n1, int64_t rotate);

/// `func.func @<name>` computing the matmul of `spec` into an out-param
/// memref (llvm.emit_c_interface). Arguments, in order: lhs, weight, scale,
/// zero point, lhs scale, bias, residual, out scale, out zp (those present),
/// then the output.
std::string functionText(const std::string &name, const MatmulSpec &spec,
                         const MatmulData &data);

/// Everything registered that the pipelines need, and the LLVM native target.
void initialize(mlir::MLIRContext &context);

/// Parses `text`; if constWeights, binds weight, scale and zero point of
/// every function `@<names[i]>` to arith.constant values of datas[i].
mlir::OwningOpRef<mlir::ModuleOp>
buildModule(mlir::MLIRContext &context, const std::string &text,
            const std::vector<std::string> &names,
            const std::vector<const MatmulSpec *> &specs,
            const std::vector<const MatmulData *> &datas, std::string &error);

/// Runs `pipeline` on the module and JIT-compiles it for the host (LLVM IR
/// optimization and code generation at `optLevel`, 0..3).
std::unique_ptr<mlir::ExecutionEngine>
compile(mlir::ModuleOp module,
        const std::function<void(mlir::OpPassManager &)> &pipeline,
        std::string &error, unsigned optLevel = 3);

/// Binds the parallel-loop hooks of a module compiled with the CPU pipeline
/// (include/qforge-c/qforge_parallel.h) to `pool`; nullptr unbinds them (the
/// kernels then run serially). False when the module has no such hooks.
bool bindPool(mlir::ExecutionEngine &engine, qforge_pool *pool);

/// Calls @name of a compiled module on `data`, writing the [rows, N] output
/// (f32 as floats; i8/ui8 results widened to float) to `out`.
/// `weightsOverride` replaces the weight buffer argument (non-const only).
bool run(mlir::ExecutionEngine &engine, const std::string &name,
         const MatmulSpec &spec, const MatmulData &data,
         std::vector<float> &out, std::string &error);

/// Lower-level: the c-interface entry of @name and its argument descriptors.
struct PreparedCall {
  void *fn = nullptr;
  std::vector<std::vector<int64_t>> descriptors; ///< one blob per argument
  std::vector<uint8_t> outBytes;
  std::string outElt;
  void invoke();
};
bool prepare(mlir::ExecutionEngine &engine, const std::string &name,
             const MatmulSpec &spec, const MatmulData &data,
             PreparedCall &call, std::string &error);
/// The output of a prepared call as floats.
std::vector<float> outputAsFloats(const PreparedCall &call);

/// Compares a kernel's raw output with the reference's: bit-exact for a8
/// schemes, within one code for requantized float-path outputs, and within
/// (2K + 16) * 2^-24 * magnitude (x1.25 with an activation) for f32 outputs
/// (docs/KERNELS.md); with int8 activations (int8ActivationGroup), plus
/// sum_k |W[n,k]| * s[m,g(k)] / 2, s = max |x| of the group / 127, the most
/// their rounding can move the result. Returns the number of mismatches; describes up to
/// `maxReports` of them in `report`.
int compareOutputs(const MatmulSpec &spec, const MatmulData &data,
                   const std::vector<uint8_t> &reference,
                   const std::vector<uint8_t> &kernel, std::string &report,
                   int maxReports = 5);

/// The K elements per activation scale when `spec` is compiled with
/// int8-activations and its scheme takes that kernel (4-bit integer weights,
/// groups of a multiple of 64 or one scale per channel: K); 0 otherwise.
int64_t int8ActivationGroup(const MatmulSpec &spec, const quant::Scheme &scheme);

/// The last-level cache's size in bytes (sysfs; 32 MiB when unknown):
/// timings rotate weight copies past it, as a decode step reads them from
/// memory.
int64_t lastLevelCacheBytes();

/// sum_k |x[m,k]| * (|W[n,k]| + |zero term|): the magnitude of the terms a
/// kernel adds up, for float error bounds. [rows, N].
std::vector<double> magnitudes(const MatmulSpec &spec, const MatmulData &data);

} // namespace qforge::harness

#endif
