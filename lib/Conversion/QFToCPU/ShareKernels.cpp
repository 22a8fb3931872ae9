//===- ShareKernels.cpp - One function per distinct kernel ----------------===//
//
// qf-cpu-share-kernels: layers of one shape lower to functions that differ
// only in which constant globals (packed weights, scales, biases) they read.
// Code generation is the largest part of compiling a matmul-heavy model
// (issue 16: 117 s for 400 64x64 layers, 53 s of it in llc on 99 MB of IR),
// and all but one copy of each kernel are redundant. This pass keeps one
// function per group of equal ones; the addresses that differ become
// arguments. Decision and mechanism are one here: two functions are either
// the same code or not.
//
// Equality is structural and exact: the bodies are walked in lockstep (op
// names, result and block-argument types, attributes, properties, operands
// and successors under the pairing of values and blocks the walk builds),
// where an `llvm.mlir.addressof` of a constant global matches another of a
// constant global of the same type and alignment. A hash of what the walk
// compares (global names left out) puts candidates in buckets first, so the
// pass is linear in the module's size for distinct kernels.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToCPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallVector.h"

namespace qforge::cpu {
#define GEN_PASS_DEF_QFSHAREKERNELS
#include "qforge/Conversion/QFToCPU/Passes.h.inc"
} // namespace qforge::cpu

using namespace mlir;

namespace {

/// A constant global's address: what may differ between two functions that
/// are otherwise the same.
LLVM::GlobalOp constantGlobal(LLVM::AddressOfOp address,
                              SymbolTable &symbols) {
  auto global = symbols.lookup<LLVM::GlobalOp>(address.getGlobalName());
  return global && global.getConstant() ? global : LLVM::GlobalOp();
}

/// An op's attributes and properties, one dictionary (locations excluded).
DictionaryAttr attributesOf(Operation *op) {
  NamedAttrList all(op->getDiscardableAttrDictionary());
  if (Attribute props = op->getPropertiesAsAttribute())
    if (auto dict = dyn_cast<DictionaryAttr>(props))
      for (NamedAttribute attr : dict)
        all.set(attr.getName(), attr.getValue());
  return all.getDictionary(op->getContext());
}

/// A function's own attributes, without its name.
DictionaryAttr functionAttributes(LLVM::LLVMFuncOp fn) {
  NamedAttrList all(attributesOf(fn));
  all.erase(SymbolTable::getSymbolAttrName());
  return all.getDictionary(fn.getContext());
}

class KernelComparer {
public:
  explicit KernelComparer(SymbolTable &symbols) : symbols(symbols) {}

  /// What equality compares, global names excluded.
  llvm::hash_code hash(LLVM::LLVMFuncOp fn) {
    llvm::hash_code h = llvm::hash_value(functionAttributes(fn).getAsOpaquePointer());
    fn.getBody().walk([&](Operation *op) {
      h = llvm::hash_combine(h, op->getName().getAsOpaquePointer(),
                             op->getNumOperands(), op->getNumRegions(),
                             op->getNumSuccessors());
      for (Type t : op->getResultTypes())
        h = llvm::hash_combine(h, t.getAsOpaquePointer());
      if (auto address = dyn_cast<LLVM::AddressOfOp>(op)) {
        if (LLVM::GlobalOp global = constantGlobal(address, symbols)) {
          h = llvm::hash_combine(h, global.getGlobalType().getAsOpaquePointer(),
                                 global.getAlignment().value_or(0));
          return;
        }
      }
      h = llvm::hash_combine(h, attributesOf(op).getAsOpaquePointer());
    });
    return h;
  }

