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
    getOperation().walk([&](qf::MatmulOp op) {
      if (!op->hasAttr(qf::kCPUKernelAttrName))
        op->setAttr(qf::kCPUKernelAttrName, selectKernel(op, *cfg, policy));
    });
  }
};

} // namespace
