//===- Importer.h - Internals of the ONNX importer --------------*- C++ -*-===//
//
// The graph walker (ONNXImporter.cpp) keeps one entry per ONNX value name:
// its MLIR value, and for values known at import time (initializers,
// Constant nodes, shape ops folded on them) the data itself, which is only
// materialized as an arith.constant when an op needs it as a tensor. Shape
// operands (Reshape's shape, axes, Slice bounds, ...) are read from that
// data and never appear in the IR.
//
// The op converters (one file per op family, ONNXElementwise.cpp ...
// ONNXQuantOps.cpp, listed by ONNXOps.cpp's table) see one node at a time
// through NodeContext.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_IMPORT_IMPORTER_H
#define QFORGE_LIB_IMPORT_IMPORTER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

#include <onnx/onnx_pb.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qforge::onnx_import {

using mlir::LogicalResult;
using mlir::OpFoldResult;
using mlir::Value;

//===----------------------------------------------------------------------===//
// Import-time tensors
//===----------------------------------------------------------------------===//

/// ONNX TensorProto data types by number (Debian's ONNX 1.13 headers lack the
/// newer ones, and data_type is an int32 anyway).
enum OnnxType : int32_t {
  kFloat = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUInt32 = 12,
  kUInt64 = 13,
  kBFloat16 = 16,
};

/// Name of an ONNX data type ("FLOAT", "INT64", ... or the number).
std::string onnxTypeName(int32_t type);
/// Bytes per element of a supported type; 0 for anything else.
unsigned onnxTypeSize(int32_t type);
/// The MLIR element type of a supported ONNX type (f32, f64, f16, bf16, i1,
/// i8, i16, i32, i64, and ui8 for quantized data); null for the others
/// (wider unsigned types, strings, float8, 4-bit...).
mlir::Type mlirElementType(mlir::MLIRContext *ctx, int32_t type);
/// The inverse, for the types above.
std::optional<int32_t> onnxTypeOf(mlir::Type type);

/// A tensor whose contents are known at import time: row-major,
/// little-endian, one element per onnxTypeSize() bytes (bool: one byte).
struct ConstTensor {
  int32_t type = 0;
  llvm::SmallVector<int64_t> shape;
  std::vector<char> data;

  int64_t numElements() const;
  /// Integer or bool elements as int64 (nullopt for float types).
  std::optional<std::vector<int64_t>> toInts() const;
  /// Float elements as double (nullopt for integer types).
  std::optional<std::vector<double>> toDoubles() const;
  /// A rank-0 or one-element tensor's value as a double.
  std::optional<double> scalar() const;

  static ConstTensor fromInts(int32_t type, llvm::ArrayRef<int64_t> shape,
                              llvm::ArrayRef<int64_t> values);
  static ConstTensor fromFloats(llvm::ArrayRef<int64_t> shape,
                                llvm::ArrayRef<float> values);
};

/// Decodes a TensorProto (raw_data, the typed fields, or external data
/// relative to `baseDir`). On failure returns a message.
llvm::Expected<ConstTensor> decodeTensor(const onnx::TensorProto &proto,
                                         llvm::StringRef baseDir);

//===----------------------------------------------------------------------===//
// IR helpers (index arithmetic that folds constants, shapes, generics)
//===----------------------------------------------------------------------===//

/// Builder and location for one node's ops.
struct IRBuilder {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::MLIRContext *ctx() { return b.getContext(); }

  // Index arithmetic on OpFoldResults: static when both sides are.
  OpFoldResult index(int64_t v) { return b.getIndexAttr(v); }
  Value indexValue(OpFoldResult v);
  OpFoldResult add(OpFoldResult x, OpFoldResult y);
  OpFoldResult sub(OpFoldResult x, OpFoldResult y);
  OpFoldResult mul(OpFoldResult x, OpFoldResult y);
  OpFoldResult floorDiv(OpFoldResult x, int64_t y); ///< x >= 0 assumed
  OpFoldResult ceilDiv(OpFoldResult x, OpFoldResult y);
  OpFoldResult divExact(OpFoldResult x, OpFoldResult y);
  OpFoldResult min(OpFoldResult x, OpFoldResult y);
  OpFoldResult max(OpFoldResult x, OpFoldResult y);
  static std::optional<int64_t> constant(OpFoldResult v);
  static bool same(OpFoldResult x, OpFoldResult y);

  // Shapes.
  llvm::SmallVector<OpFoldResult> sizes(Value tensor);
  OpFoldResult size(Value tensor, int64_t dim);
  static llvm::SmallVector<int64_t> staticShape(llvm::ArrayRef<OpFoldResult> s);
  mlir::RankedTensorType tensorType(llvm::ArrayRef<OpFoldResult> sizes,
                                    mlir::Type elt);
  Value empty(llvm::ArrayRef<OpFoldResult> sizes, mlir::Type elt);
  Value filled(llvm::ArrayRef<OpFoldResult> sizes, mlir::Type elt,
               mlir::TypedAttr value);
  /// tensor.cast to `type` when it differs.
  Value castTo(Value v, mlir::Type type);
  /// tensor.cast giving `v` the static dims of `sizes` that it lacks.
  Value refine(Value v, llvm::ArrayRef<OpFoldResult> sizes);