  /// Whether `a` and `b` run the same code; if so, `addresses` holds their
  /// addressof ops of constant globals, paired in walk order.
  bool equal(LLVM::LLVMFuncOp a, LLVM::LLVMFuncOp b,
             SmallVectorImpl<std::pair<LLVM::AddressOfOp, LLVM::AddressOfOp>>
                 &addresses) {
    if (functionAttributes(a) != functionAttributes(b))
      return false;
    values.clear();
    blocks.clear();
    pairs.clear();
    if (!regionsMatch(a.getBody(), b.getBody()))
      return false;
    // Operands and successors once every value and block is paired (a value
    // can be used in a block listed before the one defining it).
    for (auto [x, y] : pairs) {
      for (auto [u, v] : llvm::zip(x->getOperands(), y->getOperands()))
        if (values.lookup(u) != v)
          return false;
      for (auto [s, t] : llvm::zip(x->getSuccessors(), y->getSuccessors()))
        if (blocks.lookup(s) != t)
          return false;
    }
    addresses.clear();
    for (auto [x, y] : pairs)
      if (auto ax = dyn_cast<LLVM::AddressOfOp>(x))
        if (constantGlobal(ax, symbols))
          addresses.push_back({ax, cast<LLVM::AddressOfOp>(y)});
    return true;
  }

private:
  bool headersMatch(Operation *x, Operation *y) {
    if (x->getName() != y->getName() ||
        x->getNumOperands() != y->getNumOperands() ||
        x->getNumRegions() != y->getNumRegions() ||
        x->getNumSuccessors() != y->getNumSuccessors() ||
        x->getResultTypes() != y->getResultTypes())
      return false;
    if (auto ax = dyn_cast<LLVM::AddressOfOp>(x)) {
      auto ay = cast<LLVM::AddressOfOp>(y);
      LLVM::GlobalOp gx = constantGlobal(ax, symbols);
      LLVM::GlobalOp gy = constantGlobal(ay, symbols);
      if (gx || gy)
        return gx && gy && gx.getGlobalType() == gy.getGlobalType() &&
               gx.getAlignment() == gy.getAlignment() &&
               gx.getAddrSpace() == gy.getAddrSpace();
    }
    return attributesOf(x) == attributesOf(y);
  }

  bool regionsMatch(Region &x, Region &y) {
    if (x.getBlocks().size() != y.getBlocks().size())
      return false;
    for (auto [bx, by] : llvm::zip(x, y)) {
      if (bx.getNumArguments() != by.getNumArguments())
        return false;
      blocks[&bx] = &by;
      for (auto [ax, ay] : llvm::zip(bx.getArguments(), by.getArguments())) {
        if (ax.getType() != ay.getType())
          return false;
        values[ax] = ay;
      }
    }
    for (auto [bx, by] : llvm::zip(x, y)) {
      if (bx.getOperations().size() != by.getOperations().size())
        return false;
      for (auto [ox, oy] : llvm::zip(bx, by)) {
        if (!headersMatch(&ox, &oy))
          return false;
        for (auto [rx, ry] : llvm::zip(ox.getResults(), oy.getResults()))
          values[rx] = ry;
        pairs.push_back({&ox, &oy});
        for (auto [gx, gy] : llvm::zip(ox.getRegions(), oy.getRegions()))
          if (!regionsMatch(gx, gy))
            return false;
      }
    }
    return true;
  }

