//===- ONNXImporter.cpp - ONNX graph to func.func @main -------------------===//
//
// Walks the graph in order: initializers and Constant nodes are kept as
// import-time data, graph inputs become function arguments, and each node is
// converted by its op's converter (ONNXOps.cpp). A node that cannot be
// converted is recorded with the reason and its outputs are marked poisoned
// (their users are skipped silently), so that one error lists every node
// the model would need.
//
//===----------------------------------------------------------------------===//

#include "qforge/Import/ONNXImporter.h"
#include "qforge/Support/InputFile.h"
#include "qforge/Dialect/QF/IR/QFAttrNames.h"
#include "Importer.h"
#include "ONNXArity.h"
#include "ONNXOpHelpers.h"

#include "qforge-c/qforge_errors.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <google/protobuf/io/coded_stream.h>

using namespace mlir;

namespace qforge {
namespace onnx_import {

struct ValueEntry {
  Value value;
  std::shared_ptr<const ConstTensor> constant;
  bool poisoned = false;
};

class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, const onnx::ModelProto &model,
                const ONNXImportOptions &options)
      : ctx(ctx), model(model), options(options), builder(ctx),
        fileLoc(FileLineColLoc::get(ctx, options.sourceName, 0, 0)) {}

  OwningOpRef<ModuleOp> run();

  ValueEntry *lookup(StringRef name) {
    auto it = values.find(name);
    return it == values.end() ? nullptr : &it->second;
  }
  Value materialize(StringRef name, ValueEntry &entry);
  void define(StringRef name, ValueEntry entry) {
    values[name] = std::move(entry);
  }
  OpBuilder &getBuilder() { return builder; }
  StringRef baseDirectory() const { return options.baseDirectory; }

private:
  LogicalResult fail(const Twine &msg) {
    emitError(fileLoc) << msg;
    return failure();
  }
  FailureOr<RankedTensorType> valueInfoType(const onnx::ValueInfoProto &info,
                                            StringRef what);
  Location nodeLoc(const onnx::NodeProto &node);

  MLIRContext *ctx;
  const onnx::ModelProto &model;
  const ONNXImportOptions &options;
  OpBuilder builder;
  Location fileLoc;
  llvm::StringMap<ValueEntry> values;
  llvm::StringMap<int64_t> opsets;
};

static std::string sanitize(StringRef name) {
  std::string out;
  for (char c : name)
    out += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  if (out.empty() || llvm::isDigit(out[0]))
    out = "t_" + out;
  return out;
}

Value GraphImporter::materialize(StringRef name, ValueEntry &entry) {
  if (entry.value)
    return entry.value;
  const ConstTensor &t = *entry.constant;
  Type elt = mlirElementType(ctx, t.type);
  auto type = RankedTensorType::get(t.shape, elt);
  TypedAttr attr;
  if (t.type == kFloat && t.numElements() > options.maxDenseElements) {
    ArrayRef<float> data(reinterpret_cast<const float *>(t.data.data()),
                         t.numElements());
    // The vector's storage is suitably aligned for float; the blob copies.
    attr = cast<TypedAttr>(Attribute(DenseF32ResourceElementsAttr::get(
        type, sanitize(name),
        HeapAsmResourceBlob::allocateAndCopyInferAlign(data))));
  } else if (t.type == kBool) {
    std::vector<int64_t> ints = *t.toInts();
    SmallVector<bool> bits(ints.begin(), ints.end());
    attr = DenseElementsAttr::get(type, ArrayRef<bool>(bits));
  } else {
    attr = DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(t.data.data(), t.data.size()));
  }
  entry.value = arith::ConstantOp::create(
      builder, NameLoc::get(StringAttr::get(ctx, name), fileLoc), type, attr);
  return entry.value;
}

FailureOr<RankedTensorType>
GraphImporter::valueInfoType(const onnx::ValueInfoProto &info, StringRef what) {
  if (!info.type().has_tensor_type())
    return fail(Twine(what) + " '" + info.name() + "' is not a tensor");
  const onnx::TypeProto::Tensor &tt = info.type().tensor_type();
  Type elt = mlirElementType(ctx, tt.elem_type());
  if (!elt)
    return fail(Twine(what) + " '" + info.name() +
                "' has unsupported element type " +
                onnxTypeName(tt.elem_type()));
  if (!tt.has_shape())
    return fail(Twine(what) + " '" + info.name() +
                "' has no shape (unknown rank is not supported)");
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &d : tt.shape().dim())
    shape.push_back(d.has_dim_value() && d.dim_value() >= 0
                        ? d.dim_value()
                        : ShapedType::kDynamic);
  return RankedTensorType::get(shape, elt);
}

