//===- PrepareExport.cpp - The exported function, ready for an artifact --===//
//
// qf-prepare-export marks the function an artifact exports with
// `llvm.emit_c_interface` (the runtime calls its C interface through the
// packed entry point) and drops the qf.name / qf.dim_names attributes of
// its arguments and results: the names live in the artifact's signature
// (report, header, qforge_model_info), and LLVM would only warn about
// attributes it does not know.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFPREPAREEXPORT
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;
using namespace qforge::qf;

namespace {

struct PrepareExportPass
    : qforge::qf::impl::QFPrepareExportBase<PrepareExportPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<func::FuncOp>(entry);
    if (!fn || fn.isExternal()) {
      module.emitError() << "qf-prepare-export: no function named '" << entry
                         << "' with a body in the module";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    fn->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      fn.removeArgAttr(i, kNameAttrName);
      fn.removeArgAttr(i, kDimNamesAttrName);
    }
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      fn.removeResultAttr(i, StringAttr::get(ctx, kNameAttrName));
  }
};

} // namespace
