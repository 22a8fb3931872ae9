//===- ParallelToLLVM.cpp - Outlined kernel loops through the pool hook --===//
//
// On the LLVM dialect, each body function outlined by
// --qf-cpu-outline-parallel (marked qf.cpu.parallel_grain) gets a task
// wrapper with the runtime's C ABI (include/qforge-c/qforge_parallel.h):
//
//   void body_task(void *ctx, int64_t begin, int64_t end)
//     = body(begin, end, ctx->captured...)
//
// and each call `body(0, count, captured...)` becomes
//
//   ctx = {captured...}                          (entry-block alloca)
//   fn  = qforge_parallel_for ? qforge_parallel_for : <serial>
//   fn(qforge_parallel_pool, body_task, &ctx, count, grain)
//
// where @qforge_parallel_for / @qforge_parallel_pool are weak,
// null-initialized globals of the module that a runtime binds to its thread
// pool (one pool per loaded artifact or JIT module, created once and reused by
// every kernel call). <serial> is a module-local function that calls
// task(ctx, 0, count): unbound modules (mlir-runner, a plain ExecutionEngine)
// run exactly the single-threaded code.
//
//===----------------------------------------------------------------------===//

#include "Parallel.h"

#include "qforge/Conversion/QFToCPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace qforge::cpu {
#define GEN_PASS_DEF_QFPARALLELTOLLVM
#include "qforge/Conversion/QFToCPU/Passes.h.inc"
} // namespace qforge::cpu

using namespace mlir;
using qforge::cpu::kParallelGrainAttr;

namespace {

constexpr llvm::StringLiteral kForSymbol = "qforge_parallel_for";
constexpr llvm::StringLiteral kPoolSymbol = "qforge_parallel_pool";
constexpr llvm::StringLiteral kSerialSymbol = "qforge_parallel_for_serial";

struct Builder {
  ModuleOp module;
  /// One table for the whole pass: building one per lookup or insertion
  /// scans the module each time, quadratic in the number of kernels.
  SymbolTable symbols;
  OpBuilder b;
  Type ptr, i64;

  explicit Builder(ModuleOp m)
      : module(m), symbols(m), b(m.getContext()),
        ptr(LLVM::LLVMPointerType::get(m.getContext())),
        i64(IntegerType::get(m.getContext(), 64)) {}

  /// void (ptr ctx, i64 begin, i64 end)
  LLVM::LLVMFunctionType taskType() {
    return LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(b.getContext()),
                                       {ptr, i64, i64});
  }
  /// void (ptr pool, ptr task, ptr ctx, i64 count, i64 grain)
  LLVM::LLVMFunctionType forType() {
    return LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(b.getContext()),
                                       {ptr, ptr, ptr, i64, i64});
  }

  /// A weak pointer global initialized to null (created once).
  LLVM::GlobalOp pointerGlobal(StringRef name) {
    if (auto g = symbols.lookup<LLVM::GlobalOp>(name))
      return g;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    Location loc = module.getLoc();
    auto g = LLVM::GlobalOp::create(b, loc, ptr, /*isConstant=*/false,
                                    LLVM::Linkage::Weak, name, Attribute(),
                                    /*alignment=*/8);
    Block *init = b.createBlock(&g.getInitializerRegion());
    b.setInsertionPointToStart(init);
    Value null = LLVM::ZeroOp::create(b, loc, ptr);
    LLVM::ReturnOp::create(b, loc, null);
    symbols.insert(g);
    return g;
  }

  /// qforge_parallel_for_serial(pool, task, ctx, count, grain):
  /// task(ctx, 0, count).
  LLVM::LLVMFuncOp serialFor() {
    if (auto f = symbols.lookup<LLVM::LLVMFuncOp>(kSerialSymbol))
      return f;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    Location loc = module.getLoc();
    auto f = LLVM::LLVMFuncOp::create(b, loc, kSerialSymbol, forType(),
                                      LLVM::Linkage::Internal);
    Block *entry = f.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    Value zero = LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(0));
    LLVM::CallOp::create(b, loc, taskType(),
                         ValueRange{entry->getArgument(1),
                                    entry->getArgument(2), zero,
                                    entry->getArgument(3)});
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    symbols.insert(f);
    return f;
  }

  /// body_task(ctx, begin, end): body(begin, end, *ctx...).
  LLVM::LLVMFuncOp task(LLVM::LLVMFuncOp body, LLVM::LLVMStructType ctxType) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfter(body);
    Location loc = body.getLoc();
    auto f = LLVM::LLVMFuncOp::create(b, loc, (body.getName() + "_task").str(),
                                      taskType(), LLVM::Linkage::Internal);
    symbols.insert(f);
    Block *entry = f.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    SmallVector<Value> args = {entry->getArgument(1), entry->getArgument(2)};
    Value ctx = LLVM::LoadOp::create(b, loc, ctxType, entry->getArgument(0));
    for (unsigned i = 0; i < ctxType.getBody().size(); ++i)
      args.push_back(LLVM::ExtractValueOp::create(b, loc, ctx, i));
    LLVM::CallOp::create(b, loc, body, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    return f;
  }
};

