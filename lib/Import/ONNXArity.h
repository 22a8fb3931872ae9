//===- ONNXArity.h - Node inputs and outputs against the schema -*- C++ -*-===//
//
// Converters index a node's inputs as its operator defines them; a crafted
// node with too few inputs, or an empty name where an input is required,
// would send them past the end of the list (found by fuzz/ONNXImportFuzzer).
// Each node is checked first against ONNX's own operator schemas, as
// onnx.checker and ONNX Runtime do.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_IMPORT_ONNXARITY_H
#define QFORGE_LIB_IMPORT_ONNXARITY_H

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>

namespace qforge::onnx_import {

/// Why `node` (of the default domain, in a model of `opset`) has inputs or
/// outputs its operator's schema does not allow: too few or too many, or a
/// required one left empty; or that the operator does not exist yet at that
/// opset. For opsets newer than the library (Debian's ONNX 1.12 knows up to
/// 17) only the lower bounds are checked; operators newer than the library
/// (Gelu) have their bounds here.
std::string arityProblem(const onnx::NodeProto &node, int64_t opset);

} // namespace qforge::onnx_import

#endif