Location GraphImporter::nodeLoc(const onnx::NodeProto &node) {
  std::string name = node.name();
  if (name.empty() && node.output_size() > 0)
    name = node.output(0);
  if (name.empty())
    return fileLoc;
  return NameLoc::get(StringAttr::get(ctx, name), fileLoc);
}

static std::string describe(const onnx::NodeProto &node) {
  if (!node.name().empty())
    return "'" + node.name() + "'";
  if (node.output_size() > 0)
    return "producing '" + node.output(0) + "'";
  return "<unnamed>";
}

/// `v` with the static `declared` shape a graph output declares where the
/// graph computes a dynamic size. The sizes are compared at run time: a
/// mismatch is reported (qforge_shape_error, qforge_errors.h) and the output
/// is zeros of the declared shape, so that nothing is written past the
/// caller's buffer (which the signature sizes from the declaration) nor left
/// unwritten.
static Value checkDeclaredShape(OpBuilder &b, Location loc, ModuleOp module,
                                Value v, ArrayRef<int64_t> declared,
                                int64_t output) {
  auto type = cast<RankedTensorType>(v.getType());
  auto staticType = RankedTensorType::get(declared, type.getElementType());
  func::FuncOp report = detail::runtimeReportFunction(
      module, QFORGE_SHAPE_ERROR_FUNCTION, 4);
  Type i64 = b.getI64Type();
  auto i64c = [&](int64_t c) {
    return arith::ConstantIntOp::create(b, loc, i64, c).getResult();
  };
  Value trueValue = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
  Value ok = trueValue;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!type.isDynamicDim(d))
      continue;
    Value size = arith::IndexCastOp::create(
        b, loc, i64, tensor::DimOp::create(b, loc, v, d));
    Value same = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, size,
                                       i64c(declared[d]));
    auto mismatch = scf::IfOp::create(
        b, loc, arith::XOrIOp::create(b, loc, same, trueValue));
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(mismatch.thenBlock());
      func::CallOp::create(b, loc, report,
                           ValueRange{i64c(output), i64c(d), size,
                                      i64c(declared[d])});
    }
    ok = arith::AndIOp::create(b, loc, ok, same);
  }
  auto checked = scf::IfOp::create(b, loc, TypeRange{staticType}, ok,
                                   /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(checked.thenBlock());
  scf::YieldOp::create(b, loc,
                       tensor::CastOp::create(b, loc, staticType, v).getResult());
  b.setInsertionPointToStart(checked.elseBlock());
  Value empty = tensor::EmptyOp::create(b, loc, declared, type.getElementType());
  Value zero = arith::ConstantOp::create(
      b, loc, b.getZeroAttr(type.getElementType()));
  scf::YieldOp::create(
      b, loc, linalg::FillOp::create(b, loc, zero, empty).getResult(0));
  return checked.getResult(0);
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  if (!model.has_graph()) {
    (void)fail("the model has no graph (not an ONNX model, or truncated)");
    return nullptr;
  }
  for (const onnx::OperatorSetIdProto &o : model.opset_import())
    opsets[o.domain() == "ai.onnx" ? "" : o.domain()] = o.version();
  if (!opsets.count("")) {
    (void)fail("the model imports no version of the default ONNX operator "
               "set (opset_import is missing: not an ONNX model, or "
               "truncated)");
    return nullptr;
  }
  // Operator sets start at version 1; converters and the schema check
  // (ONNXArity) read the version as the one the node was written for.
  if (int64_t version = opsets.lookup(""); version < 1) {
    (void)fail("the model imports version " + std::to_string(version) +
               " of the default ONNX operator set (versions start at 1)");
    return nullptr;
  }
  const onnx::GraphProto &graph = model.graph();

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());

  // Initializers: import-time data.
  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &init : graph.initializer()) {
    llvm::Expected<ConstTensor> t = decodeTensor(init, options.baseDirectory);
    if (!t) {
      (void)fail("initializer: " + llvm::toString(t.takeError()));
      return nullptr;
    }
    initializerNames.insert(init.name());
    define(init.name(),
           ValueEntry{Value(), std::make_shared<ConstTensor>(std::move(*t))});
  }
  if (graph.sparse_initializer_size() > 0) {
    (void)fail("sparse initializers are not supported");
    return nullptr;
  }

  // Graph inputs (those with an initializer are constants).
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  SmallVector<ArrayAttr> argDimNames;
  for (const onnx::ValueInfoProto &in : graph.input()) {
    if (initializerNames.contains(in.name()))
      continue;
    FailureOr<RankedTensorType> type = valueInfoType(in, "graph input");
    if (failed(type))
      return nullptr;
    // Dynamic dims' dim_params: inputs sharing one have the same size, and
    // artifacts name the dimension after it (qforge-compile's signature).
    SmallVector<Attribute> dimNames;
    bool named = false;
    for (const onnx::TensorShapeProto::Dimension &d :
         in.type().tensor_type().shape().dim()) {
      bool dynamic = !(d.has_dim_value() && d.dim_value() >= 0);
      std::string param = dynamic && d.has_dim_param() ? d.dim_param() : "";
      named |= !param.empty();
      dimNames.push_back(StringAttr::get(ctx, param));
    }
    argDimNames.push_back(named ? ArrayAttr::get(ctx, dimNames) : ArrayAttr());
    argTypes.push_back(*type);
    argNames.push_back(in.name());
  }
  auto func = func::FuncOp::create(builder, fileLoc, options.functionName,
                                   builder.getFunctionType(argTypes, {}));
  func->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, qf::kNameAttrName, StringAttr::get(ctx, name));
    if (argDimNames[i])
      func.setArgAttr(i, qf::kDimNamesAttrName, argDimNames[i]);
    define(name, ValueEntry{entry->getArgument(i), nullptr});
  }
  builder.setInsertionPointToEnd(entry);

  // ONNX graphs are in SSA form (onnx.checker, ONNX Runtime): a value written
  // twice would silently take its last writer.
  llvm::StringMap<std::string> writers;
  for (const onnx::TensorProto &init : graph.initializer())
    writers[init.name()] = "an initializer";
  for (const std::string &name : argNames)
    writers[name] = "a graph input";
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &out : node.output()) {
      if (out.empty())
        continue;
      std::string writer = "node " + describe(node);
      auto [it, inserted] = writers.try_emplace(out, writer);
      if (!inserted) {
        (void)fail("the graph is not in single static assignment form: '" +
                   out + "' is written by " + it->second + " and by " +
                   writer);
        return nullptr;
      }
    }

  // Nodes.
  std::vector<std::string> problems;
  for (const onnx::NodeProto &node : graph.node()) {
    std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    int64_t opset = opsets.lookup(domain);
    auto poison = [&] {
      for (const std::string &out : node.output())
        if (!out.empty())
          define(out, ValueEntry{Value(), nullptr, true});
    };
    auto record = [&](StringRef reason) {
      std::string opName =
          domain.empty() ? node.op_type() : domain + "." + node.op_type();
      problems.push_back("node " + describe(node) + " (" + opName + ", opset " +
                         std::to_string(opset) + "): " + reason.str());
      poison();
    };
    ConvertFn convert =
        domain.empty() ? lookupConverter(node.op_type()) : nullptr;
    if (!convert) {
      record("unsupported operator");
      continue;
    }
    if (std::string why = arityProblem(node, opset); !why.empty()) {
      record(why);
      continue;
    }
    bool poisoned = false;
    for (const std::string &in : node.input()) {
      if (in.empty())
        continue;
      ValueEntry *e = lookup(in);
      if (!e) {
        (void)fail("node " + describe(node) + " (" + node.op_type() +
                   ") uses '" + in +
                   "', which is not a graph input, an initializer or an "
                   "earlier node's output (nodes must be topologically "
                   "sorted)");
        return nullptr;
      }
      poisoned |= e->poisoned;
    }
    if (poisoned) {
      poison();
      continue;
    }
    NodeContext nc(*this, node, opset, nodeLoc(node));
    if (failed(convert(nc))) {
      record(nc.failureReason().empty() ? "cannot be converted"
                                        : nc.failureReason());
      continue;
    }
    for (int i = 0; i < node.output_size(); ++i)
      if (!node.output(i).empty() && !lookup(node.output(i))) {
        record("output #" + std::to_string(i) + " is not supported");
        break;
      }
  }
  if (!problems.empty()) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    os << "cannot import " << problems.size() << " ONNX node"
       << (problems.size() == 1 ? "" : "s") << ":";
    for (const std::string &p : problems)
      os << "\n  " << p;
    (void)fail(msg);
    return nullptr;
  }

  // Results.
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    ValueEntry *e = lookup(out.name());
    if (!e) {
      (void)fail("graph output '" + out.name() +
                 "' is not produced by any node, input or initializer");
      return nullptr;
    }
    Value v = materialize(out.name(), *e);
    // Take static dims from the declared shape when it has them.
    auto type = cast<RankedTensorType>(v.getType());
    if (out.type().has_tensor_type() && out.type().tensor_type().has_shape()) {
      const auto &dims = out.type().tensor_type().shape().dim();
      if (dims.size() == type.getRank()) {
        SmallVector<int64_t> shape(type.getShape());
        bool refine = false;
        for (int d = 0; d < dims.size(); ++d) {
          if (!dims[d].has_dim_value() || dims[d].dim_value() < 0)
            continue;
          if (type.isDynamicDim(d)) {
            shape[d] = dims[d].dim_value();
            refine = true;
          } else if (shape[d] != dims[d].dim_value()) {
            (void)fail("graph output '" + out.name() +
                       "' is declared with dim " + Twine(d) + " = " +
                       Twine(dims[d].dim_value()) + " but computes " +
                       Twine(shape[d]));
            return nullptr;
          }
        }
        if (refine)
          v = checkDeclaredShape(builder, fileLoc, *module, v, shape,
                                 int64_t(results.size()));
      }
    }
    results.push_back(v);
  }
  func::ReturnOp::create(builder, fileLoc, results);
  // Erase what nothing uses: nodes that do not reach an output, shape
  // arithmetic that a reshape did not need.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
    if (isOpTriviallyDead(&op))
      op.erase();
  func.setType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, out] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, qf::kNameAttrName, StringAttr::get(ctx, out.name()));

  if (failed(verify(*module))) {
    (void)fail("internal error: the imported IR does not verify (please "
               "report with the model)");
    return nullptr;
  }
  return module;
}

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

