#!/usr/bin/env bash
# The main job, until qforge-compile exists: set up, build qforge-opt, then
# quantize the bundled float MLP (examples/mlp.mlir) with --qf-quantize under
# several schemes and run each through the qf reference pipeline and Debian's
# mlir-runner. Each prints the model's output and its relative error against
# the float model. Pass schemes as arguments to choose others.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh qforge-opt
LLVM=/usr/lib/llvm-22
schemes=("$@")
[ ${#schemes[@]} -gt 0 ] || schemes=(w8 w4g32 w4g32asym nf4g64 fp8 a8w8)
for scheme in "${schemes[@]}"; do
  echo "== scheme $scheme: output, then ||y - y_float|| / ||y_float||"
  build/bin/qforge-opt examples/mlp.mlir \
      --qf-quantize="scheme=$scheme skip=ref*" --qf-reference-to-llvm |
    "$LLVM/bin/mlir-runner" -e main -entry-point-result=void \
      -shared-libs="$LLVM/lib/libmlir_runner_utils.so,$LLVM/lib/libmlir_c_runner_utils.so" |
    grep -v '^Unranked'
done
