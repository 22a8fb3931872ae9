//===- SelectKernels.cpp - qf-cpu-select-kernels --------------------------===//
//
// Writes each qf.matmul's #qf.cpu_kernel (KernelSelection.h); configs already
// on an op (by hand, by autoquant) are kept.
//
//===----------------------------------------------------------------------===//

#include "KernelSelection.h"

#include "qforge/Conversion/QFToCPU/Passes.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"

namespace qforge::cpu {
#define GEN_PASS_DEF_QFCPUSELECTKERNELS
#include "qforge/Conversion/QFToCPU/Passes.h.inc"
} // namespace qforge::cpu

using namespace mlir;
using namespace qforge;
using namespace qforge::cpu;

namespace {

struct SelectKernelsPass
    : cpu::impl::QFCPUSelectKernelsBase<SelectKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    FailureOr<KernelConfig> cfg =
        getKernelConfigFor(getOperation(), "qf-cpu-select-kernels");
    if (failed(cfg))
      return signalPassFailure();
    SelectionPolicy policy;
    policy.int8Activations = int8Activations;
    policy.pack = pack;
    bool failed = false;
    getOperation().walk([&](qf::MatmulOp op) {
      if (op->hasAttr(qf::kCPUKernelAttrName))
        return;
      // A plan's "+i8act" (qf-quantize marks the op): this op takes the
      // int8-activation kernel whatever the pass-wide policy.
      bool wantsInt8 = op->hasAttr(qf::kCPUInt8ActivationsAttrName);
      SelectionPolicy opPolicy = policy;
      if (wantsInt8)
        opPolicy.int8Activations = Int8ActivationPolicy::Always;
      qf::CPUKernelAttr kernel = selectKernel(op, *cfg, opPolicy);
      if (wantsInt8 && kernel.getKind() != qf::CPUKernelKind::Int8Activations) {
        op.emitOpError("asks for int8 activations (")
            << qf::kCPUInt8ActivationsAttrName
            << ") but the int8-activation kernel cannot take it on this "
               "target; the kernel would be "
            << kernel;
        failed = true;
        return;
      }
      op->setAttr(qf::kCPUKernelAttrName, kernel);
      // The compile report says per layer what the policy could not do.
      std::string why = whyNoInt8Activations(op, *cfg, opPolicy, kernel);
      if (!why.empty())
        op->setAttr(qf::kCPUInt8ActivationsNotAppliedAttrName,
                    StringAttr::get(op.getContext(), why));
    });
    if (failed)
      signalPassFailure();
  }
};

} // namespace