NodeContext::NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
                         int64_t opset, Location loc)
    : importer(importer), proto(node), version(opset),
      location(loc), irb{importer.getBuilder(), loc} {}

bool NodeContext::hasInput(int i) const {
  return i < proto.input_size() && !proto.input(i).empty();
}

bool NodeContext::hasOutput(int i) const {
  return i < proto.output_size() && !proto.output(i).empty();
}

Value NodeContext::input(int i) {
  ValueEntry *e = importer.lookup(proto.input(i));
  return importer.materialize(proto.input(i), *e);
}

const ConstTensor *NodeContext::constInput(int i) {
  if (!hasInput(i))
    return nullptr;
  ValueEntry *e = importer.lookup(proto.input(i));
  return e->constant.get();
}

FailureOr<std::vector<int64_t>> NodeContext::intsInput(int i, StringRef what) {
  const ConstTensor *t = constInput(i);
  if (!t) {
    (void)unsupported(Twine(what) + " must be a constant (initializer or "
                                    "Constant node)");
    return failure();
  }
  std::optional<std::vector<int64_t>> ints = t->toInts();
  if (!ints) {
    (void)unsupported(Twine(what) + " must be an integer tensor");
    return failure();
  }
  return *ints;
}

void NodeContext::setOutput(int i, Value v) {
  if (hasOutput(i))
    importer.define(proto.output(i), ValueEntry{v, nullptr});
}

