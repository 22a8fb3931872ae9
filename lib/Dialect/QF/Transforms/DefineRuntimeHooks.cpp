//===- DefineRuntimeHooks.cpp - Error reports through a bound global ------===//
//
// qf-define-runtime-hooks: generated code calls qforge_index_error(index,
// size) when a run-time index is out of bounds, qforge_shape_error(...) when
// an output's declared static dimension differs from the computed one (it
// then reads and writes nothing out of bounds). An artifact cannot import
// those functions from its loader (it is dlopen'ed with RTLD_LOCAL, possibly
// from Python), so each gets a body here that calls through a global the
// loader binds after loading (include/qforge-c/qforge_errors.h), the way the
// kernels' thread pool is bound.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge-c/qforge_errors.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace qforge::qf {
#define GEN_PASS_DEF_QFDEFINERUNTIMEHOOKS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qforge::qf

using namespace mlir;

namespace {

/// A report function generated code calls and the global its body calls
/// through (qforge_errors.h).
struct Hook {
  const char *function;
  const char *global;
  unsigned numArgs; ///< all i64
};
constexpr Hook kHooks[] = {
    {QFORGE_INDEX_ERROR_FUNCTION, QFORGE_INDEX_ERROR_HOOK, 2},
    {QFORGE_SHAPE_ERROR_FUNCTION, QFORGE_SHAPE_ERROR_HOOK, 4},
};

struct DefineRuntimeHooksPass
    : qforge::qf::impl::QFDefineRuntimeHooksBase<DefineRuntimeHooksPass> {
  void runOnOperation() override {
    for (const Hook &hook : kHooks)
      if (failed(define(hook)))
        return signalPassFailure();
  }

  LogicalResult define(const Hook &h) {
    ModuleOp module = getOperation();
    auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(h.function);
    if (!fn)
      return success();
    MLIRContext *ctx = &getContext();
    Type i64 = IntegerType::get(ctx, 64);
    auto hookType = LLVM::LLVMFunctionType::get(
        LLVM::LLVMVoidType::get(ctx), SmallVector<Type>(h.numArgs, i64));
    if (!fn.isExternal() || fn.getFunctionType() != hookType)
      return fn.emitError() << "qf-define-runtime-hooks: @" << h.function
                            << " is reserved for run-time error reports ("
                            << "an external " << hookType << ")";
    Location loc = fn.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    // Null-initialized and exported: the loader finds it with dlsym.
    auto global = LLVM::GlobalOp::create(b, loc, ptr, /*isConstant=*/false,
                                         LLVM::Linkage::External, h.global,
                                         Attribute());
    {
      Block *init = b.createBlock(&global.getInitializerRegion());
      b.setInsertionPointToStart(init);
      LLVM::ReturnOp::create(b, loc,
                             LLVM::ZeroOp::create(b, loc, ptr).getResult());
    }
    // The body: if (hook) hook(args...);
    fn.setLinkage(LLVM::Linkage::Internal);
    Block *entry = fn.addEntryBlock(b);
    Block *call = new Block(), *done = new Block();
    fn.getBody().push_back(call);
    fn.getBody().push_back(done);
    b.setInsertionPointToStart(entry);
    Value address = LLVM::AddressOfOp::create(b, loc, ptr, h.global);
    Value target = LLVM::LoadOp::create(b, loc, ptr, address);
    Value isSet = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, target,
                                       LLVM::ZeroOp::create(b, loc, ptr));
    LLVM::CondBrOp::create(b, loc, isSet, call, done);
    b.setInsertionPointToStart(call);
    SmallVector<Value> args = {target};
    args.append(entry->args_begin(), entry->args_end());
    LLVM::CallOp::create(b, loc, hookType, args);
    LLVM::BrOp::create(b, loc, done);
    b.setInsertionPointToStart(done);
    LLVM::ReturnOp::create(b, loc, ValueRange());
    return success();
  }
};

} // namespace
