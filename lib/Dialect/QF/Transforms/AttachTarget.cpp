//===- AttachTarget.cpp - The code generation target as module data ------===//
//
// qf-attach-target puts `qf.target = #qf.target<"...">` on the module: the
// one place a target enters the IR; qf-detach-target removes it once code
// is generated. Every later pass reads it from there
// (qforge::qf::getTargetOf), so a pipeline names its target once and
// qforge-opt replays it from the IR alone.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/IR/QFAttrs.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Target/TargetInfo.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFATTACHTARGET
#define GEN_PASS_DEF_QFDETACHTARGET
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;
using namespace qforge;
using namespace qforge::qf;

namespace {

struct AttachTargetPass : qf::impl::QFAttachTargetBase<AttachTargetPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::string error;
    std::optional<Target> parsed = Target::parse(target, &error);
    if (!parsed) {
      module.emitError() << "qf-attach-target: " << error;
      return signalPassFailure();
    }
    // Named CPUs are checked (and host resolved) now, not at code generation.
    llvm::Expected<std::unique_ptr<TargetInfo>> info = TargetInfo::get(*parsed);
    if (!info) {
      module.emitError() << "qf-attach-target: "
                         << llvm::toString(info.takeError());
      return signalPassFailure();
    }
    module->setAttr(kTargetAttrName, TargetAttr::get(&getContext(), *parsed));
  }
};

struct DetachTargetPass : qf::impl::QFDetachTargetBase<DetachTargetPass> {
  void runOnOperation() override {
    getOperation()->removeAttr(kTargetAttrName);
  }
};

} // namespace