bool isZero(Value v) {
  auto c = v.getDefiningOp<LLVM::ConstantOp>();
  auto attr = c ? dyn_cast<IntegerAttr>(c.getValue()) : IntegerAttr();
  return attr && attr.getValue().isZero();
}

LogicalResult rewriteCall(Builder &bld, LLVM::CallOp call,
                          LLVM::LLVMFuncOp body, LLVM::LLVMFuncOp task,
                          LLVM::LLVMStructType ctxType, int64_t grain) {
  OpBuilder &b = bld.b;
  Location loc = call.getLoc();
  ValueRange operands = call.getArgOperands();
  // The outlining pass always calls over [0, count); anything else stays a
  // plain (serial, still correct) call.
  if (operands.size() != ctxType.getBody().size() + 2 || !isZero(operands[0]))
    return success();
  auto parent = call->getParentOfType<LLVM::LLVMFuncOp>();
  b.setInsertionPointToStart(&parent.getBody().front());
  Value one = LLVM::ConstantOp::create(b, loc, bld.i64, b.getI64IntegerAttr(1));
  Value ctx = LLVM::AllocaOp::create(b, loc, bld.ptr, ctxType, one, 16);

  b.setInsertionPoint(call);
  Value packed = LLVM::UndefOp::create(b, loc, ctxType);
  for (unsigned i = 0; i < ctxType.getBody().size(); ++i)
    packed = LLVM::InsertValueOp::create(b, loc, packed, operands[i + 2], i);
  LLVM::StoreOp::create(b, loc, packed, ctx);
  Value fn = LLVM::LoadOp::create(
      b, loc, bld.ptr,
      LLVM::AddressOfOp::create(b, loc, bld.pointerGlobal(kForSymbol)));
  Value pool = LLVM::LoadOp::create(
      b, loc, bld.ptr,
      LLVM::AddressOfOp::create(b, loc, bld.pointerGlobal(kPoolSymbol)));
  Value null = LLVM::ZeroOp::create(b, loc, bld.ptr);
  Value unbound =
      LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, fn, null);
  Value serial = LLVM::AddressOfOp::create(b, loc, bld.serialFor());
  fn = LLVM::SelectOp::create(b, loc, unbound, serial, fn);
  Value taskPtr = LLVM::AddressOfOp::create(b, loc, task);
  Value grainValue =
      LLVM::ConstantOp::create(b, loc, bld.i64, b.getI64IntegerAttr(grain));
  LLVM::CallOp::create(b, loc, bld.forType(),
                       ValueRange{fn, pool, taskPtr, ctx, operands[1],
                                  grainValue});
  call.erase();
  return success();
}

struct ParallelToLLVMPass
    : qforge::cpu::impl::QFParallelToLLVMBase<ParallelToLLVMPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder bld(module);
    SmallVector<LLVM::LLVMFuncOp> bodies;
    module.walk([&](LLVM::LLVMFuncOp f) {
      if (f->hasAttr(kParallelGrainAttr) && !f.isExternal())
        bodies.push_back(f);
    });
    // Every call, by callee, in one walk (not one walk per body).
    llvm::DenseMap<StringAttr, SmallVector<LLVM::CallOp>> callsOf;
    module.walk([&](LLVM::CallOp call) {
      if (FlatSymbolRefAttr callee = call.getCalleeAttr())
        callsOf[callee.getAttr()].push_back(call);
    });
    for (LLVM::LLVMFuncOp body : bodies) {
      auto grainAttr = body->getAttrOfType<IntegerAttr>(kParallelGrainAttr);
      auto type = body.getFunctionType();
      if (!grainAttr || type.getNumParams() < 2 ||
          type.getParamType(0) != bld.i64 || type.getParamType(1) != bld.i64 ||
          !isa<LLVM::LLVMVoidType>(type.getReturnType())) {
        body.emitOpError("qf-cpu-parallel-to-llvm expects a void function "
                         "(i64 begin, i64 end, ...) with an integer ")
            << kParallelGrainAttr;
        return signalPassFailure();
      }
      body->removeAttr(kParallelGrainAttr);
      SmallVector<Type> fields(type.getParams().drop_front(2));
      auto ctxType = LLVM::LLVMStructType::getLiteral(&getContext(), fields);
      SmallVector<LLVM::CallOp> &calls = callsOf[body.getSymNameAttr()];
      if (calls.empty())
        continue;
      LLVM::LLVMFuncOp task = bld.task(body, ctxType);
      for (LLVM::CallOp call : calls)
        if (failed(rewriteCall(bld, call, body, task, ctxType,
                               grainAttr.getInt())))
          return signalPassFailure();
    }
  }
};

} // namespace