void NodeContext::setOutput(int i, ConstTensor t) {
  if (hasOutput(i))
    importer.define(
        proto.output(i),
        ValueEntry{Value(), std::make_shared<ConstTensor>(std::move(t))});
}

void NodeContext::forward(int from, int to) {
  if (hasOutput(to))
    importer.define(proto.output(to), *importer.lookup(proto.input(from)));
}

Value NodeContext::constant(const ConstTensor &t, StringRef nameHint) {
  ValueEntry entry{Value(), std::make_shared<ConstTensor>(t)};
  return importer.materialize(nameHint, entry);
}

StringRef NodeContext::baseDirectory() const {
  return importer.baseDirectory();
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : proto.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::attrInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeContext::attrFloat(StringRef name, float dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::attrString(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<std::vector<int64_t>>
NodeContext::attrInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

LogicalResult NodeContext::unsupported(const Twine &why) {
  if (reason.empty())
    reason = why.str();
  return failure();
}

std::optional<int64_t> NodeContext::axis(int64_t a, int64_t rank,
                                         bool inclusive) {
  int64_t limit = inclusive ? rank + 1 : rank;
  if (a < -rank || a >= limit) {
    (void)unsupported("axis " + Twine(a) + " is out of range for rank " +
                      Twine(rank));
    return std::nullopt;
  }
  return a < 0 ? a + rank : a;
}

Type NodeContext::elementType(int i) {
  return cast<RankedTensorType>(input(i).getType()).getElementType();
}

LogicalResult NodeContext::requireFloat(int i) {
  Type t = elementType(i);
  if (isa<FloatType>(t))
    return success();
  std::optional<int32_t> onnx = onnxTypeOf(t);
  return unsupported("element type " +
                     (onnx ? onnxTypeName(*onnx) : std::string("?")) +
                     " (only floating-point types are supported)");
}

} // namespace onnx_import

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

void registerONNXImportDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, func::FuncDialect, linalg::LinalgDialect,
                  math::MathDialect, scf::SCFDialect, tensor::TensorDialect,
                  qf::QFDialect>();
}

static void loadDialects(MLIRContext *context) {
  DialectRegistry registry;
  registerONNXImportDialects(registry);
  context->appendDialectRegistry(registry);
  context->loadDialect<arith::ArithDialect, func::FuncDialect,
                       linalg::LinalgDialect, math::MathDialect,
                       scf::SCFDialect, tensor::TensorDialect, qf::QFDialect>();
}

OwningOpRef<ModuleOp> importONNXBytes(StringRef bytes, MLIRContext *context,
                                      ONNXImportOptions options) {
  loadDialects(context);
  if (options.sourceName.empty())
    options.sourceName = "<onnx>";
  if (options.baseDirectory.empty())
    options.baseDirectory = ".";
  Location loc = FileLineColLoc::get(context, options.sourceName, 0, 0);
  onnx::ModelProto model;
  if (bytes.empty()) {
    emitError(loc) << "cannot parse ONNX model: the input is empty";
    return nullptr;
  }
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), int(bytes.size()));
  stream.SetTotalBytesLimit(INT32_MAX);
  if (bytes.size() > size_t(INT32_MAX) ||
      !model.ParseFromCodedStream(&stream) || !stream.ConsumedEntireMessage()) {
    emitError(loc) << "cannot parse ONNX model: not a valid ModelProto "
                      "(corrupt or truncated file?)";
    return nullptr;
  }
  onnx_import::GraphImporter importer(context, model, options);
  return importer.run();
}

