//===- Samples.h - Calibration samples checked against a model --*- C++ -*-===//
//
// Calibration samples are a .npz with one array per argument of the entry
// function, each with a leading sample dimension: [N, <argument shape>]
// (dynamic dimensions of the argument take any size). Arrays are named by
// the caller: arg0, arg1, ... (qforge-calibrate) or the model's input
// names (qforge-compile, which uses the ONNX input names).
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_CALIBRATION_SAMPLES_H
#define QFORGE_CALIBRATION_SAMPLES_H

#include "qforge/Formats/Npy.h"
#include "qforge/Calibration/Runner.h"

#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qforge::calib {

/// The samples, checked against the entry function: one array per argument
/// named as asked, shape [N, <argument shape>], the argument's dtype, the
/// same N everywhere, finite values.
struct Samples {
  std::vector<formats::NpyArray> arrays; ///< by argument index
  size_t count = 0;

  /// Sample `i` of every argument.
  std::vector<formats::NpyArray> sample(size_t i) const;
};

/// The names arg0, arg1, ... for `count` arguments.
std::vector<std::string> positionalNames(size_t count);

/// Reads `path` (.npz, or .npy for one argument) and checks it against
/// `model`'s arguments, whose arrays are named `names` (one per argument).
/// Errors start with `path` and name the array and the shape it needs.
/// `maxSamples` (0: all) limits how many samples are used.
llvm::Expected<Samples> loadSamples(llvm::StringRef path,
                                    const CompiledModel &model,
                                    const std::vector<std::string> &names,
                                    size_t maxSamples = 0);

} // namespace qforge::calib

#endif
