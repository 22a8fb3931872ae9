//===- ONNXArity.cpp - Node inputs and outputs against the schema ---------===//

// QForge builds without C++ exceptions; ONNX's headers then abort instead
// of throwing (nothing used here throws).
#define ONNX_NO_EXCEPTIONS
#include "ONNXArity.h"

#include <onnx/defs/schema.h>

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <climits>

namespace qforge::onnx_import {

namespace {

std::string countRange(int min, int max) {
  if (max == INT_MAX)
    return llvm::formatv("at least {0}", min).str();
  if (min == max)
    return std::to_string(min);
  return llvm::formatv("{0} to {1}", min, max).str();
}

/// Whether the i-th actual parameter may be empty ("" = not given); the
/// last formal parameter stands for any beyond it (variadic).
bool mayBeEmpty(const std::vector<onnx::OpSchema::FormalParameter> &formal,
                int i) {
  if (formal.empty())
    return true;
  const auto &param = formal[std::min<size_t>(i, formal.size() - 1)];
  return param.GetOption() == onnx::OpSchema::Optional;
}

std::string formalName(const std::vector<onnx::OpSchema::FormalParameter> &formal,
                       int i) {
  if (formal.empty())
    return "";
  return " ('" + formal[std::min<size_t>(i, formal.size() - 1)].GetName() + "')";
}

} // namespace

std::string arityProblem(const onnx::NodeProto &node, int64_t opset) {
  if (opset < 1 || opset > INT_MAX)
    return "";
  const onnx::OpSchema *schema =
      onnx::OpSchemaRegistry::Schema(node.op_type(), int(opset), "");
  if (!schema) {
    // Known, but only from a later opset (LayerNormalization in an opset 8
    // model): no converter is written for that.
    if (const onnx::OpSchema *later =
            onnx::OpSchemaRegistry::Schema(node.op_type(), ""))
      return llvm::formatv("the operator does not exist in opset {0} (it "
                           "was introduced in opset {1})",
                           opset, later->SinceVersion());
    // Newer than the library: the converters' own bounds, ONNX's.
    if (node.op_type() == "Gelu") {
      if (opset < 20)
        return llvm::formatv("the operator does not exist in opset {0} (it "
                             "was introduced in opset 20)",
                             opset);
      if (node.input_size() != 1 || node.input(0).empty() ||
          node.output_size() != 1)
        return "takes exactly one input and one output";
    }
    return "";
  }
  // Debian's ONNX library (1.12) knows the operators up to its own opset
  // (17). A newer model's operator may have gained inputs and outputs since
  // (ReduceMax takes its axes as an input from opset 18), never lost
  // required ones: only the lower bounds are checked then.
  const auto &ranges =
      onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto known = ranges.find(onnx::ONNX_DOMAIN);
  bool newer = known == ranges.end() || opset > known->second.second;
  int inputs = node.input_size(), outputs = node.output_size();
  int maxInputs = newer ? INT_MAX : schema->max_input();
  int maxOutputs = newer ? INT_MAX : schema->max_output();
  if (inputs < schema->min_input() || inputs > maxInputs)
    return llvm::formatv("has {0} input(s); the operator takes {1}", inputs,
                         countRange(schema->min_input(), maxInputs));
  if (outputs < schema->min_output() || outputs > maxOutputs)
    return llvm::formatv("has {0} output(s); the operator has {1}", outputs,
                         countRange(schema->min_output(), maxOutputs));
  int checkedInputs = newer ? std::min(inputs, schema->min_input()) : inputs;
  for (int i = 0; i < checkedInputs; ++i)
    if (node.input(i).empty() && !mayBeEmpty(schema->inputs(), i))
      return llvm::formatv("input #{0}{1} is required but not given", i,
                           formalName(schema->inputs(), i));
  if (newer)
    return "";
  for (int i = 0; i < outputs; ++i)
    if (node.output(i).empty() && !mayBeEmpty(schema->outputs(), i))
      return llvm::formatv("output #{0}{1} is required but not named", i,
                           formalName(schema->outputs(), i));
  return "";
}

} // namespace qforge::onnx_import