  SymbolTable &symbols;
  DenseMap<Value, Value> values;
  DenseMap<Block *, Block *> blocks;
  SmallVector<std::pair<Operation *, Operation *>> pairs;
};

/// A group of equal functions: the one kept, and for each the constant
/// global each of the kept one's addressof ops stands for.
struct KernelGroup {
  LLVM::LLVMFuncOp kept;
  SmallVector<LLVM::AddressOfOp> keptAddresses;
  /// Per member (kept first): the global name at each address position.
  SmallVector<std::pair<LLVM::LLVMFuncOp, SmallVector<FlatSymbolRefAttr>>>
      members;
};

struct ShareKernelsPass
    : qforge::cpu::impl::QFShareKernelsBase<ShareKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);

    // Direct calls of each function; a function used any other way (its
    // address taken, a symbol reference elsewhere) keeps its identity.
    llvm::DenseMap<StringAttr, SmallVector<LLVM::CallOp>> calls;
    llvm::DenseSet<StringAttr> otherwiseUsed;
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(&module.getBodyRegion());
    if (!uses)
      return; // An op that may reference symbols unseen: change nothing.
    for (const SymbolTable::SymbolUse &use : *uses) {
      StringAttr name = use.getSymbolRef().getRootReference();
      auto call = dyn_cast<LLVM::CallOp>(use.getUser());
      if (call && call.getCalleeAttr() == use.getSymbolRef())
        calls[name].push_back(call);
      else
        otherwiseUsed.insert(name);
    }

    KernelComparer comparer(symbols);
    llvm::MapVector<llvm::hash_code, SmallVector<LLVM::LLVMFuncOp>> buckets;
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>()) {
      // Only the module's own functions: an exported one keeps its body.
      bool local = fn.isPrivate() ||
                   fn.getLinkage() == LLVM::Linkage::Internal ||
                   fn.getLinkage() == LLVM::Linkage::Private;
      if (fn.isExternal() || !local)
        continue;
      if (otherwiseUsed.contains(fn.getSymNameAttr()))
        continue;
      buckets[comparer.hash(fn)].push_back(fn);
    }

    SmallVector<std::pair<LLVM::AddressOfOp, LLVM::AddressOfOp>> addresses;
    for (auto &[hash, functions] : buckets) {
      SmallVector<KernelGroup> groups;
      for (LLVM::LLVMFuncOp fn : functions) {
        bool placed = false;
        for (KernelGroup &group : groups) {
          if (!comparer.equal(group.kept, fn, addresses))
            continue;
          SmallVector<FlatSymbolRefAttr> globals;
          for (auto [mine, theirs] : addresses)
            globals.push_back(theirs.getGlobalNameAttr());
          group.members.push_back({fn, std::move(globals)});
          placed = true;
          break;
        }
        if (placed)
          continue;
        KernelGroup group;
        group.kept = fn;
        SmallVector<FlatSymbolRefAttr> globals;
        // Pre-order, as equal() pairs them.
        fn.getBody().walk<WalkOrder::PreOrder>([&](LLVM::AddressOfOp address) {
          if (constantGlobal(address, symbols)) {
            group.keptAddresses.push_back(address);
            globals.push_back(address.getGlobalNameAttr());
          }
        });
        group.members.push_back({fn, std::move(globals)});
        groups.push_back(std::move(group));
      }
      for (KernelGroup &group : groups)
        if (group.members.size() > 1)
          merge(group, calls, symbols);
    }
  }

  /// Keeps `group.kept`, with an argument for each address that differs
  /// between the members, and calls it wherever a member was called.
  void merge(KernelGroup &group,
             llvm::DenseMap<StringAttr, SmallVector<LLVM::CallOp>> &calls,
             SymbolTable &symbols) {
    LLVM::LLVMFuncOp kept = group.kept;
    MLIRContext *ctx = kept.getContext();
    // Address positions whose global is not the same for every member.
    SmallVector<unsigned> varying;
    for (unsigned p = 0; p < group.keptAddresses.size(); ++p)
      for (auto &[fn, globals] : group.members)
        if (globals[p] != group.members.front().second[p]) {
          varying.push_back(p);
          break;
        }

    Builder b(ctx);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    for (unsigned p : varying) {
      LLVM::AddressOfOp address = group.keptAddresses[p];
      LLVM::GlobalOp global = constantGlobal(address, symbols);
      NamedAttrList attrs;
      attrs.set(LLVM::LLVMDialect::getNoAliasAttrName(), b.getUnitAttr());
      attrs.set(LLVM::LLVMDialect::getReadonlyAttrName(), b.getUnitAttr());
      if (std::optional<uint64_t> align = global.getAlignment())
        attrs.set(LLVM::LLVMDialect::getAlignAttrName(),
                  b.getI64IntegerAttr(*align));
      // LLVMFuncOp does not implement the interface's insertArgument: the
      // type, the entry block and the attributes are updated one by one.
      LLVM::LLVMFunctionType type = kept.getFunctionType();
      SmallVector<Type> inputs(type.getParams());
      unsigned index = inputs.size();
      inputs.push_back(ptr);
      kept.setFunctionType(LLVM::LLVMFunctionType::get(
          type.getReturnType(), inputs, type.isVarArg()));
      BlockArgument arg =
          kept.getBody().front().addArgument(ptr, address.getLoc());
      SmallVector<Attribute> argAttrs(index, b.getDictionaryAttr({}));
      if (ArrayAttr old = kept.getArgAttrsAttr())
        llvm::copy(old, argAttrs.begin());
      argAttrs.push_back(attrs.getDictionary(ctx));
      kept.setArgAttrsAttr(b.getArrayAttr(argAttrs));
      address.replaceAllUsesWith(arg);
      address.erase();
    }

    OpBuilder builder(ctx);
    for (auto &[fn, globals] : group.members) {
      for (LLVM::CallOp call : calls.lookup(fn.getSymNameAttr())) {
        builder.setInsertionPoint(call);
        SmallVector<Value> extra;
        for (unsigned p : varying)
          extra.push_back(LLVM::AddressOfOp::create(builder, call.getLoc(), ptr,
                                                    globals[p]));
        call.getCalleeOperandsMutable().append(extra);
        call.setCalleeAttr(FlatSymbolRefAttr::get(kept.getSymNameAttr()));
      }
      if (fn != kept)
        symbols.erase(fn);
    }
  }
};

} // namespace
