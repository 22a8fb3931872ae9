//===- AutoquantVerify.h - The plan against uniform schemes, end to end -*- C++ -*-===//
//
// qforge-compile --scheme auto --autoquant-verify: the artifact built with
// autoquant's plan is timed end to end (through the runtime, on the same
// random inputs; dynamic dimensions take each M bucket of the profile)
// against artifacts built with every uniform candidate that passes the
// same guard on every layer, in interleaved rounds. A plan slower than the
// best of them is refused: that uniform artifact is used, and the report
// says so.
//
//===----------------------------------------------------------------------===//
#ifndef QFORGE_LIB_COMPILER_AUTOQUANTVERIFY_H
#define QFORGE_LIB_COMPILER_AUTOQUANTVERIFY_H

#include "qforge/Autoquant/Profile.h"
#include "qforge/Compiler/Compile.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qforge {

/// One artifact's end-to-end time: the profile-weighted median (and p20 /
/// p80) of a call, in seconds.
struct ArtifactTime {
  std::string label; ///< "plan" or the uniform candidate
  std::string path;
  double median = 0.0, p20 = 0.0, p80 = 0.0;
};

/// Times the artifacts (loaded with the runtime) on the same inputs, in
/// `rounds` interleaved rounds; a model without dynamic dimensions runs at
/// its shapes, one with them at each bucket's M, weighted.
llvm::Expected<std::vector<ArtifactTime>>
timeArtifacts(const std::vector<std::pair<std::string, std::string>> &artifacts,
              const std::vector<autoquant::MBucket> &profile, unsigned threads,
              unsigned rounds);

/// Compiles `floatModel` (a clone is taken per candidate) with each
/// uniform candidate that passes the guard on every layer of
/// report.autoquant into `workDir`, times them against the plan's artifact
/// `planLibrary`, and fills report.autoquantVerify. When a uniform
/// artifact wins, its library is renamed over `planLibrary`.
llvm::Error verifyAutoquantPlan(mlir::ModuleOp floatModel,
                                const CompileOptions &options,
                                llvm::StringRef planLibrary,
                                llvm::StringRef workDir, CompileReport &report);

} // namespace qforge

#endif
