//===- KernelSelection.h - Which CPU kernel runs a qf.matmul ----*- C++ -*-===//
//
// The one place where the CPU backend decides (as IREE's KernelDispatch):
// qf-cpu-select-kernels writes selectKernel()'s answer on each qf.matmul as
// a #qf.cpu_kernel; qf-pack-weights and qf-lower-to-cpu read it back with
// getKernel(), which also checks that a config written by hand (or by
// autoquant) can run the op, and derive the packed layout from it with
// packedLayoutOf(). docs/KERNELS.md "Kernel selection".
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_CONVERSION_QFTOCPU_KERNELSELECTION_H
#define QFORGE_LIB_CONVERSION_QFTOCPU_KERNELSELECTION_H

#include "KernelBuilder.h"

#include "qforge/Conversion/QFToCPU/PackedLayout.h"
#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include <string>

namespace qforge::cpu {

/// qf-cpu-select-kernels' options.
struct SelectionPolicy {
  Int8ActivationPolicy int8Activations = Int8ActivationPolicy::Never;
  bool pack = true; ///< packed layouts for constant weights
};

/// The kernel qf-cpu-select-kernels chooses for `op` on a target with `cfg`.
qf::CPUKernelAttr selectKernel(qf::MatmulOp op, const KernelConfig &cfg,
                               const SelectionPolicy &policy);

/// Why the int8-activation kernel that `policy` asks for does not run `op`
/// (selectKernel chose another): the scheme, its groups, the weights, the
/// target. Empty when it runs `op`, when the policy does not ask for it,
/// and for schemes it does not concern (a8w8: int8 already; float).
std::string whyNoInt8Activations(qf::MatmulOp op, const KernelConfig &cfg,
                                 const SelectionPolicy &policy,
                                 qf::CPUKernelAttr selected);

/// Why `kernel` cannot run `op` on a target with `cfg`; empty when it can.
std::string whyKernelCannotRun(qf::MatmulOp op, qf::CPUKernelAttr kernel,
                               const KernelConfig &cfg);

/// The op's qf.cpu.kernel, checked with whyKernelCannotRun; emits an error
/// on `op` and fails when it is absent or cannot run.
mlir::FailureOr<qf::CPUKernelAttr> getKernel(qf::MatmulOp op,
                                             const KernelConfig &cfg);

/// The layout qf-pack-weights writes for a packed `kernel` of `op`.
PackedLayout packedLayoutOf(qf::MatmulOp op, qf::CPUKernelAttr kernel);

/// Whether the op's weight, scales and (asymmetric) zero points are
/// constants qf-pack-weights can read: the condition for a packed layout.
bool hasPackableConstants(qf::MatmulOp op);

} // namespace qforge::cpu

#endif