OwningOpRef<ModuleOp> importONNXFile(StringRef path, MLIRContext *context,
                                     ONNXImportOptions options) {
  loadDialects(context);
  if (options.sourceName.empty())
    options.sourceName = path.str();
  auto buffer = readInputFile(path);
  if (!buffer) {
    emitError(FileLineColLoc::get(context, options.sourceName, 0, 0))
        << "cannot open ONNX model '" << path
        << "': " << buffer.getError().message();
    return nullptr;
  }
  if (options.baseDirectory.empty()) {
    StringRef dir = llvm::sys::path::parent_path(path);
    options.baseDirectory = dir.empty() ? "." : dir.str();
  }
  return importONNXBytes((*buffer)->getBuffer(), context, options);
}

template <typename Fn>
static llvm::Expected<OwningOpRef<ModuleOp>>
collectingErrors(MLIRContext *context, Fn &&fn) {
  std::string messages;
  OwningOpRef<ModuleOp> module;
  {
    ScopedDiagnosticHandler handler(context, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error ||
          diag.getSeverity() == DiagnosticSeverity::Note) {
        if (!messages.empty())
          messages += "\n";
        messages += diag.str();
      }
      return success();
    });
    module = fn();
  }
  if (!module)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   messages.empty() ? "ONNX import failed"
                                                    : messages);
  return std::move(module);
}

llvm::Expected<OwningOpRef<ModuleOp>>
importONNX(StringRef path, MLIRContext *context, ONNXImportOptions options) {
  return collectingErrors(
      context, [&] { return importONNXFile(path, context, options); });
}

llvm::Expected<OwningOpRef<ModuleOp>>
importONNXFromBytes(StringRef bytes, MLIRContext *context,
                    ONNXImportOptions options) {
  return collectingErrors(
      context, [&] { return importONNXBytes(bytes, context, options); });
}

} // namespace qforge
