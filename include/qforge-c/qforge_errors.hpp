/*===- qforge_errors.hpp - Wording of generated code's reports --*- C++ -*-===*
 *
 * The messages of the reports in qforge_errors.h, shared by every loader
 * that binds the hooks (the runtime's qforge_load, the calibration JIT) so
 * that a model fails with the same words however it runs. Header-only, C++17
 * and the standard library (the runtime ships without LLVM).
 *===----------------------------------------------------------------------===*/
#ifndef QFORGE_C_QFORGE_ERRORS_HPP
#define QFORGE_C_QFORGE_ERRORS_HPP

#include <cstdint>
#include <string>

namespace qforge {

/// qforge_index_error_fn's report (ONNX Runtime's reason in parentheses).
inline std::string indexErrorMessage(int64_t index, int64_t size) {
  return "index " + std::to_string(index) +
         " is out of bounds for an axis of size " + std::to_string(size) +
         " (indices element out of data bounds)";
}

/// qforge_shape_error_fn's report.
inline std::string shapeErrorMessage(int64_t output, int64_t dim,
                                     int64_t computed, int64_t declared) {
  return "output " + std::to_string(output) + " dimension " +
         std::to_string(dim) + " is " + std::to_string(computed) +
         " for these inputs, but the model declares " +
         std::to_string(declared);
}

} // namespace qforge

#endif /* QFORGE_C_QFORGE_ERRORS_HPP */