  // Scalars.
  Value floatConst(mlir::Type type, double v);
  /// An index value converted to a float type (for dividing by counts).
  Value indexToFloat(OpFoldResult v, mlir::Type floatType);

  // Reshapes.
  /// Drops the dims at `positions` (sorted), which must have size 1
  /// (dynamic ones are cast to 1 first).
  Value dropUnitDims(Value v, llvm::ArrayRef<int64_t> positions);
  /// Inserts size-1 dims so that they end up at `positions` (sorted) of the
  /// result.
  Value insertUnitDims(Value v, llvm::ArrayRef<int64_t> positions);
  /// Reshapes `v` (row-major) to `target`, with collapse/expand_shape.
  Value reshape(Value v, llvm::ArrayRef<OpFoldResult> target);

  // Structured ops.
  using BodyFn =
      std::function<Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;
  /// numpy-broadcasting elementwise op: one linalg.generic whose body gets
  /// one scalar per input. Fails (with `error` set) on incompatible shapes.
  mlir::FailureOr<Value> elementwise(mlir::ValueRange inputs, mlir::Type outElt,
                                     BodyFn body, std::string *error);
  /// Reduces `input` over `axes` (sorted, unique) into a tensor without
  /// them; `combine(acc, x)` with the accumulator starting at `init`.
  Value reduce(Value input, llvm::ArrayRef<int64_t> axes, mlir::TypedAttr init,
               BodyFn combine);
  /// linalg.transpose.
  Value transpose(Value v, llvm::ArrayRef<int64_t> perm);
  /// tensor.pad with a constant on each dim (low/high per dim).
  Value pad(Value v, llvm::ArrayRef<OpFoldResult> low,
            llvm::ArrayRef<OpFoldResult> high, mlir::TypedAttr value);
};

//===----------------------------------------------------------------------===//
// Nodes
//===----------------------------------------------------------------------===//

class GraphImporter;

/// What a converter sees of the node it converts.
class NodeContext {
public:
  NodeContext(GraphImporter &importer, const onnx::NodeProto &node,
              int64_t opset, mlir::Location loc);

  const onnx::NodeProto &node() const { return proto; }
  int64_t opset() const { return version; }
  mlir::Location loc() const { return location; }
  IRBuilder &ir() { return irb; }
  mlir::OpBuilder &b() { return irb.b; }
  mlir::MLIRContext *ctx() { return irb.ctx(); }

  int numInputs() const { return proto.input_size(); }
  int numOutputs() const { return proto.output_size(); }
  bool hasInput(int i) const;
  bool hasOutput(int i) const;
  /// Input `i` as a tensor (constants are materialized).
  Value input(int i);
  /// Input `i`'s data when known at import time, else null.
  const ConstTensor *constInput(int i);
  /// A known integer input (axes, shapes, ...), or an unsupported-node
  /// failure naming `what`.
  mlir::FailureOr<std::vector<int64_t>> intsInput(int i, llvm::StringRef what);

  void setOutput(int i, Value v);
  void setOutput(int i, ConstTensor t);
  /// Makes input `from` also the value of output `to` (Identity).
  void forward(int from, int to);
  /// An arith.constant holding `t` (dense, or a dense_resource blob named
  /// after `nameHint` when large).
  Value constant(const ConstTensor &t, llvm::StringRef nameHint);
  /// The directory external data is read from.
  llvm::StringRef baseDirectory() const;

  // Attributes.
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t dflt) const;
  float attrFloat(llvm::StringRef name, float dflt) const;
  std::string attrString(llvm::StringRef name, llvm::StringRef dflt) const;
  std::optional<std::vector<int64_t>> attrInts(llvm::StringRef name) const;

  /// Records why this node cannot be imported; returns failure. The node
  /// is listed in the importer's single "cannot import" error.
  LogicalResult unsupported(const llvm::Twine &reason);
  const std::string &failureReason() const { return reason; }

  /// Normalizes an axis in [-rank, rank) (or [-rank, rank] with
  /// `inclusive`); nullopt after recording an error.
  std::optional<int64_t> axis(int64_t a, int64_t rank, bool inclusive = false);

  /// The element type of input `i`'s tensor.
  mlir::Type elementType(int i);
  /// Fails (unsupported) unless input `i` is a float tensor.
  LogicalResult requireFloat(int i);

private:
  GraphImporter &importer;
  const onnx::NodeProto &proto;
  int64_t version;
  mlir::Location location;
  IRBuilder irb;
  std::string reason;
};

using ConvertFn = LogicalResult (*)(NodeContext &);

/// The converter for `opType` in the default domain at `opset`, or null.
ConvertFn lookupConverter(llvm::StringRef opType);
/// Every op type lookupConverter knows (sorted), for messages and docs.
std::vector<std::string> supportedOpTypes();

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_IMPORT_IMPORTER_H
