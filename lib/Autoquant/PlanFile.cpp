//===- PlanFile.cpp - Autoquant's result as a replayable scheme file ------===//
//
// What --autoquant-plan writes, from the pass or (after --autoquant-max-error's
// reverts) from the driver: one header, then planToSchemeFile's lines.
//
//===----------------------------------------------------------------------===//

#include "qforge/Autoquant/Passes.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

namespace qforge::autoquant {

std::string planFileText(const AutoquantResult &result) {
  std::vector<std::string> header = {
      "autoquant plan for target " + result.target,
      "timer: " + result.timer + "; guard: " + result.guard + ", min SQNR " +
          llvm::formatv("{0:f1}", result.minSqnrDb).str() +
          " dB; M profile for dynamic M: " + result.profile};
  if (result.maxError > 0) {
    header.push_back(
        llvm::formatv("max output error {0}: the plan's is {1} after {2} "
                      "revert(s)",
                      llvm::format("%.3g", result.maxError),
                      llvm::format("%.3g", result.outputError),
                      result.reverts.size())
            .str());
    for (const Revert &r : result.reverts)
      header.push_back(llvm::formatv("  reverted {0}: {1} -> {2} (output "
                                     "error {3})",
                                     r.layer, r.from, r.to,
                                     llvm::format("%.3g", r.outputError))
                           .str());
  }
  header.push_back("replay: --scheme-file=<this file> (qforge-compile) or "
                   "--qf-quantize=scheme-file=<this file>");
  return planToSchemeFile(result.layers, header);
}

} // namespace qforge::autoquant
